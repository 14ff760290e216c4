/**
 * API under load: autocannon (in a worker thread) against the real app (createApp, the shipped
 * model in its worker threads) over a 100k-product catalog, then event-loop delay while an ingest
 * runs in the background.
 *
 *   npm run bench:api -- [--products 100000] [--duration 10] [--connections 32] [--m 32 --efc 64] (default: the service's HNSW_* config)
 *
 * Scenarios: GET /v1/users/:id/recommendations (rotating over shoppers the service personalises
 * for) at full speed and at a fixed rate; POST /v1/search with text queries; recommendations at 8
 * connections while 256 new products are ingested (via PUT /v1/products: embedded + indexed), with the server's
 * event-loop delay sampled throughout. Server, model workers and load generator share the CPUs.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createCore } from '../src/core/core.js';
import { createConfiguredEmbedder, createService, describeSettings } from '../src/service.js';
import type { Product } from '../tools/world/schema.js';
import { openBigCatalog } from './lib/big-catalog.js';
import { runLoad, type LoadRequest, type LoadResult } from './lib/load.js';
import { machineInfo, machineLine } from './lib/machine.js';
import { fmt, markdownTable, parseArgs, writeOut } from './lib/stats.js';

const args = parseArgs(process.argv.slice(2));
const size = Number(args.get('products') ?? 100_000);
const duration = Number(args.get('duration') ?? 10);
const connections = Number(args.get('connections') ?? 32);
const optional = (k: string) => (args.has(k) ? Number(args.get(k)) : undefined);

/** Event-loop delay percentiles, in ms. */
export interface EldMs { p50: number; p99: number; max: number }

export interface ApiBenchResult {
  products: number;
  build: { indexInsertsPerS: number; m: number; efConstruction: number };
  scenarios: Array<{ name: string; connections: number; rate: number | null; result: LoadResult }>;
  ingest: { products: number; seconds: number; secondsUnderLoad: number; flushMs: number; eld: Record<'idle' | 'ingestAlone' | 'loadAlone' | 'ingestUnderLoad', EldMs> };
}

