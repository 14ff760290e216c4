/**
 * Where a computed recommendation's and a text search's main-thread time goes, under load:
 * the server (the composition root on the big bench catalog, response cache OFF so every list is
 * computed) is CPU-profiled with V8's sampling profiler (the data `node --cpu-prof` writes) while
 * autocannon drives it, and the profile is summarised per pipeline stage in ms per request.
 *
 *   npm run bench:profile -- [--products 100000] [--duration 8] [--connections 32] [--label now]
 *
 * Writes reports/bench/profile-<label>.{md,json}; the raw `.cpuprofile` files go to .bench-tmp/
 * (open them in Chrome DevTools or speedscope).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import type { Embedder } from '../src/embed/types.js';
import { createWorkerEmbedder } from '../src/embed/worker-pool.js';
import { createService } from '../src/service.js';
import type { Product } from '../tools/world/schema.js';
import { modelFingerprint, openBigCatalog } from './lib/big-catalog.js';
import { profileWhile, summarise, type ProfileSummary } from './lib/cpu-profile.js';
import { runLoad, type LoadRequest, type LoadResult } from './lib/load.js';
import { machineInfo, machineLine } from './lib/machine.js';
import { benchTmp, fmt, markdownTable, parseArgs, writeOut } from './lib/stats.js';

const args = parseArgs(process.argv.slice(2));
const size = Number(args.get('products') ?? 100_000);
const duration = Number(args.get('duration') ?? 8);
const connections = Number(args.get('connections') ?? 32);
const label = args.get('label') ?? 'now';

/** Wall time the main thread waited for the model worker, per call (queueing included). */
function timedEmbedder(inner: Embedder) {
  const waits: number[] = [];
  const embedder: Embedder = {
    ...inner,
    modelId: inner.modelId,
    dimension: inner.dimension,
    embedImages: (x) => inner.embedImages(x),
    close: () => inner.close(),
    async embedTexts(texts) {
      const t0 = performance.now();
      try {
        return await inner.embedTexts(texts);
      } finally {
        waits.push(performance.now() - t0);
      }
    },
  };
  return { embedder, waits };
}

interface Scenario { name: string; load: LoadResult; summary: ProfileSummary; extra?: Record<string, number> }

