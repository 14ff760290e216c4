/**
 * Paging and listing through the HTTP API: opaque cursors on every list, the catalog listing with
 * multi-valued filters, price filters converted with the rate table, PATCH that re-embeds only
 * what changed (counted on the embedder), and one follow added or removed at a time.
 */
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { createFakeEmbedder, fakePng, type FakeEmbedder } from '../helpers/fake-embedder.js';
import { ADMIN, APP, testService, type TestService } from '../helpers/service.js';
import { addShopper, grant, product, vec } from '../service/world.js';
import { buildTestApp } from './harness.js';

const ids = (items: Array<{ id?: string; product?: { id: string } }>) => items.map((i) => i.id ?? i.product!.id);

/** Every page of a list, following `next` until it is null. */
async function allPages(app: TestService['app'], path: string, limit: number) {
  const pages: string[][] = [];
  let cursor: string | null = null;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const res: request.Response = await request(app).get(`${path}${sep}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`).set(ADMIN).expect(200);
    pages.push(ids(res.body.items ?? res.body.rows.map((r: { key: string }) => ({ id: r.key }))));
    cursor = res.body.next;
  } while (cursor && pages.length < 50);
  return pages;
}

describe('opaque cursors on every list', () => {
  let t: Awaited<ReturnType<typeof buildTestApp>>;
  beforeAll(async () => {
    t = await buildTestApp();
    for (const id of ['u3', 'u1', 'u5', 'u2', 'u4']) await addShopper(t.w, id, ['c-red'], [grant('personalization')]);
  });

  it('users, creators, products and a creator\'s posts page in order without gaps or repeats', async () => {
    expect(await allPages(t.app, '/v1/users', 2)).toEqual([['u1', 'u2'], ['u3', 'u4'], ['u5']]);
    expect(await allPages(t.app, '/v1/creators', 2)).toEqual([['c-blue', 'c-green'], ['c-red']]);
    const products = (await allPages(t.app, '/v1/products', 7)).flat();
    expect(products).toEqual([...products].sort());
    expect(products).toHaveLength(31);
    // Newest first: c-red-p0 was posted today, p1 10 days ago, p2 20 days ago.
    expect(await allPages(t.app, '/v1/creators/c-red/posts', 2)).toEqual([['c-red-p0', 'c-red-p1'], ['c-red-p2']]);
    await request(t.app).get('/v1/creators/nobody/posts').set(APP).expect(404);
  });

  it('the last page says next: null, and a cursor from another list is refused by name', async () => {
    const all = await request(t.app).get('/v1/users?limit=1000').set(APP).expect(200);
    expect(all.body.next).toBeNull();
    const users = await request(t.app).get('/v1/users?limit=1').set(APP).expect(200);
    const res = await request(t.app).get(`/v1/creators?cursor=${users.body.next}`).set(APP).expect(400);
    expect(res.body.error).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ path: 'query.cursor' }] });
    await request(t.app).get('/v1/users?cursor=%%%').set(APP).expect(400);
    await request(t.app).get('/v1/users?limit=0').set(APP).expect(400);
  });

  it('click reports page by clicks, most first', async () => {
    for (const [id, n] of [['r1', 3], ['r2', 2], ['r3', 1], ['r4', 2]] as const) {
      for (let i = 0; i < n; i++) await t.w.store.recordClick({ at: '2026-05-01T00:00:00Z', productId: id, merchant: 'm-test', network: 'utm', creatorCode: null, userRef: null });
    }
    expect(await allPages(t.app, '/v1/reports/clicks?groupBy=product', 2)).toEqual([['r1', 'r2'], ['r4', 'r3']]);
    const page = await request(t.app).get('/v1/reports/clicks?groupBy=product&limit=1').set(ADMIN).expect(200);
    expect(page.body.total).toBe(8); // the whole range, whatever the page
  });
});

