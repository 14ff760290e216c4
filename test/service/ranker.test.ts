/**
 * The rank worker (rank/ranker.ts) picks exactly what the plain greedy MMR picks, inline or in the
 * worker, with and without a group cap; it follows the table into larger buffers; a failed worker
 * costs nothing but time (the ranks it held are redone inline).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { normalise } from '../../src/embed/vectors.js';
import { capPerGroup } from '../../src/rank/group-cap.js';
import type { RankRequest } from '../../src/rank/rank-rows.js';
import { Ranker } from '../../src/rank/ranker.js';
import { ProductTable } from '../../src/retrieve/product-table.js';
import { referenceMmr } from '../helpers/reference-ranking.js';
import { product } from './world.js';

const DIM = 8;
const rand = (seed: number) => () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32) * 2 - 1;
/** A group per product id (some in none), as groupBy would give. */
const groupOf = (id: string) => {
  const i = Number(id.slice(1));
  return i % 7 === 0 ? null : `g${i % 4}`;
};

/** Clusters of near-copies, exact duplicates and negative similarities, as in mmr.test.ts. */
function pool(seed: number, n: number, table: ProductTable, offset = 0) {
  const r = rand(seed);
  const centres = Array.from({ length: 5 }, () => Float32Array.from({ length: DIM }, r));
  return Array.from({ length: n }, (_, i) => {
    const c = centres[i % 5]!;
    const vector = i % 17 === 3 ? normalise(c) : normalise(Float32Array.from(c, (x) => x + 0.3 * r()));
    const id = `p${offset + i}`;
    table.upsert(product(id, 'dress', 10), vector);
    return { id, row: table.rowOf(id)!, relevance: i % 23 === 0 ? 0.5 : 0.4 + 0.5 * Math.abs(r()), vector };
  });
}

const request = (p: ReturnType<typeof pool>, k: number, lambda: number, cap?: number): RankRequest => {
  const codes = new Map<string, number>();
  const code = (g: string | null) => (g === null ? -1 : codes.get(g) ?? (codes.set(g, codes.size), codes.size - 1));
  return {
    rows: Int32Array.from(p, (c) => c.row), relevance: Float64Array.from(p, (c) => c.relevance),
    groups: cap ? Int32Array.from(p, (c) => code(groupOf(c.id))) : null, cap: cap ?? 0, k, lambda,
  };
};
const ids = (p: ReturnType<typeof pool>, picks: Int32Array) => Array.from(picks, (at) => p[at]!.id);

let ranker: Ranker | undefined;
afterEach(async () => {
  await ranker?.close();
  ranker = undefined;
});

describe('Ranker', () => {
  it.each([1, 2, 3])('inline and in the worker, the plain greedy MMR\'s picks (seed %i)', async (seed) => {
    const table = new ProductTable(DIM);
    const p = pool(seed, 120, table);
    ranker = new Ranker(table, { inlineMaxWork: 0 });
    expect(ranker.offloads(1)).toBe(true);
    for (const lambda of [0, 0.3, 0.7, 1]) {
      for (const k of [1, 20, 200]) {
        for (const cap of [undefined, 1, 3]) {
          const admit = cap ? capPerGroup((c: { id: string }) => groupOf(c.id), cap) : undefined;
          const expected = referenceMmr(p, { k, lambda, admit }).map((c) => c.id);
          const label = `lambda ${lambda}, k ${k}, cap ${cap}`;
          expect(ids(p, ranker.rankNow(request(p, k, lambda, cap))), label).toEqual(expected);
          expect(ids(p, await ranker.rank(request(p, k, lambda, cap))), label).toEqual(expected);
        }
      }
    }
  });

  it('reads the larger buffers after the table grows', async () => {
    const table = new ProductTable(DIM, 16);
    const first = pool(4, 10, table);
    ranker = new Ranker(table, { inlineMaxWork: 0 });
    expect(ids(first, await ranker.rank(request(first, 5, 0.7)))).toEqual(ids(first, ranker.rankNow(request(first, 5, 0.7))));
    const buffer = table.buffers().vectors;
    const more = pool(5, 300, table, 10); // rows far past the first buffers' capacity
    expect(table.buffers().vectors).not.toBe(buffer);
    const expected = referenceMmr(more, { k: 20, lambda: 0.7 }).map((c) => c.id);
    expect(ids(more, await ranker.rank(request(more, 20, 0.7)))).toEqual(expected);
  });

  it('a worker that dies mid-rank costs only time: the rank is redone inline', async () => {
    const table = new ProductTable(DIM);
    const p = pool(6, 80, table);
    ranker = new Ranker(table, { inlineMaxWork: 0 });
    await ranker.rank(request(p, 3, 0.5)); // the worker is up
    const pending = ranker.rank(request(p, 20, 0.7));
    await ranker.close();
    expect(ids(p, await pending)).toEqual(referenceMmr(p, { k: 20, lambda: 0.7 }).map((c) => c.id));
    // And the next rank starts a fresh worker.
    expect(ids(p, await ranker.rank(request(p, 20, 0.3)))).toEqual(referenceMmr(p, { k: 20, lambda: 0.3 }).map((c) => c.id));
  });

  it('small pools stay on the event loop by default, and every pool does on one core', () => {
    ranker = new Ranker(new ProductTable(128), { cores: 2 });
    expect(ranker.offloads(32)).toBe(false);
    expect(ranker.offloads(300)).toBe(true);
    expect(new Ranker(new ProductTable(128), { cores: 1 }).offloads(100_000)).toBe(false);
  });
});
