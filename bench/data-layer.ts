/**
 * Data-layer benchmark (store, HNSW wrapper, ingest overhead, embedding off the event loop).
 *
 *   npm run bench:data -- [--n 10000] [--models-dir models --model-id style-clip-mini]
 *
 * 1. SQLite: vector writes/s (autocommit, WAL) and allVectors read time.
 * 2. HnswVectorIndex (512-d clustered vectors): rebuild rate, open from files, flush, and per-query
 *    latency + recall@10 against ExactIndex, unfiltered and under filters of 50/20/5/1% selectivity.
 * 3. Ingest overhead without a model (fake embedder): products/s first time and on re-ingest.
 * 4. With a real model folder: images/s and event-loop responsiveness (a 10 ms ticker) in-process
 *    vs in the worker pool. Skipped when the model folder is missing.
 * Timings depend on machine load; compare runs on the same machine only.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config.js';
import { ExactIndex } from '../src/index/exact-index.js';
import { HnswVectorIndex } from '../src/index/hnsw-index.js';
import { silentLogger } from '../src/log.js';
import { createService } from '../src/service.js';
import { openSqliteStore } from '../src/store/sqlite-store.js';
import { createFakeEmbedder, fakePng } from '../test/helpers/fake-embedder.js';
import { product } from '../test/store/fixtures.js';

/** The service's own HNSW settings (config holds the only defaults). */
const config = loadConfig({ LOG_LEVEL: 'silent' });
const hnsw = { m: config.HNSW_M, efConstruction: config.HNSW_EF_CONSTRUCTION, efSearch: config.HNSW_EF_SEARCH };

const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : def;
};
const N = Number(arg('n', '10000'));
const DIM = 512, Q = 200, K = 10;
const rate = (n: number, t0: number) => (n / ((performance.now() - t0) / 1000)).toFixed(0);

let seed = 7;
const rnd = () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 0xffffffff) - 0.5;
const centres = Array.from({ length: 50 }, () => Float32Array.from({ length: DIM }, rnd));
const vec = () => Float32Array.from(centres[Math.floor((rnd() + 0.5) * 50) % 50]!, (x) => x + 0.35 * rnd());

async function storeAndIndex() {
  const items = Array.from({ length: N }, (_, i) => ({ id: `p${i}`, vector: vec() }));
  const queries = Array.from({ length: Q }, vec);
  const dir = mkdtempSync(join(tmpdir(), 'bench-data-'));
  const store = openSqliteStore({ path: join(dir, 'store.db') });
  let t = performance.now();
  for (let i = 0; i < N; i += 1000) {
    await store.upsertProducts(items.slice(i, i + 1000).map((it) => ({ entity: product(it.id), vector: it.vector })), 'm');
  }
  console.log(`sqlite upsertProducts (product + vector, 1,000 per transaction, WAL): ${rate(N, t)}/s`);
  t = performance.now();
  const all = await store.allVectors('product', 'm');
  console.log(`sqlite allVectors (${N}): ${(performance.now() - t).toFixed(0)} ms`);
  t = performance.now();
  const idx = await HnswVectorIndex.open({ dir, name: 'p', modelId: 'm', dimension: DIM, rebuild: async () => all, ...hnsw });
  console.log(`index rebuild + flush (${N}x${DIM}, M=${hnsw.m}, efC=${hnsw.efConstruction}): ${((performance.now() - t) / 1000).toFixed(1)} s = ${rate(N, t)} inserts/s`);
  t = performance.now();
  await HnswVectorIndex.open({ dir, name: 'p', modelId: 'm', dimension: DIM, rebuild: async () => { throw new Error('should have loaded'); }, reconcile: { checksums: () => store.vectorChecksums('product', 'm'), vectors: (ids) => store.getVectors('product', ids, 'm') }, ...hnsw });
  console.log(`index open from files (checksums checked, reconciled with the store): ${(performance.now() - t).toFixed(0)} ms`);
  idx.upsert('extra', items[0]!.vector);
  t = performance.now();
  await idx.flush();
  console.log(`index flush (synchronous): ${(performance.now() - t).toFixed(0)} ms`);
  idx.remove('extra');
  const exact = new ExactIndex({ modelId: 'm', dimension: DIM });
  for (const it of items) exact.upsert(it.id, it.vector);
  const every = (m: number) => (id: string) => Number(id.slice(1)) % m === 0;
  for (const [label, filter] of [['no filter', undefined], ['50%', every(2)], ['20%', every(5)], ['5%', every(20)], ['1%', every(100)]] as const) {
    const truth = queries.map((q) => new Set(exact.search(q, K, filter).map((n) => n.id)));
    t = performance.now();
    const got = queries.map((q) => idx.search(q, K, filter));
    const ms = (performance.now() - t) / Q;
    const recall = got.reduce((a, g, i) => a + g.filter((n) => truth[i]!.has(n.id)).length, 0) / (Q * K);
    t = performance.now();
    for (const q of queries) exact.search(q, K, filter);
    console.log(`search ${label.padEnd(9)}: hnsw ${ms.toFixed(3)} ms/query, recall@10 ${recall.toFixed(3)} | ExactIndex ${((performance.now() - t) / Q).toFixed(2)} ms/query`);
  }
  await store.close();
}

