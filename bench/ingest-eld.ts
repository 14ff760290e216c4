/**
 * Where the event loop goes while products are ingested into a 100k catalog: the api bench's
 * cached catalog (build it with `npx tsx bench/api.ts --build-only`), every shopper's candidate
 * lists built, then `--batches` PUT-sized batches of 32 products through the product command,
 * with a few concurrent computed recommendations (in process) as load. Reports the event-loop
 * delay and the time each suspect held the loop per batch. Run under `node --cpu-prof` for the rest.
 *   npx tsx bench/ingest-eld.ts [--batches 16] [--size 100000]
 */
import { cpSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { loadConfig } from '../src/config.js';
import { createConfiguredEmbedder, createService } from '../src/service.js';
import { CandidateLists } from '../src/retrieve/candidate-lists.js';
import { ProductCatalog } from '../src/retrieve/catalog.js';
import type { Product } from '../tools/world/schema.js';
import { fmt, parseArgs } from './lib/stats.js';

const args = parseArgs(process.argv.slice(2));
const batches = Number(args.get('batches') ?? 16);
const size = Number(args.get('size') ?? 100000);

const held: Record<string, number> = {};
function time(proto: object, name: string, label = name): void {
  const p = proto as Record<string, (...a: unknown[]) => unknown>;
  const orig = p[name]!;
  p[name] = function (this: unknown, ...a: unknown[]) {
    const t = performance.now();
    try {
      return orig.apply(this, a);
    } finally {
      held[label] = (held[label] ?? 0) + performance.now() - t;
    }
  };
}
time(CandidateLists.prototype, 'rowWritten', 'candidate lists: rowWritten');
time(ProductCatalog.prototype, 'upsert', 'catalog.upsert');

async function main() {
  const config = loadConfig({ ...process.env, LOG_LEVEL: 'silent', RATE_LIMIT_PER_MINUTE: '0' });

  const dir = `.bench-tmp/api-style-clip-mini-cbf5ee64-${size}-m32-efc64`;
  if (!existsSync(join(dir, 'ready.json'))) throw new Error(`no cached catalog in ${dir}`);
  // Never write into the cached catalog: ingest into a throw-away copy.
  const work = `${dir}-eld-copy`;
  rmSync(work, { recursive: true, force: true });
  cpSync(dir, work, { recursive: true });
  const embedder = await createConfiguredEmbedder(config);
  const service = await createService({ ...config, DATA_DIR: work, RECOMMEND_CACHE_TTL_S: 0 }, { embedder });
  const { core, store, productIndex } = service;
  const hnsw = Object.getPrototypeOf(productIndex) as object;
  time(hnsw, 'upsert', 'productIndex.upsert');
  const users = (await store.listUsers()).map((u) => u.id);
  const t0 = performance.now();
  for (const u of users) await core.recommend(u, { limit: 20, diversity: 0.3 });
  console.log(`${users.length} shoppers' lists built in ${fmt((performance.now() - t0) / 1000)} s`);
  const products = JSON.parse(readFileSync(join(config.WORLD_DIR, 'products.json'), 'utf8')) as Product[];
  let stop = false;
  let served = 0;
  const load = async () => {
    for (let i = 0; !stop; i++) {
      await core.recommend(users[(i * 7 + served) % users.length]!, { limit: 20, diversity: 0.3 });
      served++;
      await new Promise((r) => setImmediate(r));
    }
  };
  const h = monitorEventLoopDelay({ resolution: 5 });
  for (const k of Object.keys(held)) delete held[k];
  const loaders = args.has('no-load') ? [] : [load(), load()];
  h.enable();
  const w0 = performance.now();
  for (let b = 0; b < batches; b++) {
    const items = Array.from({ length: 32 }, (_, i) => {
      const { attributes: _a, appeal: _p, ...p } = products[(b * 32 + i) % products.length]!;
      return { ...p, id: `eld-${b}-${i}`, title: `${p.title} (restock ${b}-${i})` };
    });
    const results = await core.commands.upsertProducts(items);
    if (results.some((r) => !r.ok)) throw new Error(JSON.stringify(results.find((r) => !r.ok)));
  }
  const wall = performance.now() - w0;
  h.disable();
  stop = true;
  await Promise.all(loaders);
  console.log(`${batches} batches of 32 in ${fmt(wall / 1000)} s, ${served} recommendations alongside`);
  console.log(`event-loop delay p50 ${fmt(h.percentile(50) / 1e6)} ms, p99 ${fmt(h.percentile(99) / 1e6)} ms, max ${fmt(h.max / 1e6)} ms`);
  for (const [k, v] of Object.entries(held)) console.log(`  ${k}: ${fmt(v / batches)} ms per batch`);
  await service.close();
  await embedder.close();
  rmSync(work, { recursive: true, force: true });
}
main().then(() => process.exit(0), (e) => (console.error(e), process.exit(1)));
