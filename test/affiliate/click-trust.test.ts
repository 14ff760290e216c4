/**
 * Reports can be trusted: a replayed link counts once per dedupe window, obvious bots are never
 * counted, tokens carry no shopper id, and link keys can be rotated without breaking the links
 * already in shoppers' hands until the old key is retired (then 410 TOKEN_RETIRED).
 */
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { createTagger } from '../../src/affiliate/tagger.js';
import { BOT_AGENT_WORDS, isBotAgent } from '../../src/affiliate/bots.js';
import { harness, KEYS, type Harness } from '../consent/harness.js';
import { merchants, product } from './fixtures.js';

const rak = product('p3', 'm-rak', 'https://rak.example/p3');
const OLD = 'old-link-secret-0123456789';
const NEW = 'new-link-secret-9876543210';
let h: Harness;
afterEach(() => h?.dispose());

async function setup(env: Record<string, string> = {}) {
  h = await harness({ env });
  await h.addProducts([rak]);
  const at = '2026-05-01T12:00:00.000Z';
  const consents = ['personalization', 'clickTracking'].map((purpose) => ({ purpose, granted: true, at, source: 'test', policyVersion: '2026-01' }));
  const [r] = await h.commands.importShoppers([{ id: 'u-shopper', displayName: 'S', region: 'FR', ageBand: '25-34', follows: [], consents }]);
  expect(r!.ok).toBe(true);
}
const tokenOf = (url: string) => url.slice('/r/'.length);
const clicks = async () => (await request(h.app).get('/v1/reports/clicks?groupBy=product').set('x-api-key', KEYS.admin).expect(200)).body.total;

describe('a click counts once per token per window', () => {
  it('a link replayed 50 times counts one click; every replay still redirects', async () => {
    await setup();
    const url = h.tagger.tag({ product: rak, credit: null, userRef: null, now: h.now() }).affiliateUrl;
    for (let i = 0; i < 50; i++) await request(h.app).get(url).set('user-agent', 'Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0').expect(302);
    expect(await clicks()).toBe(1);
  });

  it('the same link counts again in the next window (CLICK_DEDUPE_WINDOW_S), and two links count twice', async () => {
    await setup({ CLICK_DEDUPE_WINDOW_S: '600' });
    const url = h.tagger.tag({ product: rak, credit: null, userRef: null, now: h.now() }).affiliateUrl;
    await request(h.app).get(url).expect(302);
    h.advance(600);
    await request(h.app).get(url).expect(302);
    await request(h.app).get(h.tagger.tag({ product: rak, credit: null, userRef: null, now: h.now() }).affiliateUrl).expect(302);
    expect(await clicks()).toBe(3);
  });

  it('CLICK_DEDUPE_WINDOW_S=0 counts every click', async () => {
    await setup({ CLICK_DEDUPE_WINDOW_S: '0' });
    const url = h.tagger.tag({ product: rak, credit: null, userRef: null, now: h.now() }).affiliateUrl;
    for (let i = 0; i < 3; i++) await request(h.app).get(url).expect(302);
    expect(await clicks()).toBe(3);
  });
});

describe('obvious bots are redirected but never counted', () => {
  it.each([
    'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
    'facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)',
    'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)',
    'WhatsApp/2.23.20.0 A',
    'curl/8.5.0',
    'python-requests/2.31.0',
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/126.0.0.0 Safari/537.36',
  ])('%s', async (agent) => {
    await setup();
    const url = h.tagger.tag({ product: rak, credit: null, userRef: null, now: h.now() }).affiliateUrl;
    await request(h.app).get(url).set('user-agent', agent).expect(302);
    expect(await clicks()).toBe(0);
  });

  it('browsers and a missing User-Agent are not bots', () => {
    for (const ua of ['Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 Version/17.5 Mobile/15E148 Safari/604.1',
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36', undefined]) {
      expect(isBotAgent(ua)).toBe(false);
    }
    expect(BOT_AGENT_WORDS).toContain('curl');
  });
});

describe('tokens name no shopper', () => {
  it("the token's payload holds the shopper's random link pseudonym, never their id", async () => {
    await setup();
    const ref = (await h.store.linkRefOf('u-shopper'))!;
    const url = h.tagger.tag({ product: rak, credit: null, userRef: ref, now: h.now() }).affiliateUrl;
    const payload = Buffer.from(tokenOf(url).split('.')[1]!, 'base64url').toString();
    expect(payload).toContain(ref);
    expect(payload).not.toContain('u-shopper');
  });
});

describe('LINK_SECRETS rotation', () => {
  const issuedWith = (keys: Array<{ kid: string; secret: string }>) =>
    createTagger({ merchants, keys, tokenTtlSeconds: 3600 }).tag({ product: rak, credit: null, userRef: null, now: h.now() }).affiliateUrl;

  it('links signed with the old key keep working while it is listed; new links use the first key', async () => {
    await setup({ LINK_SECRETS: `k2:${NEW},k1:${OLD}` });
    const before = issuedWith([{ kid: 'k1', secret: OLD }]); // handed out before the rotation
    await request(h.app).get(before).expect(302);
    const after = h.tagger.tag({ product: rak, credit: null, userRef: null, now: h.now() }).affiliateUrl;
    expect(tokenOf(after).startsWith('k2.')).toBe(true);
    await request(h.app).get(after).expect(302);
    expect(await clicks()).toBe(2);
  });

  it('once the old key is retired its links answer 410 TOKEN_RETIRED with a clear reason, and do not redirect', async () => {
    await setup({ LINK_SECRETS: `k2:${NEW}` });
    const before = issuedWith([{ kid: 'k1', secret: OLD }]);
    const res = await request(h.app).get(before).expect(410);
    expect(res.body.error.code).toBe('TOKEN_RETIRED');
    expect(res.body.error.message).toMatch(/retired/);
    expect(res.headers.location).toBeUndefined();
    await request(h.app).get(issuedWith([{ kid: 'k2', secret: NEW }])).expect(302);
    expect(await clicks()).toBe(1);
  });

  it('LINK_SECRET alone still works and is key "k0"; links from before key ids verify with it', async () => {
    await setup({ LINK_SECRET: OLD });
    const url = h.tagger.tag({ product: rak, credit: null, userRef: null, now: h.now() }).affiliateUrl;
    expect(tokenOf(url).startsWith('k0.')).toBe(true);
    await request(h.app).get(url).expect(302);
  });
});
