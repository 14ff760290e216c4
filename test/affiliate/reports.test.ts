/**
 * Click reports through the HTTP API, with clicks made by following real signed links: every
 * grouping (and "<key>,day"), UTC day boundaries with from/to, paging, CSV parsed back with
 * csv-parse (formula cells neutralised), the reports scope, the admin-only code → creator mapping,
 * and erasure (a report never re-identifies a shopper).
 */
import { parse } from 'csv-parse/sync';
import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { harness, KEYS, type Harness } from '../consent/harness.js';
import { creator, product } from './fixtures.js';

let h: Harness;
let codes: Map<string, string>;
const amz = product('p-amz', 'm-amz', 'https://www.amazon.co.uk/dp/B01');
const cj = product('p-cj', 'm-cj', 'https://cj.example/p');
const utm = product('p-utm', 'm-utm', 'https://boutique.example/p');

beforeEach(async () => {
  // Clock: 2026-05-01T12:00:00Z. Every click counts (no dedupe window) so counts are exact.
  h = await harness({ env: { CLICK_DEDUPE_WINDOW_S: '0' } });
  await h.addProducts([amz, cj, utm]);
  await h.commands.upsertCreators([
    creator('c1', { styleSource: true, affiliate: true }),
    // An attacker-chosen name: a spreadsheet would run it as a formula.
    { ...creator('c2', { styleSource: true, affiliate: true }), displayName: '=HYPERLINK("http://evil.example","x")' },
  ]);
  codes = await h.store.creatorCodes(['c1', 'c2']);
});
afterEach(() => h?.dispose());

/** Follows a freshly signed link (the real redirect route records the click). */
async function click(p: typeof amz, creatorId: string | null, userRef: string | null = null) {
  const c = creatorId ? (await h.store.getCreator(creatorId))! : null;
  const credit = c ? { code: codes.get(c.id)!, handle: c.handle } : null;
  await request(h.app).get(h.tagger.tag({ product: p, credit, userRef, now: h.now() }).affiliateUrl).expect(302);
}
const report = async (q: string, key: keyof typeof KEYS = 'reports') => (await request(h.app).get(`/v1/reports/clicks?${q}`).set('x-api-key', KEYS[key]).expect(200)).body;

/** 1 May: amz×2 (c1), cj (none); 23:59:59: utm (c2); 2 May 00:00:01: amz (c2), cj (c1). */
async function seed() {
  await click(amz, 'c1');
  await click(amz, 'c1');
  await click(cj, null);
  h.advance(12 * 3600 - 1); // 23:59:59Z on 1 May
  await click(utm, 'c2');
  h.advance(2); // 00:00:01Z on 2 May: the next UTC day
  await click(amz, 'c2');
  await click(cj, 'c1');
}

