import request from 'supertest';
import { beforeEach, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { addShopper, grant, product, vec, vectorImage } from '../service/world.js';
import { ADMIN, APP, buildTestApp } from './harness.js';

let t: Awaited<ReturnType<typeof buildTestApp>>;
beforeEach(async () => {
  t = await buildTestApp();
  await addShopper(t.w, 'u1', ['c-red'], [grant('personalization')]);
});

describe('API behaviour', () => {
  it('keeps the good items of a batch with a bad one, and reports each', async () => {
    const items = [
      product('n1', 'dress', 30, { title: 'red dress', image: await vectorImage(vec('red', 0.2)) }),
      { id: 'bad', price: -3 },
      product('n2', 'bag', 40, { title: 'blue bag', image: await vectorImage(vec('blue', 0.2)) }),
    ];
    const res = await request(t.app).put('/v1/products').set(ADMIN).send({ items });
    expect(res.status).toBe(200);
    expect(res.body.ok).toBe(2);
    expect(res.body.failed).toBe(1);
    expect(res.body.results.map((r: { id: string; ok: boolean }) => [r.id, r.ok])).toEqual([['n1', true], ['bad', false], ['n2', true]]);
    expect(res.body.results[1].error.code).toBe('VALIDATION_FAILED');
    expect((await request(t.app).get('/v1/products/n1').set(APP)).body.title).toBe('red dress');
    expect((await request(t.app).get('/v1/products/bad').set(APP)).status).toBe(404);
    const found = await request(t.app).post('/v1/search').set(APP).send({ text: 'blue', limit: 100, filters: { category: 'bag', minPrice: 40, maxPrice: 40 } });
    expect(found.body.items.map((i: { product: { id: string } }) => i.product.id)).toContain('n2');
  });

  it('never returns a deleted product from recommendations, search or similar', async () => {
    const top = (await request(t.app).get('/v1/users/u1/recommendations?limit=1&diversity=0').set(APP)).body.items[0].product.id;
    expect((await request(t.app).delete(`/v1/products/${top}`).set(ADMIN)).status).toBe(204);
    const recs = await request(t.app).get('/v1/users/u1/recommendations?limit=100').set(APP);
    const search = await request(t.app).post('/v1/search').set(APP).send({ text: 'red', limit: 100 });
    const similar = await request(t.app).get('/v1/products/r5/similar?limit=100').set(APP);
    for (const res of [recs, search, similar]) {
      expect(res.status).toBe(200);
      expect(res.body.items.map((i: { product: { id: string } }) => i.product.id)).not.toContain(top);
    }
    expect((await request(t.app).get(`/v1/products/${top}`).set(APP)).status).toBe(404);
  });

  it('answers limit = 100 on a 30-product catalog with what exists; 101 is refused', async () => {
    const res = await request(t.app).get('/v1/users/u1/recommendations?limit=100').set(APP);
    expect(res.status).toBe(200);
    expect(res.body.items).toHaveLength(30);
    expect((await request(t.app).get('/v1/users/u1/recommendations?limit=101').set(APP)).status).toBe(400);
  });

  it('a follow change through the API changes the next recommendations', async () => {
    const before = await request(t.app).get('/v1/users/u1/recommendations?limit=3').set(APP);
    expect(before.body.items.every((i: { inspiredBy: { creatorId: string } }) => i.inspiredBy.creatorId === 'c-red')).toBe(true);
    const put = await request(t.app).put('/v1/users/u1/follows').set(APP).send({ creatorIds: ['c-blue'] });
    expect(put.body.follows).toEqual(['c-blue']);
    const after = await request(t.app).get('/v1/users/u1/recommendations?limit=3').set(APP);
    expect(after.body.items.every((i: { inspiredBy: { creatorId: string }; product: { id: string } }) => i.inspiredBy.creatorId === 'c-blue' && i.product.id.startsWith('b'))).toBe(true);
  });

  it('a consent withdrawal through the API applies to the very next request', async () => {
    expect((await request(t.app).get('/v1/users/u1/recommendations').set(APP)).body.personalized).toBe(true);
    await request(t.app).put('/v1/users/u1/consents').set(APP).send({ events: [{ purpose: 'personalization', granted: false }] }).expect(200);
    const after = await request(t.app).get('/v1/users/u1/recommendations').set(APP);
    expect(after.body.personalized).toBe(false);
    expect(after.body.reason).toEqual(expect.any(String));
    expect(after.body.items.every((i: { inspiredBy: unknown }) => i.inspiredBy === null)).toBe(true);
  });

  it('a styleSource revocation through the API applies at once', async () => {
    await request(t.app).put('/v1/users/u1/follows').set(APP).send({ creatorIds: ['c-red', 'c-blue'] }).expect(200);
    await request(t.app).get('/v1/users/u1/recommendations').set(APP).expect(200);
    await request(t.app).patch('/v1/creators/c-red/opt-ins').set(ADMIN).send({ styleSource: false }).expect(200);
    const after = await request(t.app).get('/v1/users/u1/recommendations?limit=20').set(APP);
    expect(after.body.items.every((i: { inspiredBy: { creatorId: string } }) => i.inspiredBy.creatorId === 'c-blue')).toBe(true);
  });

  it('items carry a signed /r/ link and a disclosure; the link redirects', async () => {
    const res = await request(t.app).get('/v1/users/u1/recommendations?limit=2').set(APP);
    const item = res.body.items[0];
    expect(item.affiliateUrl).toMatch(/^\/r\/[\w-]+/);
    expect(item.disclosure).toMatch(/^Paid link/);
    const hop = await request(t.app).get(item.affiliateUrl);
    expect(hop.status).toBe(302);
    expect(hop.headers.location).toMatch(/^https:\/\/shop\.example\//);
  });

  it('serves media bytes with their content type', async () => {
    const res = await request(t.app).get('/media/products/r0');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/image\/png/);
    expect((await sharp(res.body).metadata()).format).toBe('png');
    expect((await request(t.app).get('/media/products/nope')).status).toBe(404);
  });

  it('creators and users read back, with recent posts and follows', async () => {
    const c = await request(t.app).get('/v1/creators/c-red').set(APP);
    expect(c.body.posts.map((p: { id: string }) => p.id)).toEqual(['c-red-p0', 'c-red-p1', 'c-red-p2']);
    expect(c.body.posts[0].imageUrl).toBe('/media/posts/c-red-p0');
    const u = await request(t.app).get('/v1/users/u1').set(APP);
    expect(u.body).toMatchObject({ id: 'u1', region: 'DE', follows: ['c-red'] });
    expect((await request(t.app).get('/v1/users').set(APP)).body.items.map((x: { id: string }) => x.id)).toEqual(['u1']);
  });

  it('health reports model, index size and counts', async () => {
    const res = await request(t.app).get('/health');
    expect(res.body).toEqual({ status: 'ok', model: { id: 'fixed-test-vectors', dimension: 6 }, index: { products: 31 }, counts: { products: 31, creators: 3, posts: 9, users: 1 } });
  });

  it('serves an OpenAPI document generated from the route schemas', async () => {
    const doc = (await request(t.app).get('/openapi.json')).body;
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.servers).toEqual([{ url: 'http://localhost:3000' }]);
    const recs = doc.paths['/v1/users/{id}/recommendations'].get;
    expect(recs['x-scope']).toBe('app');
    expect(recs.parameters.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['id', 'limit', 'diversity', 'category', 'minPrice', 'maxPrice']));
    // Bodies and responses are named components (a typed client's types), resolved here by name.
    const named = (ref: { $ref: string }) => doc.components.schemas[ref.$ref.replace('#/components/schemas/', '')];
    const recsRef = recs.responses['200'].content['application/json'].schema;
    expect(recsRef).toEqual({ $ref: '#/components/schemas/RecommendationResponse' });
    expect(named(recsRef).properties.items.type).toBe('array');
    const search = named(doc.paths['/v1/search'].post.requestBody.content['application/json'].schema);
    expect(Object.keys(search.properties)).toEqual(expect.arrayContaining(['text', 'image', 'limit', 'filters']));
    const products = named(doc.paths['/v1/products'].put.requestBody.content['application/json'].schema);
    expect(named(products.properties.items.items).required).toContain('price');
    expect(doc.paths['/v1/users/{id}/consents'].put['x-scope']).toBe('app');
  });
});