async function ingestOverhead() {
  const n = Math.min(N, 2000);
  const root = mkdtempSync(join(tmpdir(), 'bench-ingest-'));
  const worldDir = join(root, 'world');
  mkdirSync(join(worldDir, 'images', 'products'), { recursive: true });
  const embedder = createFakeEmbedder({ dimension: 16 });
  const service = await createService({ ...config, DATA_DIR: join(root, 'data'), WORLD_DIR: worldDir }, { embedder, log: silentLogger });
  await service.core.commands.upsertMerchants([{ id: 'm-test', name: 'Test', network: 'utm', settings: {} }]);
  const items = Array.from({ length: n }, (_, i) => {
    const rel = `images/products/p${i}.png`;
    writeFileSync(join(worldDir, rel), fakePng(rel));
    return product(`p${i}`, { image: rel });
  });
  const run = async () => {
    for (let i = 0; i < n; i += 64) await service.core.commands.upsertProducts(items.slice(i, i + 64), { flush: false });
    await service.productIndex.flush();
  };
  let t = performance.now();
  await run();
  console.log(`ingest overhead, fake embedder (store+cache+media+index): ${rate(n, t)} products/s`);
  const calls = embedder.imageCalls + embedder.textCalls;
  t = performance.now();
  await run();
  console.log(`re-ingest unchanged: ${rate(n, t)} products/s, embedder calls: ${embedder.imageCalls + embedder.textCalls - calls}`);
  await service.close();
}

async function offTheLoop() {
  const modelsDir = arg('models-dir', 'models');
  const modelId = arg('model-id', 'style-clip-mini');
  if (!existsSync(join(modelsDir, modelId, 'onnx'))) return console.log(`(no model at ${modelsDir}/${modelId}: event-loop check skipped)`);
  const { ClipEmbedder } = await import('../src/embed/clip-embedder.js');
  const { createWorkerEmbedder } = await import('../src/embed/worker-pool.js');
  const files = readdirSync('fixtures/images/products').slice(0, 96).map((f) => `fixtures/images/products/${f}`);
  const measure = async (label: string, e: { embedImages(i: string[]): Promise<Float32Array[]>; close(): Promise<void> }) => {
    let last = performance.now(), maxGap = 0, ticks = 0;
    const timer = setInterval(() => { const now = performance.now(); maxGap = Math.max(maxGap, now - last); last = now; ticks++; }, 10);
    const t = performance.now();
    for (let i = 0; i < files.length; i += 32) await e.embedImages(files.slice(i, i + 32));
    clearInterval(timer);
    const ms = performance.now() - t;
    console.log(`${label}: ${rate(files.length, t)} images/s; 10 ms ticker fired ${ticks} of ~${Math.floor(ms / 10)}, longest gap ${maxGap.toFixed(0)} ms`);
    await e.close();
  };
  await measure('embed in-process ', await ClipEmbedder.create({ modelsDir, modelId }));
  await measure('embed worker pool', await createWorkerEmbedder({ modelsDir, modelId, threads: 1 }));
}

await storeAndIndex();
await ingestOverhead();
await offTheLoop();
