/**
 * `npm run bench [-- --only index,embed,ingest,api,profile,api-1m,api-1m-512d,calibration,clip] [--report-only]`
 *
 * Runs each benchmark script in its own process (so one's heap and threads never skew the next),
 * then writes BENCHMARKS.md: the machine, the targets with measured values and verdicts, and each
 * benchmark's section from reports/bench/<name>.md. `--report-only` rebuilds BENCHMARKS.md from the
 * reports already there. The 1M catalogs are built once into .bench-tmp/ (tens of minutes the
 * first time) and reused.
 *
 * reports/bench/api-before.json (when present) is `npm run bench:api` run on the code before the
 * computed-path redesign (commit 197408f), shown side by side with the current run.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { majorGcTag } from './lib/gc-pauses.js';
import { machineInfo, machineLine, type MachineInfo } from './lib/machine.js';
import { fmt, markdownTable, parseArgs } from './lib/stats.js';

const BENCHES: ReadonlyArray<{ name: string; script: string; args?: string[]; title: string }> = [
  { name: 'index', script: 'bench/index.ts', title: 'Vector index (hnswlib-node vs exact search)' },
  { name: 'embed', script: 'bench/embed.ts', title: 'Embedding throughput' },
  { name: 'ingest', script: 'bench/ingest.ts', title: 'Ingest of 10k products' },
  { name: 'api', script: 'bench/api.ts', title: 'API under load (100k products)' },
  { name: 'profile', script: 'bench/profile.ts', args: ['--label', 'after'], title: 'Where the main thread\'s time goes (CPU profile, 100k products)' },
  { name: 'api-1m', script: 'bench/api.ts', args: ['--products', '1000000'], title: 'API under load (1M products, 128-d)' },
  { name: 'api-1m-512d', script: 'bench/api.ts', args: ['--products', '1000000', '--dim', '512'], title: 'API under load (1M products, 512-d)' },
  { name: 'calibration', script: 'bench/calibrate-vectors.ts', title: 'Are the synthetic index vectors realistic?' },
  { name: 'clip', script: 'bench/clip.ts', title: 'A real CLIP (ViT-B/32 shapes): float32 vs INT8 (MODEL_QUANTIZED)' },
  // Needs DATABASE_URL (scripts/postgres/start.sh); without one it fails and the previous report is kept.
  { name: 'pg-100k', script: 'bench/pg.ts', args: ['--products', '100000'], title: 'PostgreSQL' },
];

const args = parseArgs(process.argv.slice(2));
const only = args.get('only')?.split(',');
const readJson = (name: string) => (existsSync(`reports/bench/${name}.json`) ? JSON.parse(readFileSync(`reports/bench/${name}.json`, 'utf8')) : null);

if (!args.has('report-only')) {
  for (const b of BENCHES.filter((x) => !only || only.includes(x.name))) {
    console.log(`\n=== ${b.name}: tsx ${b.script}`);
    const r = spawnSync(process.execPath, ['--import', 'tsx', b.script, ...(b.args ?? [])], { stdio: 'inherit' });
    if (r.status !== 0) console.error(`${b.name} failed with exit code ${r.status}; its previous report (if any) is kept`);
  }
}

type Verdict = [target: string, measured: string, verdict: string];

/** Each target with the number it is judged on, read from the benchmarks' JSON. */
function targets(): Verdict[] {
  const rows: Verdict[] = [];
  const index = readJson('index');
  const big = index?.results.find((r: { n: number }) => r.n === 100_000);
  if (big) {
    const hnsw = big.hnsw.filter((h: { engine: string }) => !h.engine.startsWith('usearch'));
    const ok = hnsw.flatMap((h: any) => h.points.filter((p: any) => p.recall >= 0.99).map((p: any) => ({ h, p })));
    const fastest = ok.sort((a: any, b: any) => b.p.speedupVsSimdExact - a.p.speedupVsSimdExact)[0];
    rows.push(['ANN Recall@10 ≥ 0.99 at ≥ 20x SIMD exact QPS, 100k × 512',
      fastest ? `${fmt(fastest.p.speedupVsSimdExact)}x at Recall@10 ${fastest.p.recall.toFixed(4)} (M=${fastest.h.m}, efC=${fastest.h.efConstruction}, ef=${fastest.p.ef})` : 'no configuration reached 0.99',
      fastest && fastest.p.speedupVsSimdExact >= 20 ? 'met' : `missed${fastest ? ` (${fmt(fastest.p.speedupVsSimdExact / 20 * 100)}% of target)` : ''}`]);
    const builds = ok.sort((a: any, b: any) => b.h.insertsPerS - a.h.insertsPerS)[0];
    rows.push(['Index build ≥ 2,000 inserts/s at 100k × 512, keeping Recall@10 ≥ 0.99',
      builds ? `${fmt(builds.h.insertsPerS)} inserts/s (M=${builds.h.m}, efC=${builds.h.efConstruction})` : 'no configuration reached 0.99',
      builds && builds.h.insertsPerS >= 2000 ? 'met' : `missed${builds ? ` by ${fmt(2000 - builds.h.insertsPerS)} inserts/s` : ''}`]);
    const both = ok.filter((x: any) => x.h.insertsPerS >= 2000 && x.p.speedupVsSimdExact >= 20).sort((a: any, b: any) => b.p.speedupVsSimdExact - a.p.speedupVsSimdExact)[0];
    rows.push(['…both with ONE configuration (what the service would ship)',
      both ? `M=${both.h.m}, efC=${both.h.efConstruction}, ef=${both.p.ef}: ${fmt(both.h.insertsPerS)} inserts/s, Recall@10 ${both.p.recall.toFixed(4)}, ${fmt(both.p.speedupVsSimdExact)}x` : 'no single configuration met both',
      both ? 'met' : 'missed']);
  }
  const api = readJson('api');
  const scenario = (r: any, name: string) => r?.result.scenarios.find((s: { name: string }) => s.name === name);
  const errorsOf = (s: any) => s.result.errors + s.result.timeouts + s.result.non2xx;
  const latency = (target: string, s: any, limit: number) => {
    if (!s) return;
    const e = errorsOf(s);
    // With each run's full GCs of the server: a run that had one is where the p99 jumps.
    rows.push([target, `p99 ${s.result.p99} ms at ${fmt(s.result.rps)} req/s${s.runs ? ` (median of ${s.runs.length} runs: ${s.runs.map((x: any) => `${x.p99}${majorGcTag(x.gc)}`).join(' / ')} ms)` : majorGcTag(s.result.gc)}; ${e} errors`,
      s.result.p99 <= limit && e === 0 ? 'met' : `missed: ${fmt(s.result.p99 / limit)}x the latency target${e ? `, ${e} errors` : ''}`]);
  };
  if (api) {
    const n = fmt(api.result.products);
    latency(`Recommendations p99 ≤ 30 ms, ${n} products, 32 connections, 0 errors (response cache on)`, scenario(api, 'recommendations'), 30);
    latency(`Recommendations with the response cache OFF (every list computed), ${n} products, 32 connections: p99 ≤ 30 ms, 0 errors`, scenario(api, 'recommendations, response cache off'), 30);
    latency(`Text search, ${n} products, 32 connections: p99 ≤ 30 ms`, scenario(api, 'search (text)'), 30);
    const eld = api.result.ingest;
    if (eld?.eld?.ingestUnderLoad) {
      const p99 = eld.eld.ingestUnderLoad.p99;
      rows.push([`Event-loop delay p99 ≤ 20 ms while a ${fmt(eld.products)}-product ingest runs under load`, `p99 ${fmt(p99)} ms (max ${fmt(eld.eld.ingestUnderLoad.max)} ms); ingest took ${fmt(eld.secondsUnderLoad)} s`,
        p99 <= 20 ? 'met' : `missed: ${fmt(p99 / 20)}x`]);
    }
  }
  for (const [name, what] of [['api-1m', '1M products (128-d)'], ['api-1m-512d', '1M products (512-d)']] as const) {
    const big = readJson(name);
    if (!big) continue;
    latency(`Recommendations, response cache off, ${what}, 32 connections: p99 ≤ 50 ms, 0 errors`, scenario(big, 'recommendations, response cache off'), 50);
    const r = big.result;
    rows.push([`${what}: build, memory, start-up (reported)`, `built in ${fmt(r.build.totalSeconds ?? NaN)} s (index ${fmt(r.build.indexInsertsPerS)} inserts/s); start-up ${fmt(r.startup.ms / 1000)} s; RSS ${fmt(r.startup.rssMiB)} MiB after start-up, max ${fmt(r.memory.maxRssMiB)} MiB`, 'reported']);
  }
  const ingest = readJson('ingest');
  if (ingest) {
    const s = ingest.result.seconds;
    rows.push([`Ingest of ${fmt(ingest.result.products)} products ≤ 60 s`, `${fmt(s)} s`, s <= 60 ? 'met' : `missed by ${fmt(s - 60)} s`]);
  }
  return rows;
}

