import request from 'supertest';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Product } from '../../src/domain/index.js';
import { KEYS, harness, type Harness } from '../consent/harness.js';
import { creator, product } from './fixtures.js';

let h: Harness;
const amz = product('p1', 'm-amz', 'https://www.amazon.co.uk/dp/B01');
const rak = product('p3', 'm-rak', 'https://rak.example/p3');
const clara = creator('clara', { styleSource: true, affiliate: true });
const at = '2026-05-01T12:00:00.000Z';

async function user(id: string, ageBand: '25-34' | '13-15', grants: Array<'personalization' | 'clickTracking'>) {
  const consents = grants.map((purpose) => ({ purpose, granted: true, at, source: 'test', policyVersion: '2026-01' }));
  const [r] = await h.commands.importShoppers([{ id, displayName: id, region: 'FR', ageBand, follows: [], consents }]);
  expect(r!.ok).toBe(true);
}
const codeOf = async (creatorId: string) => (await h.store.creatorCodes([creatorId])).get(creatorId)!;
const refOf = async (userId: string) => (await h.store.linkRefOf(userId)) ?? null;

async function setup(options: Parameters<typeof harness>[0] = {}) {
  h = await harness(options);
  await h.addProducts([amz, rak]);
  await h.commands.upsertCreators([clara]);
  await user('u-track', '25-34', ['personalization', 'clickTracking']);
  await user('u-notrack', '25-34', ['personalization']);
  await user('u-minor', '13-15', ['personalization', 'clickTracking']);
}
beforeEach(() => setup());

/** A link as a recommendation would make it: crediting clara, linked under a shopper's pseudonym. */
const link = async (p: Product = rak, userRef: string | null = null) =>
  h.tagger.tag({ product: p, credit: { code: await codeOf('clara'), handle: clara.handle }, userRef, now: h.now() }).affiliateUrl;

/** Report rows as key and clicks only. */
const keyed = (rows: Array<{ key: string; clicks: number }>) => rows.map(({ key, clicks }) => ({ key, clicks }));

describe('GET /r/:token', () => {
  it('302 to the exact network URL, logged with the creator code, public (no key)', async () => {
    const res = await request(h.app).get(await link(rak)).expect(302);
    const code = await codeOf('clara');
    expect(res.headers.location).toBe(`https://click.linksynergy.com/deeplink?id=PUB1&mid=4242&murl=https%3A%2F%2Frak.example%2Fp3&u1=${code}`);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(await h.store.listClicks()).toEqual([
      { at, productId: 'p3', merchant: 'm-rak', network: 'rakuten', creatorCode: code, userRef: null },
    ]);
  });

  it('Amazon: tag with the marketplace suffix', async () => {
    const res = await request(h.app).get(await link(amz)).expect(302);
    expect(res.headers.location).toBe('https://www.amazon.co.uk/dp/B01?tag=ourstore-21');
  });

  it.each([
    ['u-track', 'u-track'],
    ['u-notrack', null],
    ['u-minor', null],
    ['u-erased-or-unknown', null],
  ])('click row user ref for %s is %s', async (userId, expected) => {
    const ref = (await refOf(userId)) ?? 'not-anyones-pseudonym';
    await request(h.app).get(await link(rak, ref)).expect(302);
    const clicks = await h.store.listClicks();
    expect(clicks).toHaveLength(1);
    expect(clicks[0]!.userRef).toBe(expected === null ? null : ref);
  });

  it('click tracking withdrawn after the link was made: the click is not linked', async () => {
    const url = await link(rak, await refOf('u-track'));
    h.advance(10);
    await h.commands.appendConsents('u-track', [{ purpose: 'clickTracking', granted: false }]);
    await request(h.app).get(url).expect(302);
    expect((await h.store.listClicks())[0]!.userRef).toBeNull();
  });

  it('one flipped byte → 400, no redirect, no click', async () => {
    const url = await link(rak);
    const i = url.length - 5;
    const flipped = url.slice(0, i) + (url[i] === 'A' ? 'B' : 'A') + url.slice(i + 1);
    const res = await request(h.app).get(flipped).expect(400);
    expect(res.body.error.code).toBe('TOKEN_INVALID');
    expect(res.headers.location).toBeUndefined();
    expect(await h.store.listClicks()).toEqual([]);
  });

  it('expired → 410, no redirect, no click', async () => {
    const url = await link(rak);
    h.advance(3601);
    const res = await request(h.app).get(url).expect(410);
    expect(res.body.error.code).toBe('TOKEN_EXPIRED');
    expect(res.headers.location).toBeUndefined();
    expect(await h.store.listClicks()).toEqual([]);
  });

  it('a product removed since → 404, no redirect, no click', async () => {
    const url = await link(rak);
    await h.commands.removeProduct('p3');
    const res = await request(h.app).get(url).expect(404);
    expect(res.headers.location).toBeUndefined();
    expect(await h.store.listClicks()).toEqual([]);
  });

  it('HEAD (link checkers) answers 302 but logs no click', async () => {
    const res = await request(h.app).head(await link(amz)).expect(302);
    expect(res.headers.location).toBe('https://www.amazon.co.uk/dp/B01?tag=ourstore-21');
    expect(await h.store.listClicks()).toEqual([]);
  });

  it('query strings cannot steer the redirect (no open redirect)', async () => {
    const res = await request(h.app).get(`${await link(amz)}?url=https://evil.example&target=https://evil.example`).expect(302);
    expect(res.headers.location).toBe('https://www.amazon.co.uk/dp/B01?tag=ourstore-21');
  });

  it('a landing function (demo mode) wraps the server-built URL', async () => {
    await setup({ landing: (u) => `/demo-merchant?target=${encodeURIComponent(u)}` });
    const res = await request(h.app).get(await link(amz)).expect(302);
    expect(res.headers.location).toBe(`/demo-merchant?target=${encodeURIComponent('https://www.amazon.co.uk/dp/B01?tag=ourstore-21')}`);
  });
});

