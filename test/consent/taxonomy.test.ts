/**
 * Issue 14 item 1: health status is a property of the service's category taxonomy, for products
 * and posts alike, through the HTTP API on the fixed-vector world (test/service/world.ts).
 *
 * Fails on the old code: a supplements product PUT without `sensitive` was recommended to a
 * shopper without health consent and to a 15-year-old in DE, and returned by an anonymous search
 * with category=supplements; unknown categories and contradicting flags were accepted; there was
 * no /v1/categories.
 */
import { readFileSync } from 'node:fs';
import request from 'supertest';
import { beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_CATEGORIES } from '../../src/domain/index.js';
import { ADMIN, APP, buildTestApp } from '../http/harness.js';
import { grant, post, product, vec, vectorImage } from '../service/world.js';

let t: Awaited<ReturnType<typeof buildTestApp>>;
beforeEach(async () => {
  t = await buildTestApp();
});

const P = grant('personalization');
const H = grant('health');

async function shopper(id: string, events = [P], ageBand = '25-34', follows = ['c-red']) {
  const [r] = await t.w.commands.importShoppers([{ id, displayName: id, region: 'DE', ageBand, follows, consents: events }]);
  expect(r!.ok).toBe(true);
}
const recIds = async (id: string) =>
  ((await request(t.app).get(`/v1/users/${id}/recommendations?limit=40&diversity=0`).set(APP).expect(200)).body.items as Array<{ product: { id: string } }>).map((i) => i.product.id);
const cited = async (id: string) =>
  ((await request(t.app).get(`/v1/users/${id}/recommendations?limit=40&diversity=0`).set(APP).expect(200)).body.items as Array<{ inspiredBy: { postId: string } | null }>).map((i) => i.inspiredBy?.postId);
const searchIds = async (body: Record<string, unknown>) =>
  ((await request(t.app).post('/v1/search').set(APP).send({ limit: 40, ...body }).expect(200)).body.items as Array<{ product: { id: string } }>).map((i) => i.product.id);
/** The bulk answer; a batch with nothing accepted is 422 BATCH_REJECTED with the same per-item results. */
const putProducts = async (items: unknown[]) => {
  const res = await request(t.app).put('/v1/products').set(ADMIN).send({ items });
  expect(res.status).toBe(res.body.ok > 0 ? 200 : 422);
  return res.body;
};
const putCategories = (items: unknown[]) => request(t.app).put('/v1/categories').set(ADMIN).send({ items });

/** A copy of h0 (a supplements product right next to the red look) under another id, WITHOUT any `sensitive` flag. */
const supplementCopy = async (id: string) => ({ ...product(id, 'supplements', 19), image: await vectorImage(vec('red', 0.002)) });

