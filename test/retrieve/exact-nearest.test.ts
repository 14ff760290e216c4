/**
 * Search's exact fallback (src/retrieve/exact-nearest.ts) against brute force: in the worker thread
 * or inline, for loose and very selective filters (several deeper scans), a filter nothing passes,
 * and a scan that comes back stale (a product removed or changed while it ran).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Product } from '../../src/domain/index.js';
import { dot, normalise } from '../../src/embed/vectors.js';
import { exactNearest } from '../../src/retrieve/exact-nearest.js';
import { ProductTable } from '../../src/retrieve/product-table.js';
import { UNRESTRICTED, type Restriction, type ScanResult } from '../../src/retrieve/scan.js';
import { Scanner } from '../../src/retrieve/scanner.js';
import { createRng } from '../../tools/world/prng.js';

const DIM = 12;
const CATEGORIES = ['dress', 'bag', 'hat', 'scarf'];

function world(n: number, seed = 7) {
  const { next: r } = createRng(seed);
  const table = new ProductTable(DIM, 64);
  const products = new Map<string, { product: Product; vector: Float32Array }>();
  for (let i = 0; i < n; i++) {
    const id = `p${String(i).padStart(5, '0')}`;
    const product = {
      id, title: id, description: '', brand: i % 97 === 0 ? 'rare' : 'b', currency: 'EUR', url: 'https://x.example', network: 'utm', image: 'x',
      category: CATEGORIES[i % CATEGORIES.length]!, merchant: 'm1', price: Math.round(r() * 2000) / 10, ...(r() < 0.1 ? { sensitive: 'health' as const } : {}),
    } as Product;
    const vector = normalise(Float32Array.from({ length: DIM }, () => r() - 0.4));
    products.set(id, { product, vector });
    table.upsert(product, vector);
  }
  return { table, products, query: Float32Array.from({ length: DIM }, () => r() - 0.4) };
}

/** Exact filtered top k by cosine (score desc, id asc). */
function brute(products: Map<string, { product: Product; vector: Float32Array }>, query: Float32Array, k: number, keep: (p: Product) => boolean) {
  const q = normalise(query);
  return [...products.values()]
    .filter(({ product }) => keep(product))
    .map(({ product, vector }) => ({ id: product.id, score: dot(q, vector) }))
    .sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1))
    .slice(0, k);
}

const scanners: Scanner[] = [];
afterEach(async () => {
  await Promise.all(scanners.splice(0).map((s) => s.close()));
});

describe('exactNearest', () => {
  for (const where of ['worker', 'inline'] as const) {
    it(`equals brute force for loose, column and very selective filters (${where})`, async () => {
      const { table, products, query } = world(6000);
      const scanner = new Scanner(table, { inlineMaxWork: where === 'worker' ? 0 : Number.MAX_SAFE_INTEGER });
      scanners.push(scanner);
      const noHealth: Restriction = { ...UNRESTRICTED, allowSensitive: false };
      const cases: Array<[string, Restriction, (p: Product) => boolean]> = [
        ['no filter', UNRESTRICTED, () => true],
        ['no health items', noHealth, (p) => !p.sensitive],
        // A category through the table's column (the scan applies it).
        ['one category', { ...noHealth, category: table.codesOf({ category: 'hat' }).category }, (p) => !p.sensitive && p.category === 'hat'],
        // ~1% pass a predicate the columns cannot apply: 256 -> 4,096 -> 6,000 rows deep.
        ['a rare brand', noHealth, (p) => !p.sensitive && p.brand === 'rare'],
        ['nothing passes', noHealth, () => false],
      ];
      for (const [name, restriction, keep] of cases) {
        for (const k of [1, 10, 80]) {
          const got = await exactNearest(table, scanner, query, k, restriction, (id) => keep(products.get(id)!.product));
          const want = brute(products, query, k, (p) => keep(p) && (restriction.allowSensitive || !p.sensitive));
          expect(got.map((h) => h.id), `${name}, k=${k}`).toEqual(want.map((h) => h.id));
          for (let i = 0; i < got.length; i++) expect(got[i]!.score).toBeCloseTo(want[i]!.score, 6);
        }
      }
    });
  }

  it('answers from the rows as they are when the scan returns, not as the scan saw them', async () => {
    const { table, products, query } = world(500);
    const real = new Scanner(table, { inlineMaxWork: Number.MAX_SAFE_INTEGER });
    scanners.push(real);
    const before = await real.scan(normalise(query), UNRESTRICTED, 500);
    const best = brute(products, query, 3, () => true);
    // While the scan "ran": the best product is deleted, the second is moved far from the query.
    table.remove(best[0]!.id);
    products.delete(best[0]!.id);
    const moved = products.get(best[1]!.id)!;
    moved.vector = normalise(Float32Array.from(query, (x) => -x));
    table.upsert(moved.product, moved.vector);
    const stale = { scan: async (): Promise<ScanResult> => before } as unknown as Scanner;
    const got = await exactNearest(table, stale, query, 3, UNRESTRICTED, (id) => products.has(id));
    expect(got.map((h) => h.id)).not.toContain(best[0]!.id);
    expect(got.map((h) => h.id)).toEqual(brute(products, query, 3, () => true).map((h) => h.id));
  });

  it('returns nothing for k = 0, an empty table or a query of another dimension', async () => {
    const { table, query } = world(50);
    const scanner = new Scanner(table);
    scanners.push(scanner);
    expect(await exactNearest(table, scanner, query, 0, UNRESTRICTED, () => true)).toEqual([]);
    expect(await exactNearest(table, scanner, new Float32Array(DIM + 1), 5, UNRESTRICTED, () => true)).toEqual([]);
    const empty = new ProductTable(DIM, 16);
    expect(await exactNearest(empty, new Scanner(empty), query, 5, UNRESTRICTED, () => true)).toEqual([]);
  });
});