function section(name: string, title: string): string {
  if (name === 'profile') {
    const part = (label: string, what: string) => {
      const path = `reports/bench/profile-${label}.md`;
      return existsSync(path) ? `### ${what}\n\n${readFileSync(path, 'utf8').trim()}\n` : '';
    };
    return `## ${title}\n\n${part('before', 'Before (commit 197408f: ANN search with a JS filter per request, plain greedy MMR)')}\n${part('stop18', 'At stop 18 (commit 39bc2ac: candidate lists, lazy MMR, pino-http access log, one Router of every route)')}\n${part('after', 'After (MMR bounds in a heap, fewer allocations per list, requests take turns, lighter HTTP layer, frozen response cache)')}\nRerun: \`npm run bench -- --only profile\` (the earlier profiles: \`npm run bench:profile -- --label before\` on commit 197408f, \`--label stop18\` on 39bc2ac with this session's rate-limit fix to bench/profile.ts)\n`;
  }
  const path = `reports/bench/${name}.md`;
  return `## ${title}\n\n${existsSync(path) ? readFileSync(path, 'utf8').trim() : `_not run yet: npm run bench -- --only ${name}_`}\n\nRerun: \`npm run bench -- --only ${name}\`${existsSync(`reports/bench/${name}.json`) ? ` · raw numbers: [reports/bench/${name}.json](reports/bench/${name}.json)` : ''}\n`;
}

