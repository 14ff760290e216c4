/**
 * The per-shopper response cache through the real app: each test first proves a response IS
 * cached (so it would fail if the cache served stale lists), then changes something and checks
 * the next response reflects it.
 */
import request from 'supertest';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { addShopper, grant, product, vec, vectorImage } from '../service/world.js';
import { ADMIN, APP, buildTestApp } from './harness.js';

type Item = { product: { id: string }; inspiredBy: { creatorId: string } | null; affiliateUrl: string };
const ids = (body: { items: Item[] }) => body.items.map((i) => i.product.id);

let t: Awaited<ReturnType<typeof buildTestApp>>;
beforeEach(async () => {
  t = await buildTestApp({ RECOMMEND_CACHE_TTL_S: '60' });
  await addShopper(t.w, 'u1', ['c-red'], [grant('personalization'), grant('clickTracking')]);
});

const recs = (query = 'limit=5') => request(t.app).get(`/v1/users/u1/recommendations?${query}`).set(APP).expect(200);

/** Fills the cache for u1 and checks that it was filled. */
async function warm(query?: string) {
  const first = await recs(query);
  expect(first.body.personalized).toBe(true);
  expect(t.core.state.responses.size).toBeGreaterThan(0);
  return first;
}

describe('recommendation response cache', () => {
  it('a hit returns equal items without rebuilding the list, while consent is still read', async () => {
    const first = await warm();
    const clicks = vi.spyOn(t.w.store, 'shopperActivity');
    const consents = vi.spyOn(t.w.store, 'shopperReadSet');
    const second = await recs();
    expect(second.body).toEqual(first.body);
    expect(clicks).not.toHaveBeenCalled(); // served from the cache (a computed list reads the clicks)
    expect(consents).toHaveBeenCalledWith('u1'); // ...but only after a fresh consent decision (the ledger comes with the read set)
    // Another query is another entry, not the cached one.
    expect(ids((await recs('limit=2')).body)).toEqual(ids(first.body).slice(0, 2));
    expect(t.core.state.responses.size).toBe(2);
  });

  it('a withdrawal right after a cached response gets a non-personalised list, through the API', async () => {
    await warm();
    await request(t.app).put('/v1/users/u1/consents').set(APP).send({ events: [{ purpose: 'personalization', granted: false }] }).expect(200);
    const after = await recs();
    expect(after.body.personalized).toBe(false);
    expect(after.body.items.every((i: Item) => i.inspiredBy === null)).toBe(true);
  });

  it('a withdrawal written to the ledger with no hook at all is still never served the cached list', async () => {
    await warm();
    // Straight into the store: no invalidation runs, so only the decision in the key protects.
    await t.w.store.appendConsents('u1', [grant('personalization', false, '2026-05-20T00:00:00Z')]);
    const after = await recs();
    expect(after.body.personalized).toBe(false);
    expect(after.body.items.every((i: Item) => i.inspiredBy === null)).toBe(true);
  });

  it('a follow change gives a new list', async () => {
    const before = await warm();
    expect(before.body.items.every((i: Item) => i.inspiredBy?.creatorId === 'c-red')).toBe(true);
    await request(t.app).put('/v1/users/u1/follows').set(APP).send({ creatorIds: ['c-blue'] }).expect(200);
    const after = await recs();
    expect(after.body.items.every((i: Item) => i.inspiredBy?.creatorId === 'c-blue')).toBe(true);
  });

  it('a deleted product is gone from the cached shopper\'s next list', async () => {
    const top = ids((await warm('limit=5&diversity=0')).body)[0]!;
    expect((await request(t.app).delete(`/v1/products/${top}`).set(ADMIN)).status).toBe(204);
    const after = ids((await recs('limit=5&diversity=0')).body);
    expect(after).not.toContain(top);
    expect(after).toHaveLength(5);
  });

  it('an upserted product that fits better shows up at once, with its new vector', async () => {
    await warm('limit=3&diversity=0');
    // A red dress closer to c-red's posts than any existing product.
    const put = await request(t.app).put('/v1/products').set(ADMIN).send({ items: [{ ...product('r-new', 'dress', 30), title: 'red', image: await vectorImage(vec('red', 1 / 30, 0)) }] });
    expect(put.body.ok).toBe(1);
    expect(ids((await recs('limit=3&diversity=0')).body)).toContain('r-new');
  });

  it('a re-embedded product is ranked with its new vector, not the one held in memory', async () => {
    await warm(); // loads the in-memory product vectors
    const r9 = (await t.w.store.getProduct('r9'))!;
    await request(t.app).put('/v1/products').set(ADMIN).send({ items: [{ ...r9, title: 'blue', image: await vectorImage(vec('blue', 0.05)) }] }).expect(200);
    const similar = await request(t.app).get('/v1/products/r9/similar?limit=3').set(APP).expect(200);
    expect(ids(similar.body).every((id) => id.startsWith('b'))).toBe(true);
  });

  it('a click by the shopper drops the clicked item from their next list', async () => {
    const first = await warm();
    const item = first.body.items[0] as Item;
    await request(t.app).get(item.affiliateUrl).expect(302);
    const after = ids((await recs()).body);
    expect(after).not.toContain(item.product.id);
  });

  it('a creator revoking styleSource drops the lists built from them', async () => {
    await request(t.app).put('/v1/users/u1/follows').set(APP).send({ creatorIds: ['c-red', 'c-blue'] }).expect(200);
    await warm('limit=20');
    await request(t.app).patch('/v1/creators/c-red/opt-ins').set(ADMIN).send({ styleSource: false }).expect(200);
    const after = await recs('limit=20');
    expect(after.body.items.every((i: Item) => i.inspiredBy?.creatorId === 'c-blue')).toBe(true);
  });

  it('RECOMMEND_CACHE_TTL_S=0 turns it off', async () => {
    const off = await buildTestApp({ RECOMMEND_CACHE_TTL_S: '0' });
    await addShopper(off.w, 'u1', ['c-red'], [grant('personalization')]);
    await request(off.app).get('/v1/users/u1/recommendations').set(APP).expect(200);
    expect(off.core.state.responses.enabled).toBe(false);
    expect(off.core.state.responses.size).toBe(0);
  });
});
