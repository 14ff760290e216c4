/**
 * The PostgreSQL column: the same synthetic catalog served by the embedded backend (SQLite +
 * hnswlib) and by PostgreSQL (1 and 2 API replica processes), recommendations with the response
 * cache off and search under 32 connections; pgvector Recall@10 against exact search at the
 * configured ef_search, unfiltered and with a 2% filter; embedding-worker throughput with 1 and 2
 * worker processes (the shipped model, fixture images).
 *
 *   DATABASE_URL=... npm run bench:pg -- [--products 100000] [--duration 10] [--connections 32] [--worker-items 256]
 *
 * The catalog is synthetic (clustered 128-d vectors, 50 categories of 2% each), written straight
 * into each store as a bulk load, like bench/lib/big-catalog.ts; the servers then open it as any
 * data they find. Everything (servers, PostgreSQL, load generator) shares this machine's cores.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { loadConfig } from '../src/config.js';
import { ExactIndex } from '../src/index/exact-index.js';
import { ensureVectorIndex, pgVectorSearch } from '../src/store/pg-vector-index.js';
import { openPgStore } from '../src/store/pg-store.js';
import { openSqliteStore } from '../src/store/sqlite-store.js';
import type { Store } from '../src/store/types.js';
import type { Product } from '../src/domain/index.js';
import { runLoad, type LoadRequest, type LoadResult } from './lib/load.js';
import { machineInfo, machineLine } from './lib/machine.js';
import { clusteredVectors } from './lib/vectors.js';
import { fmt, markdownTable, parseArgs, writeOut } from './lib/stats.js';

const args = parseArgs(process.argv.slice(2));
const N = Number(args.get('products') ?? 100_000);
const duration = Number(args.get('duration') ?? 10);
const connections = Number(args.get('connections') ?? 32);
const workerItems = Number(args.get('worker-items') ?? 256);
const DIM = 128;
const MODEL = 'bench-synthetic';
const CATEGORIES = 50;
const URL_ = process.env.DATABASE_URL;
if (!URL_) throw new Error('bench:pg needs DATABASE_URL (scripts/postgres/start.sh prints one)');
const config = loadConfig({ ...process.env, LOG_LEVEL: 'silent' });
const KEY = 'bench-app-key-1';
const TSX = join(process.cwd(), 'node_modules', '.bin', 'tsx');

const flat = clusteredVectors({ count: N + 400, dim: DIM, seed: 16 });
const vec = (i: number) => flat.subarray(i * DIM, (i + 1) * DIM);
const product = (i: number): Product => ({
  id: `p${String(i).padStart(6, '0')}`, title: `Item ${i}`, description: 'synthetic', brand: 'B', category: `cat${i % CATEGORIES}`,
  price: 10 + (i % 90), currency: 'EUR', merchant: 'm-bench', url: `https://shop.example/${i}`, network: 'utm', image: `/media/products/p${i}`,
});

async function fill(store: Store): Promise<number> {
  const t0 = Date.now();
  await store.upsertMerchants([{ id: 'm-bench', name: 'Bench', network: 'utm', settings: {} }]);
  for (let i = 0; i < N; i += 2000) {
    const items = [];
    for (let j = i; j < Math.min(N, i + 2000); j++) items.push({ entity: product(j), vector: vec(j) });
    await store.upsertProducts(items, MODEL);
  }
  await store.upsertCreators(Array.from({ length: 40 }, (_, c) => ({ id: `c${c}`, handle: `@c${c}`, displayName: `C${c}`, aesthetics: ['x'], optIns: { styleSource: true, affiliate: true } })));
  for (let c = 0; c < 40; c++) {
    await store.upsertPosts(`c${c}`, Array.from({ length: 10 }, (_, k) => ({
      entity: { id: `c${c}-p${k}`, creatorId: `c${c}`, image: '/media/posts/x', caption: 'look', postedAt: '2026-11-01T00:00:00Z', engagement: { likes: 10, comments: 1, saves: 1 } },
      vector: vec(N + ((c * 10 + k) % 400)),
    })), MODEL);
  }
  for (let u = 0; u < 200; u++) {
    await store.upsertUser({ id: `u${u}`, displayName: '', region: 'US', ageBand: '25-34' });
    await store.setFollows(`u${u}`, [`c${u % 40}`, `c${(u * 7 + 3) % 40}`, `c${(u * 13 + 5) % 40}`]);
    await store.appendConsents(`u${u}`, [{ purpose: 'personalization', granted: true, at: '2026-11-01T00:00:00Z', source: 'bench', policyVersion: '1' }]);
  }
  return (Date.now() - t0) / 1000;
}

function replica(env: Record<string, string>): Promise<{ url: string; startMs: number; stop(): Promise<void> }> {
  const proc = spawn(TSX, ['bench/lib/bench-replica.ts'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    proc.stdout.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /READY (\S+) (\d+)/.exec(out);
      if (m) resolve({ url: m[1]!, startMs: Number(m[2]), stop: () => new Promise<void>((r) => (proc.once('exit', () => r()), proc.kill('SIGTERM'))) });
    });
    proc.once('exit', (code) => reject(new Error(`replica exited ${code}: ${out}`)));
  });
}

const headers = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' };
const recs: LoadRequest[] = Array.from({ length: 200 }, (_, u) => ({ method: 'GET', path: `/v1/users/u${u}/recommendations?limit=20` }));
const searches: LoadRequest[] = Array.from({ length: 50 }, (_, k) => ({ method: 'POST', path: '/v1/search', body: JSON.stringify({ text: `item ${k} synthetic`, limit: 20 }) }));

/** Load spread over the replicas' URLs (connections split evenly); latency of the slowest replica, rps summed. */
async function loadOn(urls: string[], requests: LoadRequest[]): Promise<LoadResult> {
  const per = Math.ceil(connections / urls.length);
  await Promise.all(urls.map((url) => runLoad({ url, connections: per, duration: 2, requests, headers })));
  const rs = await Promise.all(urls.map((url) => runLoad({ url, connections: per, duration, requests, headers })));
  const worst = (k: 'p50' | 'p90' | 'p99' | 'max') => Math.max(...rs.map((r) => r[k]));
  return { rps: rs.reduce((s, r) => s + r.rps, 0), p50: worst('p50'), p90: worst('p90'), p99: worst('p99'), max: worst('max'), requests: rs.reduce((s, r) => s + r.requests, 0), errors: rs.reduce((s, r) => s + r.errors, 0), timeouts: 0, non2xx: rs.reduce((s, r) => s + r.non2xx, 0) };
}

