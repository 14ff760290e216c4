/**
 * What "erasure leaves no readable trace in the files" costs the SQLite store: secure_delete
 * (freed content overwritten with zeros) on every write, and a TRUNCATE checkpoint after every
 * erasure. Prints write rates (10k products with 512-d vectors, 1,000 per transaction: insert,
 * update, then 2,000 single deletes) and the median erasure time of 50 shoppers with 5 consent
 * events each, a 20-product batch written before each so the WAL has pages to checkpoint.
 *
 *   npm run bench:erasure
 *
 * For a comparison without the guarantee, run it on a copy of src/ with `secure_delete = OFF` and
 * the checkpoint in `eraseUser` removed (the numbers in the issue 14 report were made that way).
 * Timings depend on machine load; compare runs on the same machine only.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConsentPurpose } from '../src/domain/index.js';
import { openSqliteStore } from '../src/store/sqlite-store.js';
import { product } from '../test/store/fixtures.js';

const N = 10_000, DIM = 512, SHOPPERS = 50;
let seed = 7;
const rnd = () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 0xffffffff) - 0.5;
const vec = () => Float32Array.from({ length: DIM }, rnd);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const perS = (n: number, t0: number) => Math.round(n / ((performance.now() - t0) / 1000));

const dir = mkdtempSync(join(tmpdir(), 'bench-erasure-'));
const store = openSqliteStore({ path: join(dir, 'store.db') });
const ids = Array.from({ length: N }, (_, i) => `p${i}`);
const batches = (fn: (id: string) => ReturnType<typeof product>) => Array.from({ length: N / 1000 }, (_, b) => ids.slice(b * 1000, (b + 1) * 1000).map((id) => ({ entity: fn(id), vector: vec() })));

let t = performance.now();
for (const batch of batches((id) => product(id))) await store.upsertProducts(batch, 'm');
const insertPerS = perS(N, t);
t = performance.now();
for (const batch of batches((id) => product(id, { title: `changed ${id}` }))) await store.upsertProducts(batch, 'm');
const updatePerS = perS(N, t);
t = performance.now();
for (let i = 0; i < 2000; i++) await store.deleteProduct(ids[i]!);
const deletePerS = perS(2000, t);

const purposes: ConsentPurpose[] = ['personalization', 'clickTracking', 'health', 'personalization', 'health'];
for (let u = 0; u < SHOPPERS; u++) {
  await store.upsertUser({ id: `u${u}`, displayName: `Shopper ${u}`, region: 'DE', ageBand: '25-34' });
  await store.appendConsents(`u${u}`, purposes.map((purpose, k) => ({ purpose, granted: k % 2 === 0, at: new Date(Date.UTC(2026, 0, 1 + k)).toISOString(), source: 'settings', policyVersion: 'v1' })));
}
const erase: number[] = [];
for (let u = 0; u < SHOPPERS; u++) {
  await store.upsertProducts(ids.slice(2000 + u * 20, 2020 + u * 20).map((id) => ({ entity: product(id), vector: vec() })), 'm');
  const t0 = performance.now();
  await store.eraseUser(`u${u}`);
  erase.push(performance.now() - t0);
}
await store.close();
rmSync(dir, { recursive: true, force: true });
console.log(JSON.stringify({ insertPerS, updatePerS, deletePerS, eraseMedianMs: Number(median(erase).toFixed(2)) }));
