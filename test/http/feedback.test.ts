/**
 * Feedback events through the HTTP API (real service over the fixed-vector world): what is
 * stored under which consent, and each documented effect on the next recommendation list.
 * World: reds r0..r9 (c-red's look), blues b0..b9 (c-blue's), greens; h0 a health item near red.
 */
import request from 'supertest';
import { beforeEach, describe, expect, it } from 'vitest';
import { addShopper, creator, grant, post, product, vec } from '../service/world.js';
import { ADMIN, APP, buildTestApp } from './harness.js';

let t: Awaited<ReturnType<typeof buildTestApp>>;
beforeEach(async () => {
  t = await buildTestApp();
});

type Item = { product: { id: string }; inspiredBy: { postId: string } | null };
const send = (user: string, events: unknown[]) => request(t.app).post(`/v1/users/${user}/events`).set(APP).send({ events });
const recs = async (user: string, q = 'limit=30&diversity=0') =>
  (await request(t.app).get(`/v1/users/${user}/recommendations?${q}`).set(APP).expect(200)).body as { items: Item[]; parameters: string; personalized: boolean };
const ids = (items: Item[]) => items.map((i) => i.product.id);
const stored = async (user: string) => (await request(t.app).get(`/v1/users/${user}/events`).set(APP).expect(200)).body.items as Array<{ type: string; productId?: string }>;