async function main(): Promise<void> {
  console.log(machineLine(machineInfo()));
  const root = mkdtempSync(join(tmpdir(), 'bench-pg-'));
  const schema = `bench_${Date.now().toString(36)}`;
  const common = { API_KEYS: `app:${KEY},admin:bench-admin-key`, LOG_LEVEL: 'silent', RECOMMEND_CACHE_TTL_S: '0', PORT: '0', BENCH_DIM: String(DIM), WORLD_DIR: join(root, 'world') };
  const rows: Array<[string, string, string, string, string, string]> = [];
  const out: Record<string, unknown> = { products: N, connections, duration };
  try {
    // Embedded: SQLite + hnswlib files.
    const sqliteDir = join(root, 'sqlite');
    const sq = openSqliteStore({ path: join(sqliteDir, 'store.db') });
    const sqFill = await fill(sq);
    await sq.close();
    // PostgreSQL: bulk load first, then the pgvector index (building it once is far cheaper than per insert).
    const pgStore = await openPgStore({ url: URL_!, schema });
    const pgFill = await fill(pgStore);
    const t1 = Date.now();
    await ensureVectorIndex(pgStore.pools, { modelId: MODEL, dimension: DIM, m: config.HNSW_M, efConstruction: config.HNSW_EF_CONSTRUCTION });
    const pgIndexS = (Date.now() - t1) / 1000;
    await pgStore.pools.primary.query('ANALYZE');
    console.log(`loaded ${N} products: sqlite ${fmt(sqFill)} s, postgres ${fmt(pgFill)} s + pgvector HNSW build ${fmt(pgIndexS)} s`);
    out.load = { sqliteS: sqFill, postgresS: pgFill, pgvectorIndexS: pgIndexS };

    // Recall@10 and single-client queries/s: pgvector vs exact, unfiltered and with a 2% category filter.
    const exact = new ExactIndex({ modelId: MODEL, dimension: DIM });
    for (let i = 0; i < N; i++) exact.upsert(product(i).id, vec(i));
    const pgv = pgVectorSearch(pgStore.pools, { modelId: MODEL, dimension: DIM, efSearch: config.HNSW_EF_SEARCH });
    const queries = Array.from({ length: 200 }, (_, k) => vec(N + (k % 400)));
    const recall: Record<string, { recall: number; qps: number; rows: number }> = {};
    for (const [name, filter] of [['unfiltered', undefined], ['2% category filter', { category: ['cat7'] as string[] }]] as const) {
      let hit = 0;
      let got = 0;
      let ms = 0; // pgvector's time only, not the exact search it is checked against
      for (const q of queries) {
        const t = performance.now();
        const res = await pgv.search(q, 10, filter);
        ms += performance.now() - t;
        got += res.length;
        const truth = new Set(exact.search(q, 10, filter ? (id) => Number(id.slice(1)) % CATEGORIES === 7 : undefined).map((h) => h.id));
        hit += res.filter((h) => truth.has(h.id)).length;
      }
      recall[name] = { recall: hit / (queries.length * 10), qps: queries.length / (ms / 1000), rows: got / queries.length };
      console.log(`pgvector ${name}: Recall@10 ${fmt(recall[name]!.recall)}, ${fmt(recall[name]!.rows)} rows/query, ${fmt(recall[name]!.qps)} queries/s (1 client, ef_search ${config.HNSW_EF_SEARCH})`);
    }
    out.pgvector = recall;
    await pgStore.close();

    // Servers: embedded (1 process), PostgreSQL with 1 and with 2 replica processes.
    const emb = await replica({ ...common, DATA_DIR: sqliteDir, DATABASE_URL: '' }); // '' = unset: the embedded backend
    const pg1 = await replica({ ...common, DATA_DIR: join(root, 'pg-a'), DATABASE_URL: URL_!, DATABASE_SCHEMA: schema });
    console.log(`start-up: embedded ${emb.startMs} ms (index from files), postgres replica ${pg1.startMs} ms (hnswlib built from the database)`);
    out.startMs = { embedded: emb.startMs, postgres: pg1.startMs };
    const scenarios: Record<string, Record<string, LoadResult>> = {};
    for (const [name, reqs] of [['recommendations (cache off)', recs], ['search', searches]] as const) {
      scenarios[name] = {};
      scenarios[name]!.embedded = await loadOn([emb.url], reqs);
      scenarios[name]!['postgres, 1 replica'] = await loadOn([pg1.url], reqs);
    }
    await emb.stop();
    const pg2 = await replica({ ...common, DATA_DIR: join(root, 'pg-b'), DATABASE_URL: URL_!, DATABASE_SCHEMA: schema });
    for (const [name, reqs] of [['recommendations (cache off)', recs], ['search', searches]] as const) {
      scenarios[name]!['postgres, 2 replicas'] = await loadOn([pg1.url, pg2.url], reqs);
    }
    await Promise.all([pg1.stop(), pg2.stop()]);
    for (const [name, by] of Object.entries(scenarios)) {
      for (const [backend, r] of Object.entries(by)) rows.push([name, backend, fmt(r.rps), fmt(r.p50), fmt(r.p99), String(r.errors + r.non2xx)]);
    }
    out.scenarios = scenarios;
    const ratio = scenarios['recommendations (cache off)']!['postgres, 1 replica']!.p99 / scenarios['recommendations (cache off)']!.embedded!.p99;
    console.log(markdownTable(['scenario', 'backend', 'req/s', 'p50 ms', 'p99 ms', 'errors'], rows));
    console.log(`PostgreSQL recommendations p99 / embedded p99: ${fmt(ratio)} (target <= 2)`);
    out.recommendP99Ratio = ratio;
    out.workers = await workerThroughput(root);
  } finally {
    const c = new pg.Client({ connectionString: URL_ });
    await c.connect();
    await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await c.end();
    rmSync(root, { recursive: true, force: true });
  }
  writeOut(join('reports', 'bench-pg.json'), JSON.stringify(out, null, 2));
}

