/**
 * Search and similar never scan every product on the request thread: the HNSW graph answers where
 * it can (`searchGraph`), and where it cannot (a selective filter, a filtered walk that came back
 * short) the exact answer comes from the product table in the scan worker. At 1M × 512 the old
 * in-index scan held the event loop ~2.6 s per search (~90 s the first time). The answers must
 * equal the exact ones, health rules and example exclusions included.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { buildWorld, type TestWorld } from '../service/world.js';

let w: TestWorld;
beforeAll(async () => {
  w = await buildWorld();
});

const ids = (items: Array<{ product: { id: string } }>) => items.map((i) => i.product.id);

describe('search off the request thread', () => {
  it("never calls the index's scanning search, and selective filters still get the exact answer", async () => {
    const index = w.service.productIndex;
    const exact = (q: Float32Array, k: number, keep: (id: string) => boolean) => index.search(q, k, keep);
    const scanning = vi.spyOn(index, 'search');
    // 2 of 31 products are bags at most 30 EUR: far below the graph's 10% selectivity line.
    const res = await w.core.search({ text: 'red', limit: 5, filters: { category: ['bag'], maxPrice: 30 } });
    const sim = await w.core.similar('r0', 5, { category: ['bag'] });
    expect(scanning).not.toHaveBeenCalled();
    scanning.mockRestore();
    const bagsUpTo30 = ['r1', 'b1', 'g1']; // odd slots are bags, priced 10 + i * 10
    expect(ids(res.items).every((id) => bagsUpTo30.includes(id))).toBe(true);
    expect(ids(res.items).length).toBeGreaterThan(0);
    const q = await w.service.embedder.embedTexts(['red']);
    const want = exact(q[0]!, 5, (id) => bagsUpTo30.includes(id));
    expect(ids(res.items)).toEqual(want.map((h) => h.id));
    expect(sim.items.length).toBeGreaterThan(0);
    expect(ids(sim.items)).not.toContain('r0');
  });

  it('answers exactly from the scan worker when the graph cannot, without health items or examples', async () => {
    const index = w.service.productIndex;
    const q = (await w.service.embedder.embedTexts(['red']))[0]!;
    // The exact answer the old path gave (the index's own scan), computed before the graph is disabled.
    const want = index.search(q, 6, (id) => id !== 'h0').map((h) => h.id);
    const graph = vi.spyOn(index, 'searchGraph').mockReturnValue(null);
    try {
      const res = await w.core.search({ text: 'red', limit: 6, positive: [{ productId: 'r0' }], strategy: 'average_vector' });
      expect(graph).toHaveBeenCalled();
      expect(ids(res.items)).not.toContain('h0'); // health, and no shopper allowed it
      expect(ids(res.items)).not.toContain('r0'); // an example never comes back
      expect(ids(res.items)).toHaveLength(6);
      const plain = await w.core.search({ text: 'red', limit: 6 });
      expect(ids(plain.items)).toEqual(want);
    } finally {
      graph.mockRestore();
    }
  });

  it("hands the index the product table's share of passing products, except under a filter the table cannot count", async () => {
    const graph = vi.spyOn(w.service.productIndex, 'searchGraph');
    try {
      await w.core.search({ text: 'red', limit: 3 });
      const share = graph.mock.calls.at(-1)![3];
      expect(share).toBeGreaterThan(0);
      expect(share).toBeLessThan(1); // the health products are left out without a shopper
      await w.core.search({ text: 'red', limit: 3, filters: { brand: ['nobody-sells-this'] } });
      expect(graph.mock.calls.at(-1)![3]).toBeUndefined(); // brand is not a table column: the index estimates
    } finally {
      graph.mockRestore();
    }
  });
});
