/**
 * Steering through the HTTP API (fixed-vector world: reds along axis 0, blues 1, greens 2):
 * recommendations with `exclude` and `groupBy`/`groupCap`; search with weighted terms and
 * positive/negative example products or posts under Qdrant's two strategies.
 */
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { normalise } from '../../src/embed/vectors.js';
import { addShopper, grant, product, vec } from '../service/world.js';
import { APP, buildTestApp } from './harness.js';

let t: Awaited<ReturnType<typeof buildTestApp>>;
beforeAll(async () => {
  t = await buildTestApp();
  await addShopper(t.w, 'fan', ['c-red', 'c-blue'], [grant('personalization')]);
  await addShopper(t.w, 'anon', ['c-red'], []);
  for (const [id, brand, jitter, slot] of [['rb1', 'Nordlys', 0.01, 1], ['rb2', 'Nordlys', 0.2, 1], ['rb3', 'Sol', 0.3, 2]] as const) {
    await t.w.addProduct(product(id, 'scarf', 25, { brand }), vec('red', jitter, slot));
  }
  const mid = new Float32Array(6);
  mid[0] = 1;
  mid[1] = 1;
  await t.w.addProduct(product('mid', 'scarf', 25), normalise(mid));
});

type Item = { product: { id: string; brand: string }; inspiredBy: { creatorId: string } | null; score: number };
const recs = async (user: string, q: string) => (await request(t.app).get(`/v1/users/${user}/recommendations?${q}`).set(APP).expect(200)).body as { items: Item[]; parameters: string };
const search = async (body: object, status = 200) => (await request(t.app).post('/v1/search').set(APP).send(body).expect(status)).body;
const ids = (items: Item[]) => items.map((i) => i.product.id);

describe('recommendations: exclude and groupBy', () => {
  it('leaves out excluded ids (comma-separated or repeated), personalised or not, and says so', async () => {
    const top = ids((await recs('fan', 'limit=5&diversity=0')).items);
    const res = await recs('fan', `limit=5&diversity=0&exclude=${top[0]},${top[1]}&exclude=${top[2]}`);
    expect(ids(res.items)).not.toEqual(expect.arrayContaining([top[0]]));
    expect(ids(res.items).filter((id) => top.slice(0, 3).includes(id))).toEqual([]);
    expect(res.parameters).toMatch(/Items you asked to exclude are left out/);
    const popular = ids((await recs('anon', 'limit=3')).items);
    expect(ids((await recs('anon', `limit=3&exclude=${popular.join(',')}`)).items).filter((id) => popular.includes(id))).toEqual([]);
  });

  it('groupBy=creator caps the items each inspiring creator gets', async () => {
    const plain = (await recs('fan', 'limit=10&diversity=0')).items;
    const count = (items: Item[], c: string) => items.filter((i) => i.inspiredBy?.creatorId === c).length;
    expect(Math.max(count(plain, 'c-red'), count(plain, 'c-blue'))).toBeGreaterThan(2);
    const capped = await recs('fan', 'limit=10&diversity=0&groupBy=creator&groupCap=2');
    expect(capped.items).toHaveLength(4); // two creators, two each
    expect([count(capped.items, 'c-red'), count(capped.items, 'c-blue')]).toEqual([2, 2]);
    expect(capped.parameters).toMatch(/At most 2 items per inspiring creator/);
  });

  it('groupBy=brand caps per brand, in the personalised and the popular list', async () => {
    const capped = (await recs('fan', 'limit=20&diversity=0&groupBy=brand&groupCap=1')).items;
    expect(capped.map((i) => i.product.brand).sort()).toEqual(['Acme', 'Nordlys', 'Sol']);
    const popular = await recs('anon', 'limit=20&groupBy=brand&groupCap=2');
    const perBrand = new Map<string, number>();
    for (const i of popular.items) perBrand.set(i.product.brand, (perBrand.get(i.product.brand) ?? 0) + 1);
    expect(Math.max(...perBrand.values())).toBeLessThanOrEqual(2);
    expect(popular.parameters).toMatch(/At most 2 items per brand/);
    await request(t.app).get('/v1/users/fan/recommendations?groupBy=colour').set(APP).expect(400);
    await request(t.app).get('/v1/users/fan/recommendations?groupBy=brand&groupCap=0').set(APP).expect(400);
  });
});

