/**
 * `npm run bench [-- --only index,embed,ingest,api,calibration,clip] [--report-only]`
 *
 * Runs each benchmark script in its own process (so one's heap and threads never skew the next),
 * then writes BENCHMARKS.md: the machine, the targets with measured values and verdicts, and each
 * benchmark's section from reports/bench/<name>.md. `--report-only` rebuilds BENCHMARKS.md from the
 * reports already there.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { machineInfo, machineLine, type MachineInfo } from './lib/machine.js';
import { fmt, markdownTable, parseArgs } from './lib/stats.js';

const BENCHES = [
  { name: 'index', script: 'bench/index.ts', title: 'Vector index (hnswlib-node vs exact search)' },
  { name: 'embed', script: 'bench/embed.ts', title: 'Embedding throughput' },
  { name: 'ingest', script: 'bench/ingest.ts', title: 'Ingest of 10k products' },
  { name: 'api', script: 'bench/api.ts', title: 'API under load (100k products)' },
  { name: 'calibration', script: 'bench/calibrate-vectors.ts', title: 'Are the synthetic index vectors realistic?' },
  { name: 'clip', script: 'bench/clip.ts', title: 'A real CLIP (ViT-B/32 shapes): float32 vs INT8 (MODEL_QUANTIZED)' },
] as const;

const args = parseArgs(process.argv.slice(2));
const only = args.get('only')?.split(',');
const readJson = (name: string) => (existsSync(`reports/bench/${name}.json`) ? JSON.parse(readFileSync(`reports/bench/${name}.json`, 'utf8')) : null);

if (!args.has('report-only')) {
  for (const b of BENCHES.filter((x) => !only || only.includes(x.name))) {
    console.log(`\n=== ${b.name}: tsx ${b.script}`);
    const r = spawnSync(process.execPath, ['--import', 'tsx', b.script], { stdio: 'inherit' });
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
  const recs = api?.result.scenarios.find((s: { name: string }) => s.name === 'recommendations');
  if (recs) {
    const errs = recs.result.errors + recs.result.timeouts + recs.result.non2xx;
    rows.push([`Recommendations p99 ≤ 30 ms, ${fmt(api.result.products)} products, ${recs.connections} connections, 0 errors`,
      `p99 ${recs.result.p99} ms at ${fmt(recs.result.rps)} req/s; ${errs} errors`,
      recs.result.p99 <= 30 && errs === 0 ? 'met' : `missed: ${fmt(recs.result.p99 / 30)}x the latency target`]);
    const off = api.result.scenarios.find((s: { name: string }) => s.name === 'recommendations, response cache off');
    if (off) {
      const e = off.result.errors + off.result.timeouts + off.result.non2xx;
      rows.push(['…the same with the response cache off (every request computed)', `p99 ${off.result.p99} ms at ${fmt(off.result.rps)} req/s; ${e} errors`,
        off.result.p99 <= 30 && e === 0 ? 'met' : `missed: ${fmt(off.result.p99 / 30)}x the latency target`]);
    }
  }
  const ingest = readJson('ingest');
  if (ingest) {
    const s = ingest.result.seconds;
    rows.push([`Ingest of ${fmt(ingest.result.products)} products ≤ 60 s`, `${fmt(s)} s`, s <= 60 ? 'met' : `missed by ${fmt(s - 60)} s`]);
  }
  return rows;
}

function section(name: string, title: string): string {
  const path = `reports/bench/${name}.md`;
  return `## ${title}\n\n${existsSync(path) ? readFileSync(path, 'utf8').trim() : `_not run yet: npm run bench -- --only ${name}_`}\n\nRerun: \`npm run bench -- --only ${name}\`${existsSync(`reports/bench/${name}.json`) ? ` · raw numbers: [reports/bench/${name}.json](reports/bench/${name}.json)` : ''}\n`;
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