describe('POST /v1/users/:id/events: what is kept', () => {
  it('keeps nothing without personalization consent, and says why', async () => {
    await addShopper(t.w, 'none', ['c-red'], []);
    const res = await send('none', [{ type: 'view', productId: 'r1' }]).expect(200);
    expect(res.body).toMatchObject({ recorded: 0, ignored: 1, rejected: 0 });
    expect(res.body.reason).toMatch(/not turned them on|personalization/);
    expect(await stored('none')).toEqual([]);
    expect(await t.w.store.listFeedback('none')).toEqual([]);
  });

  it('keeps nothing for a minor, whatever they granted', async () => {
    await addShopper(t.w, 'teen', ['c-red'], [grant('personalization')], '13-15');
    const res = await send('teen', [{ type: 'purchase', productId: 'r1' }]).expect(200);
    expect(res.body).toMatchObject({ recorded: 0, ignored: 1 });
    expect(res.body.reason).toMatch(/minor/);
    expect(await t.w.store.listFeedback('teen')).toEqual([]);
  });

  it('records events with the server time under personalization, and rejects unknown targets per item', async () => {
    await addShopper(t.w, 'u', ['c-red'], [grant('personalization')]);
    const res = await send('u', [{ type: 'view', productId: 'r1' }, { type: 'save', postId: 'c-red-p1' }, { type: 'click', productId: 'nope' }]).expect(200);
    expect(res.body).toMatchObject({ recorded: 2, ignored: 0, rejected: 1, reason: null });
    expect(res.body.results.map((r: { outcome: string }) => r.outcome)).toEqual(['recorded', 'recorded', 'rejected']);
    expect(res.body.results[2]).toMatchObject({ index: 2, code: 'NOT_FOUND' });
    const list = await stored('u');
    expect(list).toEqual([
      { id: expect.any(String), type: 'view', productId: 'r1', at: '2026-06-01T12:00:00.000Z' },
      { id: expect.any(String), type: 'save', postId: 'c-red-p1', at: '2026-06-01T12:00:00.000Z' },
    ]);
  });

  it('refuses a client time, an unknown type, two targets or none, naming the field', async () => {
    await addShopper(t.w, 'u', ['c-red'], [grant('personalization')]);
    const at = await send('u', [{ type: 'view', productId: 'r1', at: '2020-01-01T00:00:00Z' }]).expect(400);
    expect(JSON.stringify(at.body.error.details)).toContain('events.0');
    const type = await send('u', [{ type: 'love', productId: 'r1' }]).expect(400);
    expect(type.body.error.details[0].path).toBe('events.0.type');
    await send('u', [{ type: 'view', productId: 'r1', postId: 'c-red-p1' }]).expect(400);
    await send('u', [{ type: 'view' }]).expect(400);
    await send('u', []).expect(400);
    expect(await stored('u')).toEqual([]);
  });

  it('keeps an action on a health item only with health consent; withdrawing health deletes it', async () => {
    await addShopper(t.w, 'u', ['c-red'], [grant('personalization')]);
    expect((await send('u', [{ type: 'view', productId: 'h0' }]).expect(200)).body).toMatchObject({ recorded: 0, ignored: 1 });
    await request(t.app).put('/v1/users/u/consents').set(APP).send({ events: [{ purpose: 'health', granted: true }] }).expect(200);
    expect((await send('u', [{ type: 'view', productId: 'h0' }, { type: 'view', productId: 'r2' }]).expect(200)).body.recorded).toBe(2);
    await request(t.app).put('/v1/users/u/consents').set(APP).send({ events: [{ purpose: 'health', granted: false }] }).expect(200);
    expect((await stored('u')).map((e) => e.productId)).toEqual(['r2']);
  });

  it('withdrawing personalization deletes every event, and so does erasure', async () => {
    await addShopper(t.w, 'u', ['c-red'], [grant('personalization')]);
    await addShopper(t.w, 'v', ['c-red'], [grant('personalization')]);
    await send('u', [{ type: 'view', productId: 'r1' }]).expect(200);
    await send('v', [{ type: 'purchase', productId: 'r1' }]).expect(200);
    await request(t.app).put('/v1/users/u/consents').set(APP).send({ events: [{ purpose: 'personalization', granted: false }] }).expect(200);
    expect(await stored('u')).toEqual([]);
    await request(t.app).delete('/v1/users/v').set(ADMIN).expect(200);
    await request(t.app).get('/v1/users/v/events').set(APP).expect(404);
    expect(await t.w.store.listFeedback('v')).toEqual([]);
    // A new shopper with the same id starts with no history.
    await addShopper(t.w, 'v', ['c-red'], [grant('personalization')]);
    expect(await stored('v')).toEqual([]);
  });

  it('an age band that makes the shopper a minor deletes their events', async () => {
    await addShopper(t.w, 'u', ['c-red'], [grant('personalization')]);
    await send('u', [{ type: 'view', productId: 'r1' }]).expect(200);
    await request(t.app).put('/v1/users/u').set(APP).send({ region: 'DE', ageBand: '13-15' }).expect(200);
    expect(await t.w.store.listFeedback('u')).toEqual([]);
  });

  it('pages the stored events with an opaque cursor', async () => {
    await addShopper(t.w, 'u', ['c-red'], [grant('personalization')]);
    await send('u', ['r1', 'r2', 'r3'].map((productId) => ({ type: 'view', productId }))).expect(200);
    const first = (await request(t.app).get('/v1/users/u/events?limit=2').set(APP).expect(200)).body;
    expect(first.items.map((e: { productId: string }) => e.productId)).toEqual(['r1', 'r2']);
    const second = (await request(t.app).get(`/v1/users/u/events?limit=2&cursor=${first.next}`).set(APP).expect(200)).body;
    expect(second).toMatchObject({ items: [{ productId: 'r3' }], next: null });
    const bad = await request(t.app).get('/v1/users/u/events?cursor=bm9wZQ').set(APP).expect(400);
    expect(bad.body.error.details[0].path).toBe('query.cursor');
  });
});

