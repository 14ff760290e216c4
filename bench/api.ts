/**
 * API under load: autocannon (in a worker thread) against the real app (createApp, the shipped
 * model in its worker threads) over a 100k-product catalog, then event-loop delay while an ingest
 * runs in the background.
 *
 *   npm run bench:api -- [--products 100000] [--duration 10] [--connections 32] [--m 16 --efc 200]
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
import { createTagger } from '../src/affiliate/tagger.js';
import { loadConfig } from '../src/config.js';
import { policyFromConfig } from '../src/consent/policy.js';
import { createWorkerEmbedder } from '../src/embed/worker-pool.js';
import type { Product } from '../src/world/schema.js';
import { openBigCatalog } from './lib/big-catalog.js';
import { runLoad, type LoadRequest, type LoadResult } from './lib/load.js';
import { machineInfo, machineLine } from './lib/machine.js';
import { fmt, markdownTable, parseArgs, writeOut } from './lib/stats.js';

const args = parseArgs(process.argv.slice(2));
const size = Number(args.get('products') ?? 100_000);
const duration = Number(args.get('duration') ?? 10);
const connections = Number(args.get('connections') ?? 32);
const optional = (k: string) => (args.has(k) ? Number(args.get(k)) : undefined);

export interface ApiBenchResult {
  products: number;
  build: { indexInsertsPerS: number; m: number; efConstruction: number };
  scenarios: Array<{ name: string; connections: number; rate: number | null; result: LoadResult }>;
  ingest: { products: number; seconds: number; eventLoopDelayMs: { p50: number; p99: number; max: number }; idleEventLoopDelayMs: { p50: number; p99: number; max: number } };
}

async function main(): Promise<void> {
  const machine = machineInfo();
  console.log(machineLine(machine));
  const config = loadConfig({ ...process.env, LOG_LEVEL: 'silent' });
  const worldDir = config.WORLD_DIR;
  // --fake-embedder: a dry run of the script itself (no model needed); its numbers mean nothing.
  const embedder = args.has('fake-embedder')
    ? (await import('../test/helpers/fake-embedder.js')).createFakeEmbedder({ dimension: 512 })
    : await createWorkerEmbedder({ modelsDir: config.MODELS_DIR, modelId: config.MODEL_ID, threads: config.EMBED_THREADS });
  const fusion = { imageWeight: config.IMAGE_WEIGHT, textWeight: config.TEXT_WEIGHT };
  const big = await openBigCatalog({ size, worldDir, embedder, fusion, modelFingerprint: modelFingerprint(config.MODELS_DIR, config.MODEL_ID), m: optional('m'), efConstruction: optional('efc'), log: console.log });
  const { store, productIndex } = big;
  console.log(`catalog: ${productIndex.size().toLocaleString('en-US')} products; index built at ${fmt(big.build.indexInsertsPerS)} inserts/s (M=${big.build.m}, efConstruction=${big.build.efConstruction})`);

  const merchants = JSON.parse(readFileSync(join(worldDir, 'merchants.json'), 'utf8'));
  const tagger = createTagger({ merchants, secret: config.LINK_SECRET, tokenTtlSeconds: config.TOKEN_TTL });
  const { app, core } = await createApp({
    config: { ...config, DATA_DIR: big.dataDir }, embedder, store, productIndex, tagger, consent: { policy: policyFromConfig(config) }, demo: false,
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const key = config.API_KEYS.find((k) => k.scope === 'app')!.key;
  const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };

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
  const full = await load('recommendations', recs, connections);
  await load('recommendations, fixed rate (50% of max)', recs, connections, Math.max(1, Math.round(full.rps / 2)));
  await load('search (text)', searches, connections);

  // Event-loop delay: idle baseline, then while new products are embedded and indexed.
  const idle = monitorEventLoopDelay({ resolution: 5 });
  idle.enable();
  await new Promise((r) => setTimeout(r, 2000));
  idle.disable();
  const fresh = products.slice(0, 256).map((p, i) => ({ ...p, id: `ingest-${Date.now()}-${i}`, title: `${p.title} — restock ${Date.now()}-${i}` }));
  const eld = monitorEventLoopDelay({ resolution: 5 });
  const admin = { authorization: `Bearer ${config.API_KEYS.find((k) => k.scope === 'admin')!.key}`, 'content-type': 'application/json' };
  const put = async (items: Product[]) => {
    const res = await fetch(`${url}/v1/products`, { method: 'PUT', headers: admin, body: JSON.stringify({ items }) });
    if (!res.ok) throw new Error(`PUT /v1/products: ${res.status} ${await res.text()}`);
  };
  eld.enable();
  const during = runLoad({ url, connections: 8, duration: duration * 3, requests: recs, headers });
  const t0 = performance.now();
  // Through the API, as a catalog feed would: JSON parsing and validation land on the server's loop too.
  for (let i = 0; i < fresh.length; i += 32) await put(fresh.slice(i, i + 32));
  const ingestSeconds = (performance.now() - t0) / 1000;
  eld.disable();
  const duringResult = await during;
  scenarios.push({ name: 'recommendations during ingest (whole window)', connections: 8, rate: null, result: duringResult });
  for (const p of fresh) await fetch(`${url}/v1/products/${p.id}`, { method: 'DELETE', headers: admin });
  const ms = (h: ReturnType<typeof monitorEventLoopDelay>) => ({ p50: h.percentile(50) / 1e6, p99: h.percentile(99) / 1e6, max: h.max / 1e6 });
  const ingest = { products: fresh.length, seconds: ingestSeconds, eventLoopDelayMs: ms(eld), idleEventLoopDelayMs: ms(idle) };
  console.log(`ingest of ${fresh.length} products under load: ${fmt(ingestSeconds)} s; event-loop delay p50 ${fmt(ingest.eventLoopDelayMs.p50)} ms, p99 ${fmt(ingest.eventLoopDelayMs.p99)} ms, max ${fmt(ingest.eventLoopDelayMs.max)} ms (idle p99 ${fmt(ingest.idleEventLoopDelayMs.p99)} ms)`);

  const result: ApiBenchResult = { products: productIndex.size(), build: big.build, scenarios, ingest };
  if (args.has('fake-embedder')) return void console.log('dry run with the fake embedder: nothing written');
  writeOut('reports/bench/api.json', JSON.stringify({ machine, duration, result }, null, 2));
  writeOut('reports/bench/api.md', `${machineLine(machine)}; ${duration} s per scenario after a 2 s warm-up\n\n${renderApiMarkdown(result)}`);
  console.log('wrote reports/bench/api.md');
  await new Promise((r) => server.close(r));
  await store.close();
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
    markdownTable(['scenario', 'connections', 'rate limit', 'req/s', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'errors', 'non-2xx'],
      r.scenarios.map((s) => [s.name, s.connections, s.rate === null ? 'none' : `${s.rate}/s`, s.result.rps, s.result.p50, s.result.p90, s.result.p99, s.result.max, s.result.errors + s.result.timeouts, s.result.non2xx])),
    '',
    `Event-loop delay of the server while ${r.ingest.products} products were ingested (embedded in the model worker, indexed, stored) under 8-connection recommendation load: p50 ${fmt(r.ingest.eventLoopDelayMs.p50)} ms, p99 ${fmt(r.ingest.eventLoopDelayMs.p99)} ms, max ${fmt(r.ingest.eventLoopDelayMs.max)} ms (idle: p99 ${fmt(r.ingest.idleEventLoopDelayMs.p99)} ms). The ingest took ${fmt(r.ingest.seconds)} s.`,
  ].join('\n');
}

await main();
