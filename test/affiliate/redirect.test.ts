import request from 'supertest';
import { beforeEach, describe, expect, it } from 'vitest';
import { KEYS, harness } from '../consent/harness.js';
import { creator, product } from './fixtures.js';

let h: ReturnType<typeof harness>;
const amz = product('p1', 'm-amz', 'https://www.amazon.co.uk/dp/B01');
const rak = product('p3', 'm-rak', 'https://rak.example/p3');
const clara = creator('clara', { styleSource: true, affiliate: true });
const at = '2026-05-01T12:00:00.000Z';

async function user(id: string, ageBand: '25-34' | '13-15', grants: Array<'personalization' | 'clickTracking'>) {
  await h.store.upsertUser({ id, displayName: id, region: 'FR', ageBand });
  await h.store.appendConsents(id, grants.map((purpose) => ({ purpose, granted: true, at, source: 'test', policyVersion: '2026-01' })));
}

beforeEach(async () => {
  h = harness();
  await h.store.upsertProducts([amz, rak]);
  await user('u-track', '25-34', ['personalization', 'clickTracking']);
  await user('u-notrack', '25-34', ['personalization']);
  await user('u-minor', '13-15', ['personalization', 'clickTracking']);
});

const link = (p = rak, userRef: string | null = null) => h.tagger.tag({ product: p, creator: clara, userRef, now: h.now() }).affiliateUrl;

describe('GET /r/:token', () => {
  it('302 to the exact network URL, logged with the creator code, public (no key)', async () => {
    const res = await request(h.app).get(link(rak)).expect(302);
    const code = h.tagger.creatorCode('clara');
    expect(res.headers.location).toBe(`https://click.linksynergy.com/deeplink?id=PUB1&mid=4242&murl=https%3A%2F%2Frak.example%2Fp3&u1=${code}`);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(await h.store.listClicks()).toEqual([
      { at, productId: 'p3', merchant: 'm-rak', network: 'rakuten', creatorCode: code, userRef: null },
    ]);
  });

  it('Amazon: tag with the marketplace suffix', async () => {
    const res = await request(h.app).get(link(amz)).expect(302);
    expect(res.headers.location).toBe('https://www.amazon.co.uk/dp/B01?tag=ourstore-21');
  });

  it.each([
    ['u-track', 'u-track'],
    ['u-notrack', null],
    ['u-minor', null],
    ['u-erased-or-unknown', null],
  ])('click row user ref for %s is %s', async (userRef, expected) => {
    await request(h.app).get(link(rak, userRef)).expect(302);
    const clicks = await h.store.listClicks();
    expect(clicks).toHaveLength(1);
    expect(clicks[0]!.userRef).toBe(expected);
  });

  it('click tracking withdrawn after the link was made: the click is not linked', async () => {
    const url = link(rak, 'u-track');
    h.advance(10);
    await h.store.appendConsents('u-track', [{ purpose: 'clickTracking', granted: false, at: h.now().toISOString(), source: 'test', policyVersion: '2026-01' }]);
    await request(h.app).get(url).expect(302);
    expect((await h.store.listClicks())[0]!.userRef).toBeNull();
  });

  it('one flipped byte → 400, no redirect, no click', async () => {
    const url = link(rak);
    const i = url.length - 5;
    const flipped = url.slice(0, i) + (url[i] === 'A' ? 'B' : 'A') + url.slice(i + 1);
    const res = await request(h.app).get(flipped).expect(400);
    expect(res.body.error.code).toBe('TOKEN_INVALID');
    expect(res.headers.location).toBeUndefined();
    expect(await h.store.listClicks()).toEqual([]);
  });

  it('expired → 410, no redirect, no click', async () => {
    const url = link(rak);
    h.advance(3601);
    const res = await request(h.app).get(url).expect(410);
    expect(res.body.error.code).toBe('TOKEN_EXPIRED');
    expect(res.headers.location).toBeUndefined();
    expect(await h.store.listClicks()).toEqual([]);
  });

  it('a product removed since → 404, no redirect, no click', async () => {
    const url = link(rak);
    await h.store.deleteProduct('p3');
    const res = await request(h.app).get(url).expect(404);
    expect(res.headers.location).toBeUndefined();
    expect(await h.store.listClicks()).toEqual([]);
  });

  it('HEAD (link checkers) answers 302 but logs no click', async () => {
    const res = await request(h.app).head(link(amz)).expect(302);
    expect(res.headers.location).toBe('https://www.amazon.co.uk/dp/B01?tag=ourstore-21');
    expect(await h.store.listClicks()).toEqual([]);
  });

  it('query strings cannot steer the redirect (no open redirect)', async () => {
    const res = await request(h.app).get(`${link(amz)}?url=https://evil.example&target=https://evil.example`).expect(302);
    expect(res.headers.location).toBe('https://www.amazon.co.uk/dp/B01?tag=ourstore-21');
  });

  it('a landing function (demo mode) wraps the server-built URL', async () => {
    h = harness({ landing: (u) => `/demo-merchant?target=${encodeURIComponent(u)}` });
    await h.store.upsertProducts([amz]);
    const res = await request(h.app).get(link(amz)).expect(302);
    expect(res.headers.location).toBe(`/demo-merchant?target=${encodeURIComponent('https://www.amazon.co.uk/dp/B01?tag=ourstore-21')}`);
  });
});

describe('GET /v1/reports/clicks', () => {
  beforeEach(async () => {
    await request(h.app).get(link(rak)).expect(302);
    await request(h.app).get(link(rak)).expect(302);
    h.advance(86400);
    await request(h.app).get(h.tagger.tag({ product: amz, creator: null, userRef: null, now: h.now() }).affiliateUrl).expect(302);
  });
  const report = (query: string, key = 'admin') => request(h.app).get(`/v1/reports/clicks?${query}`).set('x-api-key', KEYS[key as keyof typeof KEYS]);

  it.each([
    ['groupBy=network', [{ key: 'rakuten', clicks: 2 }, { key: 'amazon', clicks: 1 }]],
    ['groupBy=product', [{ key: 'p3', clicks: 2 }, { key: 'p1', clicks: 1 }]],
    ['groupBy=network&from=2026-05-02', [{ key: 'amazon', clicks: 1 }]],
    ['groupBy=network&to=2026-05-01', [{ key: 'rakuten', clicks: 2 }]],
  ])('%s', async (query, rows) => {
    const res = await report(query).expect(200);
    expect(res.body.rows).toEqual(rows);
    expect(res.body.total).toBe(rows.reduce((n, r) => n + r.clicks, 0));
  });

  it('groups creators by opaque code only', async () => {
    const res = await report('groupBy=creator').expect(200);
    expect(res.body.rows).toEqual([{ key: h.tagger.creatorCode('clara'), clicks: 2 }, { key: '(none)', clicks: 1 }]);
    expect(JSON.stringify(res.body)).not.toContain('clara');
  });

  it.each(['', 'groupBy=user', 'groupBy=network&from=yesterday', 'groupBy=network&from=2026-05-03&to=2026-05-01', 'groupBy=network&extra=1'])(
    'rejects "%s" with 400',
    async (query) => {
      expect((await report(query).expect(400)).body.error.code).toBe('VALIDATION_FAILED');
    },
  );

  it('admin only', async () => {
    await report('groupBy=network', 'app').expect(403);
    await request(h.app).get('/v1/reports/clicks?groupBy=network').expect(401);
  });
});