describe('GET /v1/products and multi-valued filters', () => {
  let t: Awaited<ReturnType<typeof buildTestApp>>;
  beforeAll(async () => {
    t = await buildTestApp({ CURRENCY_RATES: 'EUR:1,GBP:0.85,USD:1.08', CURRENCY_RATES_DATE: '2026-04-30' });
    await t.w.addProduct(product('eur23', 'scarf', 23, { currency: 'EUR', brand: 'Nordlys', colour: 'navy' }), vec('red', 0.01));
    await t.w.addProduct(product('gbp34', 'scarf', 34, { currency: 'GBP', brand: 'Nordlys', colour: 'Navy' }), vec('red', 0.02));
    await t.w.addProduct(product('usd3499', 'scarf', 34.99, { currency: 'USD', brand: 'Other', colour: 'white' }), vec('red', 0.03));
    await t.w.addProduct(product('jpy', 'scarf', 3000, { currency: 'JPY', brand: 'Other' }), vec('red', 0.04));
    await addShopper(t.w, 'u1', ['c-red'], [grant('personalization')]);
  });
  const list = async (q: string) => (await request(t.app).get(`/v1/products?${q.includes('limit=') ? '' : 'limit=100&'}${q}`).set(APP).expect(200)).body;

  it('filters by several categories, brands, colours and merchants at once', async () => {
    expect(ids((await list('category=dress,bag')).items)).toHaveLength(30);
    expect(ids((await list('category=scarf&brand=nordlys')).items)).toEqual(['eur23', 'gbp34']);
    expect(ids((await list('colour=navy,white')).items)).toEqual(['eur23', 'gbp34', 'usd3499']);
    expect(ids((await list('category=scarf&category=supplements')).items)).toEqual(['eur23', 'gbp34', 'h0', 'jpy', 'usd3499']);
    expect((await list('merchant=m-test,m-other&limit=5')).items).toHaveLength(5);
    expect((await list('merchant=m-other')).items).toEqual([]);
  });

  it('converts prices with the rate table and shows the rates date', async () => {
    // 23 EUR; 34 GBP = 40.00 EUR; 34.99 USD = 32.40 EUR; JPY is not in the table: never matches.
    const eur = await list('category=scarf&maxPrice=35&currency=EUR');
    expect(ids(eur.items)).toEqual(['eur23', 'usd3499']);
    expect(eur.priceFilter).toEqual({ currency: 'EUR', ratesDate: '2026-04-30' });
    const gbp = await list('category=scarf&minPrice=30&currency=gbp');
    expect(ids(gbp.items)).toEqual(['gbp34']); // 23 EUR = 19.55 GBP, 34.99 USD = 27.54 GBP
    const base = await list('category=scarf&maxPrice=24');
    expect(ids(base.items)).toEqual(['eur23']);
    expect(base.priceFilter.currency).toBe('EUR');
    expect((await list('category=scarf')).priceFilter).toBeNull();
    const bad = await request(t.app).get('/v1/products?maxPrice=10&currency=XYZ').set(APP).expect(400);
    expect(bad.body.error.details[0]).toMatchObject({ path: 'query.currency' });
  });

  it('recommendations, search and similar take the same multi-valued and currency filters', async () => {
    const recs = (await request(t.app).get('/v1/users/u1/recommendations?category=scarf,bag&brand=Nordlys,Acme&maxPrice=35&currency=EUR&limit=50').set(APP).expect(200)).body;
    expect(recs.priceFilter).toEqual({ currency: 'EUR', ratesDate: '2026-04-30' });
    const got = ids(recs.items);
    expect(got).toContain('eur23');
    expect(got).not.toContain('gbp34');
    expect(recs.items.every((i: { product: { category: string } }) => ['scarf', 'bag'].includes(i.product.category))).toBe(true);
    const search = (await request(t.app).post('/v1/search').set(APP).send({ text: 'red', limit: 50, filters: { category: ['scarf'], colour: 'navy', maxPrice: 45, currency: 'EUR' } }).expect(200)).body;
    expect(ids(search.items)).toEqual(expect.arrayContaining(['eur23', 'gbp34']));
    expect(search.items).toHaveLength(2);
    const similar = (await request(t.app).get('/v1/products/eur23/similar?category=scarf&brand=Other&limit=10').set(APP).expect(200)).body;
    expect(ids(similar.items)).toEqual(expect.arrayContaining(['usd3499', 'jpy']));
    expect(similar.items).toHaveLength(2);
  });
});

