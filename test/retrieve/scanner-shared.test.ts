/**
 * Identical scans share one answer only until the table next changes (src/retrieve/scanner.ts):
 * a repeat with no write in between gets the very same answer, and after any write (a new best
 * product, a removal, a changed price) the next scan is a new one that sees it, also when the
 * write lands while the shared scan is still running.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Product } from '../../src/domain/index.js';
import { normalise } from '../../src/embed/vectors.js';
import { ProductTable } from '../../src/retrieve/product-table.js';
import { UNRESTRICTED } from '../../src/retrieve/scan.js';
import { Scanner } from '../../src/retrieve/scanner.js';
import { createRng } from '../../tools/world/prng.js';

const DIM = 8;
const scanners: Scanner[] = [];
afterEach(async () => {
  for (const s of scanners.splice(0)) await s.close();
});

function setup(n = 3000) {
  const { next: r } = createRng(11);
  const table = new ProductTable(DIM, 64);
  const product = (id: string, extra: Partial<Product> = {}) =>
    ({ id, title: id, description: '', brand: 'b', currency: 'EUR', url: 'https://x.example', network: 'utm', image: 'x', category: 'dress', merchant: 'm1', price: 50, ...extra }) as Product;
  for (let i = 0; i < n; i++) table.upsert(product(`p${i}`, { price: 10 + (i % 90) }), normalise(Float32Array.from({ length: DIM }, () => r() - 0.4)));
  // Always the worker: identical scans are shared there (an inline scan is cheaper than the lookup).
  const scanner = new Scanner(table, { inlineMaxWork: 0 });
  scanners.push(scanner);
  const query = normalise(Float32Array.from({ length: DIM }, () => r() - 0.4));
  return { table, scanner, query, product };
}

const ids = (table: ProductTable, rows: Int32Array) => [...rows].map((row) => table.idAt(row));

describe('scans shared until the next write', () => {
  it('the same scan asked for again gets the same answer; another query, restriction or depth does not', async () => {
    const { scanner, query } = setup();
    const first = scanner.scan(query, UNRESTRICTED, 50);
    expect(scanner.scan(query, UNRESTRICTED, 50)).toBe(first); // while it runs
    const answer = await first;
    expect(await scanner.scan(Float32Array.from(query), UNRESTRICTED, 50)).toBe(answer); // after, an equal query
    expect(await scanner.scan(query, UNRESTRICTED, 51)).not.toBe(answer);
    expect(await scanner.scan(query, { ...UNRESTRICTED, maxPrice: 40 }, 50)).not.toBe(answer);
    expect(await scanner.scan(query.map((x, i) => (i === 0 ? x + 1e-3 : x)), UNRESTRICTED, 50)).not.toBe(answer);
  });

  it('a product written after a scan, better than all, is in the next one; a removed one is not', async () => {
    const { table, scanner, query, product } = setup();
    const before = await scanner.scan(query, UNRESTRICTED, 20);
    table.upsert(product('best'), query);
    const after = await scanner.scan(query, UNRESTRICTED, 20);
    expect(after).not.toBe(before);
    expect(ids(table, after.rows)[0]).toBe('best');
    table.remove('best');
    expect(ids(table, (await scanner.scan(query, UNRESTRICTED, 20)).rows)).not.toContain('best');
    // A price moved out of the restriction: no longer under maxPrice 40.
    const cheap = await scanner.scan(query, { ...UNRESTRICTED, maxPrice: 40 }, 20);
    const top = ids(table, cheap.rows)[0]!;
    table.upsert(product(top, { price: 99 }), Float32Array.from(table.vectorAt(table.rowOf(top)!)));
    expect(ids(table, (await scanner.scan(query, { ...UNRESTRICTED, maxPrice: 40 }, 20)).rows)).not.toContain(top);
  });

  it('a write while the shared scan runs: later callers get a new scan that sees it', async () => {
    const { table, scanner, query, product } = setup();
    const running = scanner.scan(query, UNRESTRICTED, 20);
    table.upsert(product('best'), query); // before the running scan has answered
    const later = scanner.scan(query, UNRESTRICTED, 20);
    expect(later).not.toBe(running);
    expect(ids(table, (await later).rows)[0]).toBe('best');
    await running;
  });
});