/** The API scenarios before the computed-path redesign and now, side by side (same bench script). */
function beforeAfter(): string {
  const before = readJson('api-before');
  const after = readJson('api');
  if (!before || !after) return '';
  const cell = (s: any) => (s ? `${fmt(s.result.rps)} / ${s.result.p50} / ${s.result.p99}` : '–');
  const rows = after.result.scenarios.map((s: any) => [s.name, s.connections, cell(before.result.scenarios.find((b: any) => b.name === s.name)), cell(s)]);
  const eld = (r: any) => (r.result.ingest?.eld ? `${fmt(r.result.ingest.eld.ingestUnderLoad.p99)} / ${fmt(r.result.ingest.eld.ingestUnderLoad.max)}` : '–');
  rows.push([`event-loop delay while products are ingested under load (p99 / max ms; before: ${before.result.ingest.products} products, after: ${after.result.ingest.products})`, 8, eld(before), eld(after)]);
  rows.push(['one index flush: ms on the event loop (before: synchronous) / wall', '', `${fmt(before.result.ingest.flushMs)} / ${fmt(before.result.ingest.flushMs)}`, `${fmt(after.result.ingest.flushEldMaxMs ?? NaN)} / ${fmt(after.result.ingest.flushMs)}`]);
  return [
    '## Before and after the computed-path redesign (issue 15)',
    '',
    `The same \`npm run bench:api\` on the code before (commit 197408f; ${machineLine(before.machine)}) and now (${machineLine(after.machine)}). Cells are req/s / p50 ms / p99 ms.`,
    '',
    markdownTable(['scenario', 'connections', 'before', 'after'], rows),
    '',
  ].join('\n');
}

const machine: MachineInfo = machineInfo();
const analysis = existsSync('reports/bench/analysis.md') ? `\n${readFileSync('reports/bench/analysis.md', 'utf8').trim()}\n` : '';
const doc = [
  '# Benchmarks',
  '',
  '<!-- generated by `npm run bench` (bench/all.ts); edit reports/bench/analysis.md for the commentary -->',
  `Machine: ${machineLine(machine)}. Every section names the load average when it started: this box is shared, so numbers taken while other jobs ran are noisy and are marked as such in the commentary.`,
  '',
  '## Targets',
  '',
  markdownTable(['target', 'measured', 'verdict'], targets()),
  analysis,
  beforeAfter(),
  ...BENCHES.map((b) => section(b.name, b.title)),
].join('\n');
writeFileSync('BENCHMARKS.md', doc);
console.log('\nwrote BENCHMARKS.md');

// The README shows the targets table between its bench markers; nothing else in it is touched.
const [START, END] = ['<!-- bench:start -->', '<!-- bench:end -->'];
const readme = existsSync('README.md') ? readFileSync('README.md', 'utf8') : '';
const a = readme.indexOf(START);
const b = readme.indexOf(END);
if (a >= 0 && b > a) {
  const table = markdownTable(['target (this 2-core machine)', 'measured', 'verdict'], targets());
  writeFileSync('README.md', `${readme.slice(0, a)}${START}\nLatest targets (details, machine and analysis in [BENCHMARKS.md](BENCHMARKS.md)):\n\n${table}\n${readme.slice(b)}`);
  console.log('updated the README targets table');
}