/** Fixture products through the job queue, embedded by the shipped model in 1 and then 2 worker processes. */
async function workerThroughput(root: string): Promise<Record<string, number>> {
  const { readFileSync } = await import('node:fs');
  const items = (JSON.parse(readFileSync(join(config.WORLD_DIR, 'products.json'), 'utf8')) as Product[]).slice(0, workerItems);
  const merchants = JSON.parse(readFileSync(join(config.WORLD_DIR, 'merchants.json'), 'utf8'));
  const result: Record<string, number> = {};
  for (const workers of [1, 2]) {
    const schema = `benchw_${workers}_${Date.now().toString(36)}`;
    const store = await openPgStore({ url: URL_!, schema });
    await store.upsertMerchants(merchants);
    const { pgJobQueue } = await import('../src/store/pg-jobs.js');
    const env = { ...process.env, DATABASE_URL: URL_!, DATABASE_SCHEMA: schema, LOG_LEVEL: 'silent', DATA_DIR: join(root, `w${workers}`) };
    const procs = Array.from({ length: workers }, () => spawn(TSX, ['src/worker.ts'], { env, stdio: 'ignore' }));
    await new Promise((r) => setTimeout(r, 8000)); // model load in each worker, before the clock starts
    const jobs = pgJobQueue(store.pools);
    const t0 = Date.now();
    const id = await jobs.enqueue('products', items);
    for (;;) {
      const job = await jobs.get(id);
      if (job?.status === 'done') break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const s = (Date.now() - t0) / 1000;
    result[`${workers} worker${workers > 1 ? 's' : ''} items/s`] = items.length / s;
    console.log(`${workers} worker process(es): ${items.length} items in ${fmt(s)} s = ${fmt(items.length / s)} items/s`);
    await Promise.all(procs.map((p) => new Promise<void>((r) => (p.once('exit', () => r()), p.kill('SIGTERM')))));
    await store.close();
    const c = new pg.Client({ connectionString: URL_ });
    await c.connect();
    await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await c.end();
  }
  result.ratio = result['2 workers items/s']! / result['1 worker items/s']!;
  console.log(`worker scaling 2 vs 1: ${fmt(result.ratio)}x (target >= 1.7 with a free core)`);
  return result;
}

await main();
