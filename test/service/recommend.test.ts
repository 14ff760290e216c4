import { beforeEach, describe, expect, it } from 'vitest';
import { RecommendQuery } from '../../src/core/schemas.js';
import { addShopper, buildWorld, grant, post, vec, vectorImage, MODEL, type TestWorld } from './world.js';
import type { Store } from '../../src/store/types.js';

const q = (extra: Record<string, unknown> = {}) => RecommendQuery.parse(extra);
const looks = (ids: string[]) => ids.map((id) => id[0]);

describe('recommend', () => {
  let w: TestWorld;
  beforeEach(async () => {
    w = await buildWorld();
  });

  it('recommends the followed style and cites a followed style-source creator', async () => {
    await addShopper(w, 'u1', ['c-red'], [grant('personalization')]);
    const res = await w.core.recommend('u1', q({ limit: 5, diversity: 0 }));
    expect(res.personalized).toBe(true);
    expect(res.reason).toBeNull();
    expect(res.items).toHaveLength(5);
    expect(looks(res.items.map((i) => i.product.id))).toEqual(['r', 'r', 'r', 'r', 'r']);
    for (const item of res.items) {
      expect(item.inspiredBy?.creatorId).toBe('c-red');
      expect(item.inspiredBy?.postId).toMatch(/^c-red-p/);
      expect(item.inspiredBy!.similarity).toBeGreaterThan(0.9);
      expect(item.product.imageUrl).toBe(`/media/products/${item.product.id}`);
    }
    expect(res.consent).toEqual({ applied: ['personalization'], personalization: true, clickTracking: false, health: false, minor: false });
    expect(res.parameters).toMatch(/creators you follow/);
  });

  it('never uses or cites a creator without styleSource', async () => {
    await addShopper(w, 'u1', ['c-red', 'c-green'], [grant('personalization')]);
    const res = await w.core.recommend('u1', q({ limit: 30 }));
    expect(res.items.map((i) => i.inspiredBy?.creatorId)).not.toContain('c-green');
    // Only c-red shapes the profile: the 10 red products rank above everything else.
    expect(looks(res.items.slice(0, 10).map((i) => i.product.id))).toEqual(Array(10).fill('r'));
    await addShopper(w, 'u2', ['c-green'], [grant('personalization')]);
    const only = await w.core.recommend('u2', q());
    expect(only.personalized).toBe(false);
    expect(only.reason).toMatch(/do not follow any creator/);
    expect(only.items.every((i) => i.inspiredBy === null)).toBe(true);
  });

  it('serves a non-personalised list with the reason when personalization is not granted', async () => {
    await addShopper(w, 'u1', ['c-red'], []);
    const res = await w.core.recommend('u1', q({ limit: 50 }));
    expect(res.personalized).toBe(false);
    expect(res.reason).toMatch(/not turned them on/);
    expect(res.items.length).toBe(30); // everything but the health item
    expect(res.items.some((i) => i.product.id === 'h0')).toBe(false);
    expect(res.items.every((i) => i.inspiredBy === null && /^\/r\/k0\.[\w-]+\.[\w-]+$/.test(i.affiliateUrl))).toBe(true);
    expect(res.parameters).toMatch(/not based on your data/);
  });

  it('puts most-clicked products first in the non-personalised list', async () => {
    await addShopper(w, 'u1', [], []);
    for (let i = 0; i < 3; i++) await w.store.recordClick({ at: NOW_ISO, productId: 'b7', merchant: 'm', network: 'utm', creatorCode: null, userRef: null });
    await w.store.recordClick({ at: NOW_ISO, productId: 'g3', merchant: 'm', network: 'utm', creatorCode: null, userRef: null });
    const res = await w.core.recommend('u1', q({ limit: 4 }));
    expect(res.items.map((i) => i.product.id).slice(0, 2)).toEqual(['b7', 'g3']);
    expect(res.items[0]!.score).toBeCloseTo(0.75);
  });

  it('leaves health products and posts out unless health is explicitly granted', async () => {
    await w.addPosts('c-red', [{ post: post('c-red-health', 'c-red', 0, { categories: ['supplements'] }), vector: vec('red', 0.001) }]);
    await addShopper(w, 'u1', ['c-red'], [grant('personalization')]);
    const without = await w.core.recommend('u1', q({ limit: 31, diversity: 0 }));
    expect(without.items.map((i) => i.product.id)).not.toContain('h0');
    expect(without.items.map((i) => i.inspiredBy?.postId)).not.toContain('c-red-health');
    await w.commands.appendConsents('u1', [{ purpose: 'health', granted: true }]);
    const withHealth = await w.core.recommend('u1', q({ limit: 31, diversity: 0 }));
    expect(withHealth.consent.health).toBe(true);
    expect(withHealth.items[0]!.product.id).toBe('h0');
    expect(withHealth.items[0]!.inspiredBy?.postId).toBe('c-red-health');
  });

  it('never profiles a minor, whatever they granted', async () => {
    await addShopper(w, 'kid', ['c-red'], [grant('personalization'), grant('health')], '13-15');
    const res = await w.core.recommend('kid', q({ limit: 50 }));
    expect(res.personalized).toBe(false);
    expect(res.consent.minor).toBe(true);
    expect(res.items.some((i) => i.product.id === 'h0')).toBe(false);
  });

  it('applies a withdrawal on the very next request', async () => {
    await addShopper(w, 'u1', ['c-red'], [grant('personalization')]);
    expect((await w.core.recommend('u1', q())).personalized).toBe(true);
    await w.commands.appendConsents('u1', [{ purpose: 'personalization', granted: false }]);
    const after = await w.core.recommend('u1', q());
    expect(after.personalized).toBe(false);
    expect(after.items.every((i) => i.inspiredBy === null)).toBe(true);
  });

  it('rebuilds the profile after a follow change (through the command, and even behind its back)', async () => {
    await addShopper(w, 'u1', ['c-red'], [grant('personalization')]);
    expect(looks((await w.core.recommend('u1', q({ limit: 3 }))).items.map((i) => i.product.id))).toEqual(['r', 'r', 'r']);
    await w.commands.setFollows('u1', ['c-blue']);
    const blue = await w.core.recommend('u1', q({ limit: 3 }));
    expect(looks(blue.items.map((i) => i.product.id))).toEqual(['b', 'b', 'b']);
    expect(blue.items[0]!.inspiredBy?.creatorId).toBe('c-blue');
    await w.store.setFollows('u1', ['c-red']); // straight into the store, no command: the cache key still sees the change
    expect(looks((await w.core.recommend('u1', q({ limit: 3 }))).items.map((i) => i.product.id))).toEqual(['r', 'r', 'r']);
  });

  it('drops a creator from profiles at once when they revoke styleSource', async () => {
    await addShopper(w, 'u1', ['c-red', 'c-blue'], [grant('personalization')]);
    const before = await w.core.recommend('u1', q({ limit: 20 }));
    expect(new Set(before.items.map((i) => i.inspiredBy?.creatorId))).toEqual(new Set(['c-red', 'c-blue']));
    await w.commands.setCreatorOptIns('c-red', { styleSource: false });
    const after = await w.core.recommend('u1', q({ limit: 20 }));
    expect(after.items.every((i) => i.inspiredBy?.creatorId === 'c-blue')).toBe(true);
  });

  it('sees a creator’s new posts at once', async () => {
    await addShopper(w, 'u1', ['c-blue'], [grant('personalization')]);
    await w.core.recommend('u1', q());
    await w.addPosts('c-blue', [{ post: post('c-blue-new', 'c-blue', 0), vector: vec('green', 0) }]);
    const res = await w.core.recommend('u1', q({ limit: 30 }));
    expect(res.items.some((i) => i.inspiredBy?.postId === 'c-blue-new')).toBe(true);
  });

  it('returns what exists when limit exceeds the catalog, and honours filters', async () => {
    await addShopper(w, 'u1', ['c-red', 'c-blue'], [grant('personalization')]);
    const all = await w.core.recommend('u1', q({ limit: 100 }));
    expect(all.items.length).toBe(30);
    expect(new Set(all.items.map((i) => i.product.id)).size).toBe(30);
    expect(all.items.map((i) => i.rank)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    const bags = await w.core.recommend('u1', q({ limit: 100, category: 'bag', minPrice: 20, maxPrice: 60 }));
    expect(bags.items.length).toBeGreaterThan(0);
    for (const i of bags.items) {
      expect(i.product.category).toBe('bag');
      expect(i.product.price).toBeGreaterThanOrEqual(20);
      expect(i.product.price).toBeLessThanOrEqual(60);
    }
  });

  it('never returns a deleted product', async () => {
    await addShopper(w, 'u1', ['c-red'], [grant('personalization')]);
    const top = (await w.core.recommend('u1', q({ limit: 1, diversity: 0 }))).items[0]!.product.id;
    await w.commands.removeProduct(top);
    const after = await w.core.recommend('u1', q({ limit: 100 }));
    expect(after.items.map((i) => i.product.id)).not.toContain(top);
    const found = await w.core.search({ text: 'red', limit: 100 });
    expect(found.items.map((i) => i.product.id)).not.toContain(top);
  });

  it('drops products the shopper already clicked, only with clickTracking', async () => {
    await addShopper(w, 'u1', ['c-red'], [grant('personalization'), grant('clickTracking')]);
    const first = (await w.core.recommend('u1', q({ limit: 1, diversity: 0 }))).items[0]!;
    await w.commands.followLink(first.affiliateUrl.slice('/r/'.length), { count: true });
    expect((await w.store.listClicks())[0]!.userRef).toBe(await w.store.linkRefOf('u1'));
    const after = await w.core.recommend('u1', q({ limit: 30 }));
    expect(after.items.map((i) => i.product.id)).not.toContain(first.product.id);
  });

  it('404s an unknown shopper', async () => {
    await expect(w.core.recommend('nobody', q())).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('diversity trades relevance for variety across interests', async () => {
    // Add products that sit between red and blue, so a pure-relevance list is all one kind.
    await addShopper(w, 'u1', ['c-red', 'c-blue'], [grant('personalization')]);
    const focused = await w.core.recommend('u1', q({ limit: 6, diversity: 0 }));
    const varied = await w.core.recommend('u1', q({ limit: 6, diversity: 0.9 }));
    const scores = focused.items.map((i) => i.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    const meanSim = async (ids: string[]) => {
      const v = await w.store.getVectors('product', ids, MODEL);
      let s = 0, n = 0;
      for (let i = 0; i < ids.length; i++) for (let j = i + 1; j < ids.length; j++) {
        const a = v.get(ids[i]!)!, b = v.get(ids[j]!)!;
        s += a.reduce((acc, x, k) => acc + x * b[k]!, 0); n++;
      }
      return s / n;
    };
    expect(await meanSim(varied.items.map((i) => i.product.id))).toBeLessThan(await meanSim(focused.items.map((i) => i.product.id)));
  });
});

describe('search and similar', () => {
  let w: TestWorld;
  beforeEach(async () => {
    w = await buildWorld();
  });

  /** The store methods one call of `fn` runs, in order (every method of the store, spied). */
  async function storeCalls(fn: () => Promise<unknown>): Promise<string[]> {
    const calls: string[] = [];
    const store = w.store as unknown as Record<string, unknown>;
    const originals = Object.entries(store).filter(([, f]) => typeof f === 'function') as Array<[string, (...a: unknown[]) => unknown]>;
    for (const [name, f] of originals) store[name] = (...a: unknown[]) => (calls.push(name), f(...a));
    try {
      await fn();
    } finally {
      for (const [name, f] of originals) store[name] = f;
    }
    return calls.sort();
  }

  it('reads the shopper, ledger, follows and pseudonym in one store call; clicks and feedback only as consent allows', async () => {
    // Each store call is at least one round trip on PostgreSQL: a computed list (profile parts and
    // the followed creators' rows cached) costs one read set, then one call for clicks and feedback.
    const activity: Array<Parameters<Store['shopperActivity']>[1]> = [];
    const read = w.store.shopperActivity.bind(w.store);
    w.store.shopperActivity = (userId, o) => (activity.push(o), read(userId, o));
    await addShopper(w, 'all', ['c-red'], [grant('personalization'), grant('clickTracking')]);
    await w.core.recommend('all', q());
    activity.length = 0;
    expect(await storeCalls(() => w.core.recommend('all', q()))).toEqual(['shopperActivity', 'shopperReadSet']);
    expect(activity).toEqual([{ userRef: expect.any(String), feedback: true }]);
    // No click tracking: the pseudonym comes with the read set but no click is read.
    await addShopper(w, 'p', ['c-red'], [grant('personalization')]);
    await w.core.recommend('p', q());
    activity.length = 0;
    expect(await storeCalls(() => w.core.recommend('p', q()))).toEqual(['shopperActivity', 'shopperReadSet']);
    expect(activity).toEqual([{ userRef: null, feedback: true }]);
    // No personalization: no feedback events, follows or creators are read (popular list: the click report).
    await addShopper(w, 'none', ['c-red'], [grant('clickTracking')]);
    activity.length = 0;
    expect(await storeCalls(() => w.core.recommend('none', q()))).toEqual(['clickReport', 'shopperActivity', 'shopperReadSet']);
    expect(activity).toEqual([{ userRef: expect.any(String), feedback: false }]);
    // Neither: nothing about the shopper beyond the read set.
    await addShopper(w, 'nothing', ['c-red'], []);
    expect(await storeCalls(() => w.core.recommend('nothing', q()))).toEqual(['clickReport', 'shopperReadSet']);
    w.store.shopperActivity = read;
  });

  it('finds products by text, within filters, never health', async () => {
    const res = await w.core.search({ text: 'something red', limit: 5, filters: { category: ['dress'] } });
    expect(res.items).toHaveLength(5);
    expect(res.items.every((i) => i.product.id.startsWith('r') && i.product.category === 'dress')).toBe(true);
    expect(res.items.every((i) => i.affiliateUrl.startsWith('/r/') && i.disclosure.startsWith('Paid link'))).toBe(true);
  });

  it('fuses text and image queries', async () => {
    const res = await w.core.search({ text: 'red', image: await vectorImage(vec('blue', 0.05)), limit: 20 });
    const kinds = new Set(looks(res.items.slice(0, 10).map((i) => i.product.id)));
    expect(kinds).toEqual(new Set(['r', 'b'])); // the image is blue, the text red
  });

  it('rejects an image URL whose host is not allowlisted, and world-escaping paths', async () => {
    await expect(w.core.search({ image: 'https://evil.example/x.png', limit: 5 })).rejects.toMatchObject({ code: 'IMAGE_HOST_NOT_ALLOWED' });
    await expect(w.core.search({ image: '../../etc/passwd', limit: 5 })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it('similar excludes the product itself and 404s unknown ids', async () => {
    const res = await w.core.similar('b3', 5);
    expect(res.items).toHaveLength(5);
    expect(res.items.map((i) => i.product.id)).not.toContain('b3');
    expect(looks(res.items.map((i) => i.product.id))).toEqual(['b', 'b', 'b', 'b', 'b']);
    await expect(w.core.similar('nope', 5)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

const NOW_ISO = '2026-05-30T00:00:00.000Z';
