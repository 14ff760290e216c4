/**
 * `ProductTable.share`: the estimate search hands the HNSW index instead of letting it sample
 * through the product predicate (a catalog lookup per sampled id).
 */
import { describe, expect, it } from 'vitest';
import type { Product } from '../../src/domain/index.js';
import { ProductTable } from '../../src/retrieve/product-table.js';
import { UNRESTRICTED } from '../../src/retrieve/scan.js';

const DIM = 4;
const CATEGORIES = ['dress', 'bag', 'hat', 'scarf'];

function product(i: number): Product {
  return {
    id: `p${i}`, title: `p${i}`, description: '', brand: 'b', currency: 'EUR', url: 'https://x.example', network: 'utm', image: 'x',
    category: CATEGORIES[i % 4]!, merchant: i % 5 === 0 ? 'm2' : 'm1', price: i % 100, ...(i % 10 === 3 ? { sensitive: 'health' as const } : {}),
  } as Product;
}

function table(n: number) {
  const t = new ProductTable(DIM, 16);
  for (let i = 0; i < n; i++) t.upsert(product(i), Float32Array.from({ length: DIM }, (_, d) => (d === i % DIM ? 1 : 0)));
  return t;
}

describe('ProductTable.share', () => {
  it('is exact when the table is no larger than the sample', () => {
    const t = table(200);
    const codes = t.codesOf({ category: 'bag', merchant: 'm2' });
    expect(t.share(UNRESTRICTED)).toBe(1);
    expect(t.share({ ...UNRESTRICTED, allowSensitive: false })).toBe(0.9); // i % 10 === 3 is health
    expect(t.share({ ...UNRESTRICTED, category: codes.category })).toBe(0.25);
    expect(t.share({ ...UNRESTRICTED, merchant: codes.merchant })).toBe(0.2);
    expect(t.share({ ...UNRESTRICTED, minPrice: 10, maxPrice: 19 })).toBe(0.1);
    expect(t.share({ ...UNRESTRICTED, category: codes.category, merchant: codes.merchant })).toBe(0.05);
  });

  it('counts only live rows: removed products neither pass nor count', () => {
    const t = table(100);
    for (let i = 0; i < 100; i += 2) t.remove(`p${i}`); // every dress and hat: only bags and scarves live
    const bag = t.codesOf({ category: 'bag' }).category;
    expect(t.share({ ...UNRESTRICTED, category: bag })).toBe(0.5);
    for (let i = 1; i < 100; i += 2) t.remove(`p${i}`);
    expect(t.share({ ...UNRESTRICTED, category: bag })).toBe(1); // nothing live: no estimate, never 0/0
  });

  it('estimates from an even sample on a large table', () => {
    const t = table(20_000);
    const hat = t.codesOf({ category: 'hat' }).category;
    expect(t.share({ ...UNRESTRICTED, allowSensitive: false })).toBeCloseTo(0.9, 1);
    expect(t.share({ ...UNRESTRICTED, category: hat })).toBeCloseTo(0.25, 1);
    expect(t.share({ ...UNRESTRICTED, category: hat }, 4_000)).toBeCloseTo(0.25, 2);
  });
});
