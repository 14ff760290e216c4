/**
 * The computed recommendation path without HTTP: `core.recommend` for every personalised shopper
 * of the big bench catalog, one at a time, response cache off. Says how many ms of main-thread
 * time one computed list costs in the core alone (the part no HTTP tuning can remove), and with
 * --profile writes a `.cpuprofile` of the loop to .bench-tmp/.
 *
 *   npx tsx bench/core-recommend.ts [--products 100000] [--rounds 20] [--repeats 5] [--profile NAME] [--filters] [--search]
 *
 * --search: `core.search` for 200 product titles instead (anonymous, so health items are left out
 * as for any search without a shopper; their embeddings are cached after the warm-up pass).
 *
 * Each repeat times `rounds` passes over the shoppers; the minimum and median per list are
 * reported (on a shared machine the minimum is the least disturbed).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../src/config.js';
import { createWorkerEmbedder } from '../src/embed/worker-pool.js';
import { createService } from '../src/service.js';
import { modelFingerprint, openBigCatalog } from './lib/big-catalog.js';
import { profileWhile } from './lib/cpu-profile.js';
import { benchTmp, parseArgs } from './lib/stats.js';

const args = parseArgs(process.argv.slice(2));
const size = Number(args.get('products') ?? 100_000);
const rounds = Number(args.get('rounds') ?? 20);
const repeats = Number(args.get('repeats') ?? 5);

const config = loadConfig({ ...process.env, LOG_LEVEL: 'silent', RECOMMEND_CACHE_TTL_S: '0', RATE_LIMIT_PER_MINUTE: '0' });
const model = await createWorkerEmbedder({ modelsDir: config.MODELS_DIR, modelId: config.MODEL_ID, threads: config.EMBED_THREADS });
const big = await openBigCatalog({ size, config, embedder: model, modelFingerprint: modelFingerprint(config.MODELS_DIR, config.MODEL_ID), log: console.log });
const service = await createService({ ...config, DATA_DIR: big.dataDir }, { embedder: model });
const { core } = service;
const query = { limit: 20, diversity: 0.3, ...(args.has('filters') ? { category: ['tops'] } : {}) };
const searching = args.has('search');
const shoppers: string[] = [];
if (searching) {
  const titles = (JSON.parse(readFileSync(join(config.WORLD_DIR, 'products.json'), 'utf8')) as Array<{ title: string }>).slice(0, 200).map((p) => p.title);
  shoppers.push(...titles);
} else for (const u of await service.store.listUsers()) if ((await core.recommend(u.id, query as never)).personalized) shoppers.push(u.id);
const one = searching ? (text: string) => core.search({ text, limit: 20 } as never) : (id: string) => core.recommend(id, query as never);
/** CPU time of the whole process (main thread, GC helpers; the model and scan workers idle), per pass. */
const cpuMs: number[] = [];
const loop = async () => {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  for (let r = 0; r < rounds; r++) for (const id of shoppers) await one(id);
  const c = process.cpuUsage(c0);
  cpuMs.push((c.user + c.system) / 1000);
  return performance.now() - t0;
};
await loop(); // warm: JIT and every creator's lists built
const name = args.get('profile');
const n = rounds * shoppers.length;
if (name) {
  const { value: ms, profile } = await profileWhile(loop);
  writeFileSync(join(benchTmp(), `${name}.cpuprofile`), JSON.stringify(profile));
  console.log(`profiled ${n} ${searching ? 'searches' : 'computed lists'}: ${(ms / n).toFixed(3)} ms each (profiler on) -> ${join(benchTmp(), `${name}.cpuprofile`)}`);
} else {
  const each: number[] = [];
  cpuMs.length = 0;
  for (let r = 0; r < repeats; r++) each.push((await loop()) / n);
  each.sort((a, b) => a - b);
  const cpu = cpuMs.map((ms) => ms / n).sort((a, b) => a - b);
  // One call at a time, timed one by one: a slow tail here is work inside a call (a list build, a
  // garbage collection), not queueing behind other requests.
  const calls: number[] = [];
  for (let r = 0; r < rounds; r++) for (const id of shoppers) {
    const t0 = performance.now();
    await one(id);
    calls.push(performance.now() - t0);
  }
  calls.sort((a, b) => a - b);
  const at = (q: number) => calls[Math.min(calls.length - 1, Math.floor(q * calls.length))]!.toFixed(3);
  console.log(`one call at a time: p50 ${at(0.5)} ms, p99 ${at(0.99)}, max ${calls.at(-1)!.toFixed(3)}`);
  console.log(`${n} ${searching ? 'searches' : 'computed lists'} x ${repeats} repeats for ${shoppers.length} ${searching ? 'texts' : 'shoppers'}: min ${each[0]!.toFixed(3)} ms, median ${each[each.length >> 1]!.toFixed(3)} ms each (core only, no HTTP); CPU time median ${cpu[cpu.length >> 1]!.toFixed(3)} ms`);
}
await service.close();
await model.close();
process.exit(0);