describe('each effect of feedback on the next list (as `parameters` says)', () => {
  beforeEach(async () => {
    await addShopper(t.w, 'u', ['c-red'], [grant('personalization')]);
  });

  it('parameters documents every effect', async () => {
    const { parameters } = await recs('u');
    expect(parameters).toMatch(/bought or hid are left out/);
    expect(parameters).toMatch(/"not interested" are pushed down/);
    expect(parameters).toMatch(/posts you saved count 2 times as much, posts you hid are not used/);
    expect(parameters).toMatch(/viewed, clicked, saved, added to your cart or bought form one more interest/);
    await addShopper(t.w, 'off', ['c-red'], []);
    expect((await recs('off')).parameters).toMatch(/What you view, save, buy or hide is not recorded or used/);
  });

  it('bought and hidden products are left out', async () => {
    const before = ids((await recs('u')).items);
    const [a, b] = before;
    await send('u', [{ type: 'purchase', productId: a }, { type: 'hide', productId: b }]).expect(200);
    const after = ids((await recs('u')).items);
    expect(after).not.toContain(a);
    expect(after).not.toContain(b);
    expect(after.length).toBe(before.length - 2);
  });

  it('"not interested" pushes look-alikes down (and leaves the item out)', async () => {
    await addShopper(t.w, 'both', ['c-red', 'c-blue'], [grant('personalization')]);
    const before = ids((await recs('both', 'limit=10&diversity=0')).items);
    expect(before.filter((id) => id.startsWith('r')).length).toBeGreaterThan(2);
    await send('both', [{ type: 'not_interested', productId: 'r0' }]).expect(200);
    const after = ids((await recs('both', 'limit=10&diversity=0')).items);
    expect(after).not.toContain('r0');
    // Every red look-alike now ranks below every blue item.
    expect(after).toEqual([...after.filter((id) => id.startsWith('b')), ...after.filter((id) => id.startsWith('r'))]);
    expect(after.slice(0, 10).every((id) => id.startsWith('b'))).toBe(true);
  });

  it('saved posts weigh more in the profile', async () => {
    // Two posts of one creator, one leaning into spare dimension 3, one into 4; the first has
    // more engagement, so its look-alike x-a ranks first until the shopper saves the other post.
    await t.w.commands.upsertCreators([creator('c-two', true, true)]);
    await t.w.addPosts('c-two', [
      { post: post('two-a', 'c-two', 1, { engagement: { likes: 30, comments: 0, saves: 0 } }), vector: vec('green', 0.8, 0) },
      { post: post('two-b', 'c-two', 1, { engagement: { likes: 10, comments: 0, saves: 0 } }), vector: vec('green', 0.8, 1) },
    ]);
    await t.w.addProduct(product('x-a', 'dress', 50), vec('green', 0.8, 0));
    await t.w.addProduct(product('x-b', 'dress', 50), vec('green', 0.8, 1));
    await addShopper(t.w, 'two', ['c-two'], [grant('personalization')]);
    const order = async () => ids((await recs('two')).items).filter((id) => id.startsWith('x-'));
    expect(await order()).toEqual(['x-a', 'x-b']);
    await send('two', [{ type: 'save', postId: 'two-b' }]).expect(200);
    expect(await order()).toEqual(['x-b', 'x-a']);
  });

  it('hidden posts are not used and never cited', async () => {
    const cited = (items: Item[]) => new Set(items.map((i) => i.inspiredBy?.postId));
    expect(cited((await recs('u')).items).has('c-red-p0')).toBe(true);
    await send('u', [{ type: 'hide', postId: 'c-red-p0' }]).expect(200);
    expect(cited((await recs('u')).items).has('c-red-p0')).toBe(false);
  });

  it('a recency-weighted history interest joins the creator interests', async () => {
    const before = ids((await recs('u', 'limit=10&diversity=0')).items);
    expect(before.every((id) => id.startsWith('r'))).toBe(true);
    await send('u', [{ type: 'view', productId: 'b3' }, { type: 'add_to_cart', productId: 'b4' }]).expect(200);
    const after = (await recs('u', 'limit=10&diversity=0')).items;
    expect(ids(after).filter((id) => id.startsWith('b')).length).toBeGreaterThanOrEqual(3);
    // Picks from the history interest still cite a followed creator's post.
    expect(after.every((i) => i.inspiredBy?.postId.startsWith('c-red-'))).toBe(true);
  });

  it('events on their own do not personalise a shopper who follows nobody eligible', async () => {
    await addShopper(t.w, 'lone', [], [grant('personalization')]);
    await send('lone', [{ type: 'purchase', productId: 'b3' }]).expect(200);
    const res = await recs('lone');
    expect(res.personalized).toBe(false);
  });
});