async function main(): Promise<void> {
  const machine = machineInfo();
  console.log(machineLine(machine));
  // No rate limit: the load scenarios send thousands of requests a second with one key.
  const config = loadConfig({ ...process.env, LOG_LEVEL: 'silent', RATE_LIMIT_PER_MINUTE: '0' });
  const worldDir = config.WORLD_DIR;
  // --fake-embedder: a dry run of the script itself (no model needed); its numbers mean nothing.
  const embedder = args.has('fake-embedder')
    ? (await import('../test/helpers/fake-embedder.js')).createFakeEmbedder({ dimension: 512 })
    : await createConfiguredEmbedder(config);
  // The service's own configuration unless a flag overrides the HNSW build settings.
  const benchConfig = { ...config, HNSW_M: optional('m') ?? config.HNSW_M, HNSW_EF_CONSTRUCTION: optional('efc') ?? config.HNSW_EF_CONSTRUCTION };
  const big = await openBigCatalog({ size, config: benchConfig, embedder, modelFingerprint: modelFingerprint(config.MODELS_DIR, config.MODEL_ID), log: console.log });
  const service = await createService({ ...benchConfig, DATA_DIR: big.dataDir }, { embedder });
  const { store, productIndex, core } = service;
  console.log('settings', JSON.stringify(describeSettings(benchConfig, embedder)));
  console.log(`catalog: ${productIndex.size().toLocaleString('en-US')} products; index built at ${fmt(big.build.indexInsertsPerS)} inserts/s (M=${big.build.m}, efConstruction=${big.build.efConstruction})`);

  const { app } = createApp({ config: service.config, core, demo: false });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const key = config.API_KEYS.find((k) => k.scope === 'app')!.key;
  const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };

  const catalogSize = (await store.counts()).products; // before the ingest scenarios add and remove products
  const users = await store.listUsers();
  const personalised: string[] = [];
  for (const u of users) if ((await core.recommend(u.id, { limit: 20, diversity: 0.3 })).personalized) personalised.push(u.id);
  const recs: LoadRequest[] = personalised.map((id) => ({ method: 'GET', path: `/v1/users/${id}/recommendations?limit=20` }));
  const products = JSON.parse(readFileSync(join(worldDir, 'products.json'), 'utf8')) as Product[];
  const searches: LoadRequest[] = products.slice(0, 200).map((p) => ({ method: 'POST', path: '/v1/search', body: JSON.stringify({ text: p.title, limit: 20 }) }));
  console.log(`${personalised.length} of ${users.length} shoppers get personalised lists; ${url}`);

  const scenarios: ApiBenchResult['scenarios'] = [];
  const load = async (name: string, requests: LoadRequest[], conns: number, rate?: number) => {
    await runLoad({ url, connections: conns, duration: 2, requests, headers, overallRate: rate }); // warm-up
    const result = await runLoad({ url, connections: conns, duration, requests, headers, overallRate: rate });
    scenarios.push({ name, connections: conns, rate: rate ?? null, result });
    console.log(`${name}: ${fmt(result.rps)} req/s, p50 ${result.p50} ms, p99 ${result.p99} ms, errors ${result.errors}, non-2xx ${result.non2xx}`);
    return result;
  };
  await load('recommendations', recs, connections);
  await load('recommendations, one at a time (no queueing)', recs, 1);
  await load('search (text)', searches, connections);

  // The shipped app caches each shopper's response (RECOMMEND_CACHE_TTL_S), and a 10 s run over
  // ~100 shoppers is nearly all cache hits. The same app with the cache off shows the cost of a miss.
  const uncachedCore = await createCore({ ...service.deps, settings: { ...service.deps.settings, responseCacheTtlS: 0 } });
  const uncached = createApp({ config: service.config, core: uncachedCore, demo: false });
  const server2 = uncached.app.listen(0, '127.0.0.1');
  await new Promise((r) => server2.once('listening', r));
  const url2 = `http://127.0.0.1:${(server2.address() as AddressInfo).port}`;
  for (const [name, conns] of [['recommendations, response cache off', connections], ['recommendations, response cache off, one at a time', 1]] as const) {
    await runLoad({ url: url2, connections: conns, duration: 2, requests: recs, headers });
    const result = await runLoad({ url: url2, connections: conns, duration, requests: recs, headers });
    scenarios.push({ name, connections: conns, rate: null, result });
    console.log(`${name}: ${fmt(result.rps)} req/s, p50 ${result.p50} ms, p99 ${result.p99} ms, errors ${result.errors}, non-2xx ${result.non2xx}`);
  }
  await new Promise((r) => server2.close(r));

  // Event-loop delay, four ways, so the ingest's own effect is separable from the load's:
  // idle; ingest alone; 8-connection recommendations alone; both together.
  const admin = { authorization: `Bearer ${config.API_KEYS.find((k) => k.scope === 'admin')!.key}`, 'content-type': 'application/json' };
  let batchNo = 0;
  const ingestBatch = async (n: number) => {
    const tag = `${Date.now()}-${batchNo++}`;
    const fresh = products.slice(0, n).map((p, i) => ({ ...p, id: `ingest-${tag}-${i}`, title: `${p.title} (restock ${tag}-${i})` }));
    const t0 = performance.now();
    // Through the API, as a catalog feed would: JSON parsing and validation land on the server's loop too.
    for (let i = 0; i < fresh.length; i += 32) {
      const res = await fetch(`${url}/v1/products`, { method: 'PUT', headers: admin, body: JSON.stringify({ items: fresh.slice(i, i + 32) }) });
      if (!res.ok) throw new Error(`PUT /v1/products: ${res.status} ${await res.text()}`);
    }
    const seconds = (performance.now() - t0) / 1000;
    for (const p of fresh) await fetch(`${url}/v1/products/${p.id}`, { method: 'DELETE', headers: admin });
    return seconds;
  };
  const eldOf = async <T>(fn: () => Promise<T>): Promise<{ value: T; eld: EldMs }> => {
    const h = monitorEventLoopDelay({ resolution: 5 });
    h.enable();
    const value = await fn();
    h.disable();
    return { value, eld: { p50: h.percentile(50) / 1e6, p99: h.percentile(99) / 1e6, max: h.max / 1e6 } };
  };
  const INGEST = 128;
  const idle = await eldOf(() => new Promise((r) => setTimeout(r, 2000)));
  const alone = await eldOf(() => ingestBatch(INGEST));
  const loadOnly = await eldOf(() => runLoad({ url, connections: 8, duration, requests: recs, headers }));
  const both = await eldOf(async () => {
    // The load runs exactly as long as the ingest: its numbers cover the ingest window only.
    const during = runLoad({ url, connections: 8, duration: 600, requests: recs, headers });
    const seconds = await ingestBatch(INGEST);
    during.stop();
    return { seconds, during: await during };
  });
  scenarios.push({ name: 'recommendations, no ingest', connections: 8, rate: null, result: loadOnly.value });
  scenarios.push({ name: `recommendations while ${INGEST} products are ingested`, connections: 8, rate: null, result: both.value.during });
  const ingest = {
    products: INGEST,
    seconds: alone.value,
    secondsUnderLoad: both.value.seconds,
    eld: { idle: idle.eld, ingestAlone: alone.eld, loadAlone: loadOnly.eld, ingestUnderLoad: both.eld },
  };
  console.log(`event-loop delay p99: idle ${fmt(idle.eld.p99)} ms, ingest alone ${fmt(alone.eld.p99)} ms, 8-conn load alone ${fmt(loadOnly.eld.p99)} ms, both ${fmt(both.eld.p99)} ms; ingest of ${INGEST} products ${fmt(alone.value)} s alone, ${fmt(both.value.seconds)} s under load`);

  // Each PUT /v1/products ends with an index flush; time one, since it runs on the server's event loop.
  const [first] = await store.allVectors('product', embedder.modelId).then((all) => all.slice(0, 1));
  productIndex.upsert(first!.id, first!.vector);
  const flushStart = performance.now();
  await productIndex.flush();
  const flushMs = performance.now() - flushStart;
  console.log(`one index flush at this size: ${fmt(flushMs)} ms`);

  const result: ApiBenchResult = { products: catalogSize, build: big.build, scenarios, ingest: { ...ingest, flushMs } };
  if (args.has('fake-embedder')) return void console.log('dry run with the fake embedder: nothing written');
  writeOut('reports/bench/api.json', JSON.stringify({ machine, duration, result }, null, 2));
  writeOut('reports/bench/api.md', `${machineLine(machine)}; ${duration} s per scenario after a 2 s warm-up\n\n${renderApiMarkdown(result)}`);
  console.log('wrote reports/bench/api.md');
  await new Promise((r) => server.close(r));
  await service.close();
  await embedder.close();
}