describe('search: weighted terms', () => {
  it('a negative weight steers away: the green look sinks to the bottom', async () => {
    const weighted = (await search({ terms: { red: 1, green: -1 }, limit: 34 })).items as Item[];
    expect(ids(weighted).slice(-10).every((id) => id.startsWith('g'))).toBe(true);
    expect(ids(weighted).slice(0, 5).every((id) => id.startsWith('r'))).toBe(true);
    const greenScores = (items: Item[]) => items.filter((i) => i.product.id.startsWith('g')).map((i) => i.score);
    expect(greenScores(weighted).every((s) => s < -0.5)).toBe(true);
    // Without the negative term green items are merely unrelated (cosine 0), not pushed away.
    expect(greenScores((await search({ text: 'red', limit: 34 })).items).every((s) => s === 0)).toBe(true);
  });

  it('refuses empty or all-zero terms, and a request with nothing to search for', async () => {
    expect((await search({ terms: {} }, 400)).error.details[0].path).toBe('terms');
    await search({ terms: { red: 0 } }, 400);
    await search({ limit: 3 }, 400);
  });
});

describe('search: positive and negative examples', () => {
  it('more like a product or a post; the example itself is left out', async () => {
    const likeB3 = ids((await search({ positive: [{ productId: 'b3' }], limit: 5 })).items);
    expect(likeB3.every((id) => id.startsWith('b'))).toBe(true);
    expect(likeB3).not.toContain('b3');
    const likePost = ids((await search({ positive: [{ postId: 'c-blue-p0' }], limit: 5 })).items);
    expect(likePost.every((id) => id.startsWith('b'))).toBe(true);
  });

  it('average_vector searches near the mean; best_score near each positive', async () => {
    const positive = [{ productId: 'r0' }, { productId: 'b0' }];
    const avg = (await search({ positive, strategy: 'average_vector', limit: 5 })).items;
    expect(ids(avg)[0]).toBe('mid');
    const best = (await search({ positive, strategy: 'best_score', limit: 5 })).items;
    expect(ids(best)).not.toContain('mid');
    expect(ids(best).every((id) => /^[rb]/.test(id))).toBe(true);
  });

  it('best_score ranks anything closer to a negative below everything that is not', async () => {
    const items = (await search({ positive: [{ productId: 'r0' }], negative: [{ productId: 'r9' }], strategy: 'best_score', limit: 20 })).items as Item[];
    const scores = items.map((i) => i.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(scores.some((s) => s < 0)).toBe(true);
    expect(scores[0]).toBeGreaterThan(0);
    // average_vector: a negative example moves the query away from it.
    const away = ids((await search({ text: 'red', negative: [{ postId: 'c-blue-p0' }], limit: 34 })).items);
    expect(away.slice(-10).every((id) => id.startsWith('b'))).toBe(true);
  });

  it('refuses examples that do not exist or may not be used, naming them', async () => {
    expect((await search({ positive: [{ productId: 'nope' }] }, 400)).error.details[0].path).toBe('positive.0');
    // c-green did not opt in as a style source: its posts may not steer anything.
    const green = (await search({ text: 'red', negative: [{ postId: 'c-green-p0' }] }, 400)).error;
    expect(green.details[0]).toMatchObject({ path: 'negative.0', message: expect.stringContaining('style source') });
    await search({ positive: [{ productId: 'r0', postId: 'c-red-p0' }] }, 400);
    await search({ positive: [{ productId: 'r0' }], strategy: 'sum_scores' }, 400);
  });
});
