/**
 * The caches the computed path added (per-creator interest parts shared by all followers, and the
 * candidate lists per interest) never outlive what they were built from: every catalog write,
 * post change, opt-out, creator removal, consent withdrawal and erasure applies to the very next
 * request, through the same commands as everything else.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { RecommendQuery } from '../../src/core/schemas.js';
import { addShopper, buildWorld, grant, post, product, vec, type TestWorld } from './world.js';

const q = (extra: Record<string, unknown> = {}) => RecommendQuery.parse({ limit: 10, diversity: 0, ...extra });
const ids = (r: { items: Array<{ product: { id: string } }> }) => r.items.map((i) => i.product.id);

describe('candidate lists and creator parts stay fresh', () => {
  let w: TestWorld;
  beforeEach(async () => {
    w = await buildWorld();
    await addShopper(w, 'u1', ['c-red'], [grant('personalization')]);
    await addShopper(w, 'u2', ['c-red', 'c-blue'], [grant('personalization'), grant('health')]);
    await w.core.recommend('u1', q());
    await w.core.recommend('u2', q());
  });

  it('two followers of a creator share one interest, so its list is computed once', async () => {
    const parts = w.core.state.creators.size;
    const lists = w.core.state.lists.size;
    await addShopper(w, 'u3', ['c-red'], [grant('personalization')]);
    await w.core.recommend('u3', q());
    expect(w.core.state.creators.size).toBe(parts);
    expect(w.core.state.lists.size).toBe(lists);
  });

  it('a new product that matches best is first in the very next list, without rebuilding the list', async () => {
    const lists = w.core.state.lists.size;
    await w.addProduct(product('r-best', 'dress', 15), vec('red', 0));
    expect(ids(await w.core.recommend('u1', q()))[0]).toBe('r-best');
    expect(w.core.state.lists.size).toBe(lists);
  });

  it('a product that moves out of (or into) a filter leaves (or joins) the filtered list at once', async () => {
    const bags = async () => ids(await w.core.recommend('u1', q({ category: 'bag', limit: 30 })));
    expect(await bags()).toContain('r1');
    await w.addProduct(product('r1', 'dress', 20), vec('red', 0.1, 1));
    expect(await bags()).not.toContain('r1');
    await w.addProduct(product('r0', 'bag', 10), vec('red', 0.05, 0));
    expect(await bags()).toContain('r0');
    const cheap = ids(await w.core.recommend('u1', q({ maxPrice: 25 })));
    expect(cheap).not.toContain('r0'.replace('0', '2')); // r2 costs 30
    await w.addProduct(product('r2', 'dress', 25), vec('red', 0.15, 2));
    expect(ids(await w.core.recommend('u1', q({ maxPrice: 25 })))).toContain('r2');
  });

  it('a deleted product is gone from every list at once, filtered or not', async () => {
    const top = ids(await w.core.recommend('u1', q()))[0]!;
    await w.core.recommend('u1', q({ category: 'dress' }));
    await w.commands.removeProduct(top);
    expect(ids(await w.core.recommend('u1', q({ limit: 100 })))).not.toContain(top);
    expect(ids(await w.core.recommend('u1', q({ limit: 100, category: 'dress' })))).not.toContain(top);
  });

  it('a styleSource opt-out drops the creator for every follower on the next request, and their lists', async () => {
    await w.commands.setCreatorOptIns('c-red', { styleSource: false });
    expect(w.core.state.creators.get('c-red', false)).toBeUndefined();
    expect(w.core.state.creators.get('c-red', true)).toBeUndefined();
    const u1 = await w.core.recommend('u1', q());
    expect(u1.personalized).toBe(false);
    const u2 = await w.core.recommend('u2', q({ limit: 20 }));
    expect(u2.items.every((i) => i.inspiredBy?.creatorId === 'c-blue')).toBe(true);
  });

  it('an affiliate opt-out stops crediting the creator from the next list, and opting back in credits again', async () => {
    // The creator's link code is kept with the shared part; the opt-in decides, fresh, whether it is used.
    const credited = async () => (await w.core.recommend('u1', q())).items.filter((i) => i.disclosure.includes('@c-red')).length;
    expect(await credited()).toBeGreaterThan(0);
    await w.commands.setCreatorOptIns('c-red', { affiliate: false });
    expect(await credited()).toBe(0);
    await w.commands.setCreatorOptIns('c-red', { affiliate: true });
    expect(await credited()).toBeGreaterThan(0);
  });

  it('a product rewritten with a new vector is ranked and explained by its new vector on the next request', async () => {
    // Remembered similarities and inspirations are per row generation: r0 turning blue must cite c-blue at once.
    const r0 = async () => (await w.core.recommend('u2', q({ limit: 40 }))).items.find((i) => i.product.id === 'r0');
    expect((await r0())?.inspiredBy?.creatorId).toBe('c-red');
    await w.addProduct(product('r0', 'dress', 10), vec('blue', 0.001, 1));
    const now = await r0();
    expect(now?.inspiredBy?.creatorId).toBe('c-blue');
    expect(now?.inspiredBy?.similarity).toBeGreaterThan(0.9);
  });

  it('a removed creator is never cited again, and a removed post never inspires a pick', async () => {
    const cited = (await w.core.recommend('u2', q({ limit: 30 }))).items.map((i) => i.inspiredBy?.postId);
    expect(cited).toContain('c-red-p0');
    await w.commands.removePost('c-red', 'c-red-p0');
    expect((await w.core.recommend('u2', q({ limit: 30 }))).items.map((i) => i.inspiredBy?.postId)).not.toContain('c-red-p0');
    await w.commands.removeCreator('c-red');
    const after = await w.core.recommend('u2', q({ limit: 30 }));
    expect(after.items.every((i) => i.inspiredBy?.creatorId === 'c-blue')).toBe(true);
    expect((await w.core.recommend('u1', q())).personalized).toBe(false);
  });

  it('a new post moves the creator’s interest for every follower at once', async () => {
    // Many green posts make c-red's centroid lean green: green products must now appear.
    await w.addPosts('c-red', Array.from({ length: 12 }, (_, j) => ({ post: post(`c-red-g${j}`, 'c-red', 0), vector: vec('green', 0.01, j) })));
    expect(ids(await w.core.recommend('u1', q({ limit: 5 }))).some((id) => id.startsWith('g'))).toBe(true);
  });

  it('a health withdrawal takes health products and posts out of the very next list', async () => {
    await w.addPosts('c-red', [{ post: post('c-red-health', 'c-red', 0, { categories: ['supplements'] }), vector: vec('red', 0.001) }]);
    const withHealth = await w.core.recommend('u2', q({ limit: 31 }));
    expect(ids(withHealth)).toContain('h0');
    expect(withHealth.items.map((i) => i.inspiredBy?.postId)).toContain('c-red-health');
    await w.commands.appendConsents('u2', [{ purpose: 'health', granted: false }]);
    const without = await w.core.recommend('u2', q({ limit: 31 }));
    expect(ids(without)).not.toContain('h0');
    expect(without.items.map((i) => i.inspiredBy?.postId)).not.toContain('c-red-health');
  });

  it('a personalization withdrawal and an erasure apply to the very next request; other followers keep their lists', async () => {
    await w.commands.appendConsents('u1', [{ purpose: 'personalization', granted: false }]);
    expect((await w.core.recommend('u1', q())).personalized).toBe(false);
    await w.commands.eraseShopper('u2');
    await expect(w.core.recommend('u2', q())).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await addShopper(w, 'u4', ['c-red'], [grant('personalization')]);
    expect((await w.core.recommend('u4', q())).personalized).toBe(true);
  });

  describe('the followed creators\' rows, kept with their parts', () => {
    const countReads = () => {
      const store = w.store;
      const read = store.getCreators.bind(store);
      let reads = 0;
      store.getCreators = async (ids) => (reads++, read(ids));
      return { reads: () => reads, wrap: (during: () => Promise<unknown>) => {
        store.getCreators = async (ids) => {
          reads++;
          const rows = await read(ids);
          await during(); // a write that lands after the read, before its rows are kept
          return rows;
        };
      } };
    };

    it('a computed list does not read them again', async () => {
      const c = countReads();
      await w.core.recommend('u2', q({ diversity: 0.5 }));
      expect(c.reads()).toBe(0);
    });

    it('an opt-out drops them at once, so the next list reads the creator afresh', async () => {
      const c = countReads();
      await w.commands.setCreatorOptIns('c-red', { styleSource: false });
      const after = await w.core.recommend('u2', q());
      expect(c.reads()).toBe(1);
      expect(after.items.every((i) => i.inspiredBy?.creatorId === 'c-blue')).toBe(true);
    });

    it('rows read across an opt-out are not kept: the list after it sees the opt-out', async () => {
      await w.commands.setCreatorOptIns('c-blue', { styleSource: true }); // drops what u2's lists kept
      const c = countReads();
      let once = false;
      c.wrap(async () => {
        if (!once) (once = true), await w.commands.setCreatorOptIns('c-red', { styleSource: false });
      });
      await w.core.recommend('u2', q()); // read before the opt-out: may still use c-red
      const after = await w.core.recommend('u2', q());
      expect(after.items.every((i) => i.inspiredBy?.creatorId === 'c-blue')).toBe(true);
      expect(c.reads()).toBe(2);
    });
  });

  // The rank worker reads rows while the event loop goes on (rank/ranker.ts): whatever a write
  // changes in that window must not reach the list. These force every pool to the worker and
  // make the write land exactly while it ranks.
  describe('a write that lands while the rank worker ranks', () => {
    const duringRank = (write: () => Promise<unknown>) => {
      const ranker = w.core.state.ranker;
      const rank = ranker.rank.bind(ranker);
      let ranks = 0;
      ranker.offloads = () => true;
      ranker.rank = async (request) => {
        const picks = await rank(request);
        if (ranks++ === 0) await write();
        return picks;
      };
      return () => ranks;
    };

    it('a product deleted meanwhile is not served: the list is made afresh', async () => {
      const top = ids(await w.core.recommend('u1', q()))[0]!;
      const ranks = duringRank(() => w.commands.removeProduct(top));
      const list = ids(await w.core.recommend('u1', q()));
      expect(ranks()).toBe(1);
      expect(list).not.toContain(top);
      expect(list).toEqual(ids(await w.core.recommend('u1', q())));
    });

    it('a product rewritten meanwhile is ranked by its new vector', async () => {
      const before = ids(await w.core.recommend('u1', q()));
      const second = before[1]!;
      // Now the best match for the red look: it must lead the list that was being ranked.
      const ranks = duringRank(() => w.addProduct(product(second, 'dress', 15), vec('red', 0)));
      const list = ids(await w.core.recommend('u1', q()));
      expect(ranks()).toBe(1);
      expect(list[0]).toBe(second);
      expect(list).toEqual(ids(await w.core.recommend('u1', q())));
    });
  });
});