/** Size + mtime of the model's ONNX files: new weights under the same model id get a new catalog. */
function modelFingerprint(modelsDir: string, modelId: string): string {
  const h = createHash('sha256');
  for (const f of ['onnx/text_model.onnx', 'onnx/vision_model.onnx']) {
    const path = join(modelsDir, modelId, f);
    if (existsSync(path)) h.update(`${f}:${statSync(path).size}:${statSync(path).mtimeMs}`);
  }
  return h.digest('hex').slice(0, 8);
}

export function renderApiMarkdown(r: ApiBenchResult): string {
  return [
    `${r.products.toLocaleString('en-US')} products (2,000 embedded from fixtures/, the rest synthetic vectors near them); HNSW M=${r.build.m}, efConstruction=${r.build.efConstruction}, built at ${fmt(r.build.indexInsertsPerS)} inserts/s through \`HnswVectorIndex.upsert\`.`,
    '',
    markdownTable(['scenario', 'connections', 'req/s', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'errors', 'non-2xx'],
      r.scenarios.map((s) => [s.name, s.connections, s.result.rps, s.result.p50, s.result.p90, s.result.p99, s.result.max, s.result.errors + s.result.timeouts, s.result.non2xx])),
    '',
    `Event-loop delay of the server (\`monitorEventLoopDelay\`, 5 ms resolution) while ${r.ingest.products} products are ingested through \`PUT /v1/products\` (image read, embedding in the model worker thread, fusion, SQLite, HNSW):`,
    '',
    markdownTable(['condition', 'p50 ms', 'p99 ms', 'max ms'], [
      ['idle', r.ingest.eld.idle.p50, r.ingest.eld.idle.p99, r.ingest.eld.idle.max],
      [`ingest alone (${fmt(r.ingest.seconds)} s)`, r.ingest.eld.ingestAlone.p50, r.ingest.eld.ingestAlone.p99, r.ingest.eld.ingestAlone.max],
      ['8-connection recommendation load alone', r.ingest.eld.loadAlone.p50, r.ingest.eld.loadAlone.p99, r.ingest.eld.loadAlone.max],
      [`ingest under that load (${fmt(r.ingest.secondsUnderLoad)} s)`, r.ingest.eld.ingestUnderLoad.p50, r.ingest.eld.ingestUnderLoad.p99, r.ingest.eld.ingestUnderLoad.max],
    ]),
    '',
    `Every \`PUT /v1/products\` batch ends with a synchronous index flush; one flush of this index took ${fmt(r.ingest.flushMs)} ms on the event loop.`,
  ].join('\n');
}

await main();