describe('GET /v1/reports/clicks groupings', () => {
  beforeEach(seed);
  const c1 = () => codes.get('c1')!;
  const c2 = () => codes.get('c2')!;

  it('by creator code, product, merchant and network: most clicked first, credited and distinct products', async () => {
    const byCreator = await report('groupBy=creator');
    expect(byCreator).toMatchObject({ groupBy: 'creator', total: 6, credited: 5, next: null });
    expect(byCreator.rows).toEqual([
      { key: c1(), day: null, clicks: 3, credited: 3, uncredited: 0, products: 2 },
      { key: c2(), day: null, clicks: 2, credited: 2, uncredited: 0, products: 2 },
      { key: '(none)', day: null, clicks: 1, credited: 0, uncredited: 1, products: 1 },
    ]);
    expect((await report('groupBy=product')).rows.map((r: { key: string; clicks: number }) => [r.key, r.clicks])).toEqual([['p-amz', 3], ['p-cj', 2], ['p-utm', 1]]);
    expect((await report('groupBy=merchant')).rows).toEqual([
      { key: 'm-amz', day: null, clicks: 3, credited: 3, uncredited: 0, products: 1 },
      { key: 'm-cj', day: null, clicks: 2, credited: 1, uncredited: 1, products: 1 },
      { key: 'm-utm', day: null, clicks: 1, credited: 1, uncredited: 0, products: 1 },
    ]);
    expect((await report('groupBy=network')).rows.map((r: { key: string }) => r.key)).toEqual(['amazon', 'cj', 'utm']);
  });

  it('by UTC day, and by merchant split by day, as time series', async () => {
    expect((await report('groupBy=day')).rows).toEqual([
      { key: '2026-05-01', day: null, clicks: 4, credited: 3, uncredited: 1, products: 3 },
      { key: '2026-05-02', day: null, clicks: 2, credited: 2, uncredited: 0, products: 2 },
    ]);
    const split = await report('groupBy=merchant,day');
    expect(split.rows.map((r: { key: string; day: string; clicks: number }) => [r.key, r.day, r.clicks])).toEqual([
      ['m-amz', '2026-05-01', 2], ['m-amz', '2026-05-02', 1], ['m-cj', '2026-05-01', 1], ['m-cj', '2026-05-02', 1], ['m-utm', '2026-05-01', 1],
    ]);
    const byCreatorDay = await report('groupBy=creator,day');
    expect(byCreatorDay.rows).toContainEqual({ key: c2(), day: '2026-05-01', clicks: 1, credited: 1, uncredited: 0, products: 1 });
  });

  it('from/to: a date-only `to` includes its whole UTC day, a date-only `from` starts at 00:00Z', async () => {
    expect((await report('groupBy=day&to=2026-05-01')).rows.map((r: { key: string }) => r.key)).toEqual(['2026-05-01']);
    expect((await report('groupBy=day&to=2026-05-01')).total).toBe(4); // 23:59:59Z is still 1 May
    expect((await report('groupBy=day&from=2026-05-02')).total).toBe(2);
    expect((await report('groupBy=product&from=2026-05-01T23:59:59Z&to=2026-05-02T00:00:00Z')).rows.map((r: { key: string }) => r.key)).toEqual(['p-utm']);
    // An offset time is compared as the instant it is: 01:00:00+01:00 is 00:00:00Z on 2 May.
    expect((await report('groupBy=day&from=2026-05-02T01:00:00%2B01:00')).total).toBe(2);
    const bad = await request(h.app).get('/v1/reports/clicks?groupBy=day&from=2026-05-03&to=2026-05-02').set('x-api-key', KEYS.reports).expect(400);
    expect(bad.body.error.details[0].path).toBe('query.from');
    const badGroup = await request(h.app).get('/v1/reports/clicks?groupBy=day,creator').set('x-api-key', KEYS.reports).expect(400);
    expect(badGroup.body.error.details[0].path).toBe('query.groupBy');
  });

  it('pages every grouping without gaps or repeats; a cursor of one grouping is refused by another', async () => {
    for (const groupBy of ['creator', 'product', 'merchant', 'network', 'day', 'merchant,day', 'creator,day']) {
      const whole = (await report(`groupBy=${groupBy}&limit=1000`)).rows;
      const paged: unknown[] = [];
      let cursor: string | null = null;
      do {
        const page: { rows: unknown[]; next: string | null; total: number } = await report(`groupBy=${groupBy}&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
        expect(page.total).toBe(6);
        paged.push(...page.rows);
        cursor = page.next;
      } while (cursor && paged.length < 100);
      expect(paged, groupBy).toEqual(whole);
    }
    const next = (await report('groupBy=product&limit=1')).next;
    const res = await request(h.app).get(`/v1/reports/clicks?groupBy=merchant&cursor=${next}`).set('x-api-key', KEYS.reports).expect(400);
    expect(res.body.error.details[0].path).toBe('query.cursor');
  });

  it('format=csv: a text/csv download with a header row, parsed back equal to the JSON rows', async () => {
    const res = await request(h.app).get('/v1/reports/clicks?groupBy=merchant,day&from=2026-05-01&format=csv').set('x-api-key', KEYS.reports).expect(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe('attachment; filename=clicks_merchant-by-day_2026-05-01.csv');
    const records = parse(res.text, { columns: true }) as Array<Record<string, string>>;
    const json = (await report('groupBy=merchant,day&from=2026-05-01')).rows;
    expect(records).toEqual(json.map((r: Record<string, unknown>) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, String(v)]))));
    expect(res.headers.link).toBeUndefined();
  });

  it('format=csv pages like JSON: the next page is in the Link header', async () => {
    const res = await request(h.app).get('/v1/reports/clicks?groupBy=product&format=csv&limit=2').set('x-api-key', KEYS.reports).expect(200);
    expect((parse(res.text, { columns: true }) as Array<{ key: string }>).map((r) => r.key)).toEqual(['p-amz', 'p-cj']);
    const link = /^<([^>]+)>; rel="next"$/.exec(res.headers.link!)![1]!;
    const next = await request(h.app).get(link).set('x-api-key', KEYS.reports).expect(200);
    expect((parse(next.text, { columns: true }) as Array<{ key: string }>).map((r) => r.key)).toEqual(['p-utm']);
    expect(next.headers.link).toBeUndefined();
  });

  it('reveal=creator (admin only): who each code belongs to, formula cells neutralised in the CSV', async () => {
    const denied = await request(h.app).get('/v1/reports/clicks?groupBy=creator&reveal=creator').set('x-api-key', KEYS.reports).expect(403);
    expect(denied.body.error.code).toBe('FORBIDDEN');
    expect(JSON.stringify(denied.body)).not.toContain('c1');
    await request(h.app).get('/v1/reports/clicks?groupBy=product&reveal=creator').set('x-api-key', KEYS.admin).expect(400);
    const shown = await report('groupBy=creator&reveal=creator', 'admin');
    expect(shown.rows.map((r: { creator: unknown }) => r.creator)).toEqual([
      { id: 'c1', handle: '@c1.style', displayName: 'Creator c1' },
      { id: 'c2', handle: '@c2.style', displayName: '=HYPERLINK("http://evil.example","x")' },
      null,
    ]);
    // Without reveal, not even an admin's report names creators.
    expect(JSON.stringify(await report('groupBy=creator', 'admin'))).not.toMatch(/c1\.style|Creator c1/);

    const csv = await request(h.app).get('/v1/reports/clicks?groupBy=creator&reveal=creator&format=csv').set('x-api-key', KEYS.admin).expect(200);
    const rows = parse(csv.text, { columns: true }) as Array<Record<string, string>>;
    expect(Object.keys(rows[0]!)).toEqual(['key', 'day', 'clicks', 'credited', 'uncredited', 'products', 'creatorId', 'creatorHandle', 'creatorName']);
    expect(rows[1]).toMatchObject({ creatorId: 'c2', creatorHandle: "'@c2.style", creatorName: `'=HYPERLINK("http://evil.example","x")` });
    expect(rows[2]).toMatchObject({ key: '(none)', creatorId: '', clicks: '1' });
    for (const cell of rows.flatMap((r) => Object.values(r))) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
  });

  it("a removed creator's code stays in the report but maps to nobody, even for an admin", async () => {
    await request(h.app).delete('/v1/creators/c2').set('x-api-key', KEYS.admin).expect(204);
    const rows = (await report('groupBy=creator&reveal=creator', 'admin')).rows as Array<{ key: string; clicks: number; creator: unknown }>;
    expect(rows.find((r) => r.key === c2())).toMatchObject({ clicks: 2, creator: null });
    const mapping = (await request(h.app).get('/v1/admin/creator-codes').set('x-api-key', KEYS.admin).expect(200)).body;
    expect(mapping.items.map((i: { code: string }) => i.code)).toEqual([c1()]);
  });
});

describe('GET /v1/admin/creator-codes', () => {
  it('pages every creator with their code, admin only', async () => {
    await h.commands.upsertCreators([creator('c0', { styleSource: true, affiliate: false })]);
    const all = await h.store.creatorCodes(['c0', 'c1', 'c2']);
    const first = await request(h.app).get('/v1/admin/creator-codes?limit=2').set('x-api-key', KEYS.admin).expect(200);
    expect(first.body.items).toEqual([
      { code: all.get('c0'), creator: { id: 'c0', handle: '@c0.style', displayName: 'Creator c0' } },
      { code: all.get('c1'), creator: { id: 'c1', handle: '@c1.style', displayName: 'Creator c1' } },
    ]);
    const second = await request(h.app).get(`/v1/admin/creator-codes?limit=2&cursor=${first.body.next}`).set('x-api-key', KEYS.admin).expect(200);
    expect(second.body).toMatchObject({ items: [{ code: all.get('c2'), creator: { id: 'c2' } }], next: null });
    for (const key of ['reports', 'app'] as const) {
      const res = await request(h.app).get('/v1/admin/creator-codes').set('x-api-key', KEYS[key]).expect(403);
      expect(JSON.stringify(res.body)).not.toContain(all.get('c1')!);
    }
  });
});

describe('erasure and reports', () => {
  it("an erased shopper's clicks stay only as counts; no report field carries their id or pseudonym", async () => {
    const grant = (purpose: string) => ({ purpose, granted: true });
    await h.commands.upsertShopper('u-ada', { displayName: 'Ada', region: 'DE', ageBand: '25-34' });
    await request(h.app).put('/v1/users/u-ada/consents').set('x-api-key', KEYS.app).send({ events: [grant('personalization'), grant('clickTracking')] }).expect(200);
    const ref = (await h.store.linkRefOf('u-ada'))!;
    await click(amz, 'c1', ref);
    await click(cj, null, ref);
    const queries = ['creator', 'product', 'merchant', 'network', 'day', 'creator,day', 'product,day'].map((g) => `groupBy=${g}`);
    const before = await Promise.all(queries.map((q) => report(q, 'admin')));
    for (const body of before) expect(JSON.stringify(body)).not.toMatch(new RegExp(`u-ada|${ref}`));
    await request(h.app).delete('/v1/users/u-ada').set('x-api-key', KEYS.admin).expect(200);
    expect(await Promise.all(queries.map((q) => report(q, 'admin')))).toEqual(before);
    const csv = await request(h.app).get('/v1/reports/clicks?groupBy=product,day&format=csv').set('x-api-key', KEYS.admin).expect(200);
    expect(csv.text).not.toMatch(new RegExp(`u-ada|${ref}`));
  });
});