describe('GET /v1/reports/clicks', () => {
  beforeEach(async () => {
    await request(h.app).get(await link(rak)).expect(302);
    h.advance(1); // a second link (a replay of the first would count once)
    await request(h.app).get(await link(rak)).expect(302);
    h.advance(86400);
    await request(h.app).get(h.tagger.tag({ product: amz, credit: null, userRef: null, now: h.now() }).affiliateUrl).expect(302);
  });
  const report = (query: string, key = 'admin') => request(h.app).get(`/v1/reports/clicks?${query}`).set('x-api-key', KEYS[key as keyof typeof KEYS]);
  // Rows also carry day, credited, uncredited and products (test/affiliate/reports.test.ts).

  it.each([
    ['groupBy=network', [{ key: 'rakuten', clicks: 2 }, { key: 'amazon', clicks: 1 }]],
    ['groupBy=product', [{ key: 'p3', clicks: 2 }, { key: 'p1', clicks: 1 }]],
    ['groupBy=network&from=2026-05-02', [{ key: 'amazon', clicks: 1 }]],
    ['groupBy=network&to=2026-05-01', [{ key: 'rakuten', clicks: 2 }]],
  ])('%s', async (query, rows) => {
    const res = await report(query).expect(200);
    expect(keyed(res.body.rows)).toEqual(rows);
    expect(res.body.total).toBe(rows.reduce((n, r) => n + r.clicks, 0));
  });

  it('groups creators by opaque code only', async () => {
    const res = await report('groupBy=creator').expect(200);
    expect(keyed(res.body.rows)).toEqual([{ key: await codeOf('clara'), clicks: 2 }, { key: '(none)', clicks: 1 }]);
    expect(JSON.stringify(res.body)).not.toContain('clara');
  });

  it.each(['', 'groupBy=user', 'groupBy=network&from=yesterday', 'groupBy=network&from=2026-05-03&to=2026-05-01', 'groupBy=network&extra=1'])(
    'rejects "%s" with 400',
    async (query) => {
      expect((await report(query).expect(400)).body.error.code).toBe('VALIDATION_FAILED');
    },
  );

  it('reports or admin scope only', async () => {
    await report('groupBy=network', 'app').expect(403);
    await report('groupBy=network', 'reports').expect(200);
    await request(h.app).get('/v1/reports/clicks?groupBy=network').expect(401);
  });
});

describe('links issued before a change are checked at click time', () => {
  const creditOf = async () => (await h.store.listClicks()).map((c) => c.creatorCode);

  it('after the shopper is erased, a new shopper with the same id is never credited with their link', async () => {
    const url = await link(rak, await refOf('u-track'));
    await request(h.app).delete('/v1/users/u-track').set('x-api-key', KEYS.admin).expect(200);
    await user('u-track', '25-34', ['personalization', 'clickTracking']); // a new account, same id
    expect(await refOf('u-track')).not.toBeNull();
    await request(h.app).get(url).expect(302);
    const clicks = await h.store.listClicks();
    expect(clicks).toHaveLength(1);
    expect(clicks[0]!.userRef).toBeNull();
    expect(await h.store.clickedProducts((await refOf('u-track'))!)).toEqual(new Set());
  });

  it('after the creator opts out of affiliate: no code in the redirect, none in the click or the report', async () => {
    const url = await link(rak);
    const code = await codeOf('clara');
    await request(h.app).patch('/v1/creators/clara/opt-ins').set('x-api-key', KEYS.admin).send({ affiliate: false }).expect(200);
    const res = await request(h.app).get(url).expect(302);
    expect(res.headers.location).not.toContain(code);
    expect(res.headers.location).toBe('https://click.linksynergy.com/deeplink?id=PUB1&mid=4242&murl=https%3A%2F%2Frak.example%2Fp3');
    expect(await creditOf()).toEqual([null]);
    const report = await request(h.app).get('/v1/reports/clicks?groupBy=creator').set('x-api-key', KEYS.admin).expect(200);
    expect(keyed(report.body.rows)).toEqual([{ key: '(none)', clicks: 1 }]);
  });

  it('after the creator is removed: no code in the redirect or the report, even if the creator comes back', async () => {
    const url = await link(rak);
    const code = await codeOf('clara');
    await request(h.app).delete('/v1/creators/clara').set('x-api-key', KEYS.admin).expect(204);
    expect((await request(h.app).get(url).expect(302)).headers.location).not.toContain(code);
    await h.commands.upsertCreators([clara]); // a new account under the same id gets a new code
    expect(await codeOf('clara')).not.toBe(code);
    h.advance(1800); // the next dedupe window, so the same link counts again
    expect((await request(h.app).get(url).expect(302)).headers.location).not.toContain(code);
    expect(await creditOf()).toEqual([null, null]);
    const report = await request(h.app).get('/v1/reports/clicks?groupBy=creator').set('x-api-key', KEYS.admin).expect(200);
    expect(keyed(report.body.rows)).toEqual([{ key: '(none)', clicks: 2 }]);
  });
});