async function main(): Promise<void> {
  const machine = machineInfo();
  console.log(machineLine(machine));
  // No rate limit: with the default 1,200 a minute per key, the load turns into 429s within a
  // second and the profile would measure rejections, not computed lists.
  // The embedded backend always ('' = unset): `npm run bench` runs with DATABASE_URL exported for
  // bench/pg.ts, which once sent this benchmark to an empty PostgreSQL schema.
  const config = loadConfig({ ...process.env, DATABASE_URL: '', LOG_LEVEL: 'silent', RECOMMEND_CACHE_TTL_S: '0', RATE_LIMIT_PER_MINUTE: '0' });
  const model = await createWorkerEmbedder({ modelsDir: config.MODELS_DIR, modelId: config.MODEL_ID, threads: config.EMBED_THREADS });
  const { embedder, waits } = timedEmbedder(model);
  const big = await openBigCatalog({ size, config, embedder: model, modelFingerprint: modelFingerprint(config.MODELS_DIR, config.MODEL_ID), log: console.log });
  const service = await createService({ ...config, DATA_DIR: big.dataDir }, { embedder });
  const { app } = createApp({ config: service.config, core: service.core, demo: false });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const headers = { authorization: `Bearer ${config.API_KEYS.find((k) => k.scope === 'app')!.key}`, 'content-type': 'application/json' };

  const personalised: string[] = [];
  for (const u of await service.store.listUsers()) if ((await service.core.recommend(u.id, { limit: 20, diversity: 0.3 })).personalized) personalised.push(u.id);
  const recs: LoadRequest[] = personalised.map((id) => ({ method: 'GET', path: `/v1/users/${id}/recommendations?limit=20` }));
  if (recs.length === 0) throw new Error('no shopper gets a personalised list: nothing to profile');
  const titles = (JSON.parse(readFileSync(join(config.WORLD_DIR, 'products.json'), 'utf8')) as Product[]).slice(0, 200).map((p) => p.title);
  const searches: LoadRequest[] = titles.map((t) => ({ method: 'POST', path: '/v1/search', body: JSON.stringify({ text: t, limit: 20 }) }));

  const scenarios: Scenario[] = [];
  const profiled = async (name: string, requests: LoadRequest[], file: string) => {
    await runLoad({ url, connections, duration: 2, requests, headers });
    waits.length = 0;
    const { value: load, profile } = await profileWhile(() => runLoad({ url, connections, duration, requests, headers }));
    writeFileSync(join(benchTmp(), `${label}-${file}.cpuprofile`), JSON.stringify(profile));
    // A profile of error responses would describe the wrong work: refuse to report one.
    if (load.errors > 0 || load.non2xx > 0) throw new Error(`${name}: ${load.errors} errors and ${load.non2xx} non-2xx responses under load; the profile would not describe ${name}`);
    const summary = summarise(profile, load.requests);
    const extra = waits.length > 0 ? { embedCalls: waits.length, embedWaitMsMean: waits.reduce((s, x) => s + x, 0) / waits.length } : undefined;
    scenarios.push({ name, load, summary, extra });
    console.log(`${name}: ${fmt(load.rps)} req/s, p50 ${load.p50} ms, p99 ${load.p99} ms; main thread busy ${fmt(summary.busyMsPerRequest)} ms/request`);
    for (const s of summary.stages.slice(0, 8)) console.log(`  ${fmt(s.msPerRequest)} ms  ${s.stage}`);
  };
  await profiled('recommendations, response cache off', recs, 'recommendations');
  await profiled('search (text)', searches, 'search');

  const out = { machine, label, products: size, connections, duration, scenarios };
  writeOut(`reports/bench/profile-${label}.json`, JSON.stringify(out, null, 2));
  writeOut(`reports/bench/profile-${label}.md`, render(out));
  console.log(`wrote reports/bench/profile-${label}.md`);
  await new Promise((r) => (server.close(r), server.closeAllConnections()));
  await service.close();
  await model.close();
}

function render(o: { machine: ReturnType<typeof machineInfo>; label: string; products: number; connections: number; duration: number; scenarios: Scenario[] }): string {
  const parts = [`${machineLine(o.machine)}; ${o.products.toLocaleString('en-US')} products, ${o.connections} connections, ${o.duration} s profiled per scenario (V8 sampling profiler, 0.5 ms interval, server main thread only).`, ''];
  for (const s of o.scenarios) {
    parts.push(`**${s.name}**: ${fmt(s.load.rps)} req/s, p50 ${s.load.p50} ms, p99 ${s.load.p99} ms; main thread busy **${fmt(s.summary.busyMsPerRequest)} ms per request**` +
      (s.extra ? `; ${s.extra.embedCalls} model calls, each waited ${fmt(s.extra.embedWaitMsMean)} ms on average (worker queue + model)` : '') + '.', '');
    parts.push(markdownTable(['stage (self time, charged to the calling stage)', 'ms / request', 'share of wall'], s.summary.stages.filter((r) => r.share >= 0.005).map((r) => [r.stage, r.msPerRequest.toFixed(3), `${(r.share * 100).toFixed(1)}%`])), '');
    if (s.summary.functions.length > 0) {
      parts.push(markdownTable(['function (inclusive)', 'ms / request'], s.summary.functions.map((f) => [`\`${f.fn}\``, f.msPerRequest.toFixed(3)])), '');
    }
  }
  return parts.join('\n');
}

await main();
setTimeout(() => {
  console.error(`bench/profile: still active 10 s after the report: ${process.getActiveResourcesInfo().join(', ')}`);
  // The report is written: end with success (bench/all.ts would call it failed), the message names the leak.
  process.exit(0);
}, 10_000).unref();