describe('PATCH /v1/products/:id re-embeds only what changed', () => {
  let t: TestService;
  let embedder: FakeEmbedder;
  const counts = () => ({ texts: embedder.textsEmbedded, images: embedder.imagesEmbedded });
  beforeAll(async () => {
    embedder = createFakeEmbedder({ dimension: 16 });
    t = await testService({ embedder });
    const items = [
      product('file1', 'dress', 30, { title: 'linen dress', image: t.image('images/products/file1.png') }),
      product('data1', 'dress', 40, { title: 'silk dress', image: `data:image/png;base64,${fakePng('d1').toString('base64')}` }),
    ];
    expect((await request(t.app).put('/v1/products').set(ADMIN).send({ items }).expect(200)).body.ok).toBe(2);
  });
  const patch = (id: string, body: object) => request(t.app).patch(`/v1/products/${id}`).set(ADMIN).send(body);

  it('a price change embeds nothing and is served at once', async () => {
    const before = counts();
    const res = await patch('data1', { price: 35 }).expect(200);
    expect(res.body).toMatchObject({ id: 'data1', price: 35, title: 'silk dress' });
    expect(counts()).toEqual(before);
    expect(embedder.textCalls + embedder.imageCalls).toBeGreaterThan(0); // counters work
    expect((await request(t.app).get('/v1/products?maxPrice=36').set(APP).expect(200)).body.items.map((p: { id: string }) => p.id)).toEqual(['data1', 'file1']);
  });

  it('a title change embeds the text only; the stored image (even from a data: URL) is reused', async () => {
    const before = counts();
    await patch('data1', { title: 'velvet gown' }).expect(200);
    expect(counts()).toEqual({ texts: before.texts + 1, images: before.images });
    const found = (await request(t.app).post('/v1/search').set(APP).send({ text: 'velvet gown', limit: 1 }).expect(200)).body.items;
    expect(found[0].product.id).toBe('data1');
    await request(t.app).get('/media/products/data1').expect(200);
  });

  it('an image change embeds the image only', async () => {
    const before = counts();
    await patch('file1', { image: t.image('images/products/file1-new.png') }).expect(200);
    expect(counts()).toEqual({ texts: before.texts, images: before.images + 1 });
  });

  it('refuses bad patches by field, an id in the body, and unknown products', async () => {
    const neg = await patch('file1', { price: -1 }).expect(400);
    expect(neg.body.error.details[0].path).toBe('price');
    expect((await patch('file1', { id: 'other' }).expect(400)).body.error.code).toBe('VALIDATION_FAILED');
    await patch('file1', {}).expect(400);
    const merchant = await patch('file1', { merchant: 'm-nope' }).expect(400);
    expect(merchant.body.error.message).toMatch(/no merchant "m-nope"/);
    await patch('ghost', { price: 3 }).expect(404);
    await request(t.app).patch('/v1/products/file1').set(APP).send({ price: 3 }).expect(403);
    expect((await request(t.app).get('/v1/products/file1').set(APP)).body.price).toBe(30);
  });
});

describe('one follow at a time', () => {
  let t: Awaited<ReturnType<typeof buildTestApp>>;
  beforeAll(async () => {
    t = await buildTestApp();
    await addShopper(t.w, 'u1', ['c-red'], [grant('personalization')]);
  });
  const follows = async () => (await request(t.app).get('/v1/users/u1').set(APP).expect(200)).body.follows;
  const looks = async () => (await request(t.app).get('/v1/users/u1/recommendations?limit=10&diversity=0').set(APP).expect(200)).body.items.map((i: { product: { id: string } }) => i.product.id[0]);

  it('adds one (idempotently) and the next list uses it; removes one and the next list drops it', async () => {
    expect(await looks()).not.toContain('b');
    expect((await request(t.app).put('/v1/users/u1/follows/c-blue').set(APP).expect(200)).body.follows).toEqual(['c-red', 'c-blue']);
    await request(t.app).put('/v1/users/u1/follows/c-blue').set(APP).expect(200);
    expect(await follows()).toEqual(['c-red', 'c-blue']);
    expect(await looks()).toContain('b');
    expect((await request(t.app).delete('/v1/users/u1/follows/c-red').set(APP).expect(200)).body.follows).toEqual(['c-blue']);
    expect(await looks()).not.toContain('r');
    await request(t.app).delete('/v1/users/u1/follows/c-red').set(APP).expect(404);
    await request(t.app).put('/v1/users/u1/follows/c-nobody').set(APP).expect(404);
    await request(t.app).put('/v1/users/nobody/follows/c-red').set(APP).expect(404);
    await request(t.app).put('/v1/users/u1/follows/c-red').expect(401);
  });
});