describe('the category taxonomy', () => {
  it('starts as the documented default list, which is exactly the fixture world vocabulary', async () => {
    const world = JSON.parse(readFileSync(new URL('../../fixtures/world.json', import.meta.url), 'utf8'));
    const byId = (list: Array<{ id: string }>) => [...list].sort((a, b) => (a.id < b.id ? -1 : 1));
    expect(byId([...DEFAULT_CATEGORIES])).toEqual(byId(world.vocabulary.categories));
    const res = await request(t.app).get('/v1/categories').set(APP).expect(200);
    // The test world added "bag" on top of the defaults.
    expect(res.body.items).toEqual(byId([...DEFAULT_CATEGORIES, { id: 'bag', group: 'bags' }]));
    expect(res.body.items.filter((c: { sensitive?: string }) => c.sensitive === 'health').map((c: { id: string }) => c.id)).toEqual(['fitness-tracker', 'supplements', 'yoga-mat']);
  });

  it('a product in a health category is health whatever the client sends', async () => {
    expect((await putProducts([await supplementCopy('h-copy')])).ok).toBe(1);
    expect((await request(t.app).get('/v1/products/h-copy').set(APP).expect(200)).body.health).toBe(true);
    await shopper('adult', [P]);
    await shopper('teen', [P, H], '13-15');
    await shopper('health', [P, H]);
    expect(await recIds('adult')).not.toContain('h-copy');
    expect(await recIds('teen')).not.toContain('h-copy');
    expect(await recIds('health')).toContain('h-copy');
    expect(await searchIds({ text: 'red', filters: { category: 'supplements' } })).toEqual([]);
    expect(await searchIds({ text: 'red', filters: { category: 'supplements' }, userId: 'adult' })).toEqual([]);
    expect(await searchIds({ text: 'red', filters: { category: 'supplements' }, userId: 'health' })).toEqual(['h0', 'h-copy']);
  });

  it('refuses, per item, a product whose category the taxonomy does not know, naming the known ones', async () => {
    const body = await putProducts([{ ...(await supplementCopy('vit')), category: 'vitamins' }, { ...(await supplementCopy('ok')), category: 'dress' }]);
    expect(body).toMatchObject({ ok: 1, failed: 1 });
    const message = body.results[0].error.message as string;
    expect(body.results[0]).toMatchObject({ id: 'vit', ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(message).toContain('items.0.category: unknown category "vitamins"');
    for (const c of ['dress', 'supplements', 'yoga-mat', 'bag']) expect(message).toContain(c);
    expect(message).toContain('PUT /v1/categories');
    await request(t.app).get('/v1/products/vit').set(APP).expect(404);
  });

  it('refuses a health flag that contradicts the taxonomy (documented: refuse, never ignore)', async () => {
    const body = await putProducts([{ ...(await supplementCopy('fake')), category: 'dress', sensitive: 'health' }]);
    expect(body.results[0]).toMatchObject({ id: 'fake', ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(body.results[0].error.message).toMatch(/items\.0\.sensitive: "dress" is not a health category.*supplements/);
    // The flag agreeing with the taxonomy is fine, and is not stored: the taxonomy is read instead.
    expect((await putProducts([{ ...(await supplementCopy('agree')), sensitive: 'health' }])).ok).toBe(1);
    expect(await t.w.store.getProduct('agree')).not.toHaveProperty('sensitive');
  });

  it('extending the taxonomy first admits the product; marking a category health applies to everything in it at once', async () => {
    await putCategories([{ id: 'vitamins', group: 'health' }]).expect(200);
    expect((await putProducts([{ ...(await supplementCopy('vit')), category: 'vitamins' }])).ok).toBe(1);
    await shopper('adult', [P]);
    expect(await recIds('adult')).toContain('vit'); // not a health category (yet)
    expect(await searchIds({ text: 'red' })).toContain('vit');
    const before = await recIds('adult'); // the response cache holds this list now

    const res = await putCategories([{ id: 'vitamins', group: 'health', sensitive: 'health' }, { id: 'dress', group: 'apparel', sensitive: 'health' }]).expect(200);
    expect(res.body).toMatchObject({ ok: 2, failed: 0 });
    const after = await recIds('adult');
    expect(before.some((id) => /^r\d$/.test(id))).toBe(true);
    expect(after).not.toContain('vit');
    // Every red dress (r0, r2, ...) left the cached list at once; red bags stay.
    expect(after.filter((id) => ['r0', 'r2', 'r4', 'r6', 'r8'].includes(id))).toEqual([]);
    expect(after).toContain('r1');
    expect(await searchIds({ text: 'red' })).not.toContain('r0');
    expect((await request(t.app).get('/v1/products/r0').set(APP).expect(200)).body.health).toBe(true);

    // Un-marking is the same PUT without the flag.
    await putCategories([{ id: 'dress', group: 'apparel' }]).expect(200);
    expect(await recIds('adult')).toContain('r0');
  });

  it('posts: health when they show a health category; a post naming an unknown category is refused', async () => {
    // Two posts with looks no other post has, and a bag with exactly each look: a list showing the
    // bag cites that post whenever the post may be used (vectors travel as pixels: jitter > 1/255).
    await t.w.addPosts('c-red', [
      { post: post('c-red-vit', 'c-red', 0, { categories: ['supplements', 'dress'] }), vector: vec('red', 0.9, 2) },
      { post: post('c-red-dress', 'c-red', 0, { categories: ['dress'] }), vector: vec('red', 0.8, 1) },
    ]);
    await t.w.addProduct(product('bag-vit', 'bag', 33), vec('red', 0.9, 2));
    await t.w.addProduct(product('bag-dress', 'bag', 34), vec('red', 0.8, 1));
    await shopper('adult', [P]);
    await shopper('health', [P, H]);
    expect(await cited('adult')).not.toContain('c-red-vit');
    expect(await cited('adult')).toContain('c-red-dress');
    expect(await cited('health')).toContain('c-red-vit');

    const refused = await request(t.app).put('/v1/creators/c-red/posts').set(ADMIN).send({
      items: [
        { ...post('p-unknown', 'c-red', 0, { categories: ['dress', 'tonic'] }), image: await vectorImage(vec('red', 0.1)) },
        { ...post('p-claim', 'c-red', 0, { sensitive: 'health', categories: ['dress'] }), image: await vectorImage(vec('red', 0.1)) },
      ],
    }).expect(422);
    expect(refused.body).toMatchObject({ ok: 0, failed: 2 });
    expect(refused.body.results[0].error.message).toContain('items.0.categories.1: unknown category "tonic"');
    expect(refused.body.results[1].error.message).toContain('items.1.sensitive: a post is health when it shows a health category');

    // Marking "dress" health takes the dress post out of the non-consenting shopper's profile at once.
    await putCategories([{ id: 'dress', group: 'apparel', sensitive: 'health' }]).expect(200);
    const now = await cited('adult');
    expect(now).not.toContain('c-red-dress');
    expect(now).not.toContain('c-red-vit');
  });

  it('category items are validated strictly per item; only admin keys may change the taxonomy', async () => {
    const res = await putCategories([{ id: 'Home Decor' }, { id: 'lamp', sensitve: 'health' }, { id: 'rug', sensitive: 'yes' }, { id: 'lamp2' }]).expect(200);
    expect(res.body).toMatchObject({ ok: 1, failed: 3 });
    expect(res.body.results[0].error.message).toContain('lower-case slug');
    expect(res.body.results[1].error.message).toContain('sensitve'); // a typo is refused, not stored as "not health"
    expect(res.body.results[2].error.message).toContain('items.2.sensitive');
    await request(t.app).put('/v1/categories').set(APP).send({ items: [{ id: 'x' }] }).expect(403);
    await request(t.app).put('/v1/categories').send({ items: [{ id: 'x' }] }).expect(401);
  });
});
