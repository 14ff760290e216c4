/**
 * Index benchmark: build rate and query QPS vs Recall@10 of hnswlib-node (the service's ANN index)
 * against exact search, on clustered CLIP-like 512-d vectors.
 *
 *   npm run bench:index -- [--sizes 10000,100000] [--queries 500] [--repeats 3]
 *                          [--configs 16:200,16:64] [--efs 16,32,64,128] [--naive-at-100k]
 *
 * Exact baselines, all measured in the same run on the same data and queries:
 *  - usearch `exactSearch` (SIMD), one query per call, 1 thread: the like-for-like peer of an HNSW
 *    query (also single-threaded), and the denominator of the "≥ 20x" target;
 *  - usearch `exactSearch` with all queries batched on all threads: the best a brute force can do;
 *  - the project's own brute force (`ExactIndex` from src/index when present, a plain JS loop otherwise).
 * Ground truth for recall is usearch's batched exact search, cross-checked against the JS brute force.
 *
 * hnswlib-node 3 has no batch or multi-threaded insert: `addPoint` is one synchronous call per vector
 * taking a `number[]`. So arrays are built once outside the timed loop, and the build is tuned through
 * M / efConstruction. usearch's own HNSW (multi-threaded `add`) is measured as a reference point.
 */
import { existsSync } from 'node:fs';
import hnswlib from 'hnswlib-node';
import usearch, { type BatchMatches, type Matches } from 'usearch';
import { clusteredVectors, toArrays } from './lib/vectors.js';
import { fmt, markdownTable, median, parseArgs, seconds, timeRuns, writeOut } from './lib/stats.js';
import { machineInfo, machineLine } from './lib/machine.js';
import { bruteForce } from './lib/brute-force.js';

const DIM = 512;
const K = 10;
const args = parseArgs(process.argv.slice(2));
const sizes = (args.get('sizes') ?? '10000,100000').split(',').map(Number);
const queryCount = Number(args.get('queries') ?? 500);
const repeats = Number(args.get('repeats') ?? 3);
const efs = (args.get('efs') ?? '10,16,24,32,48,64,100,128,200').split(',').map(Number);
const parseConfigs = (s: string) => s.split(',').map((c) => c.split(':').map(Number) as [number, number]);

interface EfPoint { ef: number; recall: number; qps: number; speedupVsSimdExact: number }
interface HnswResult { engine: string; m: number; efConstruction: number; buildS: number; insertsPerS: number; points: EfPoint[] }
interface SizeResult {
  n: number;
  queries: number;
  exact: { simdSingleQps: number; simdBatchedQps: number; projectQps: number; projectKind: string; projectAgreesWithSimd: number };
  hnsw: HnswResult[];
}

function recallAt10(found: ArrayLike<number>[], truth: number[][]): number {
  let hits = 0;
  found.forEach((f, q) => {
    const t = new Set(truth[q]);
    for (let i = 0; i < Math.min(K, f.length); i++) if (t.has(Number(f[i]))) hits++;
  });
  return hits / (truth.length * K);
}

function runSize(n: number): SizeResult {
  const clusters = Math.round(Math.sqrt(n));
  const data = clusteredVectors({ count: n, dim: DIM, seed: 1, clusters });
  const queries = clusteredVectors({ count: queryCount, dim: DIM, seed: 2, clusters });
  const qRows = Array.from({ length: queryCount }, (_, i) => queries.subarray(i * DIM, (i + 1) * DIM));
  const qArrays = toArrays(queries, DIM);

  // Ground truth + the batched, all-threads SIMD baseline (same call, timed).
  const batched = timeRuns(repeats, () => usearch.exactSearch(data, queries, DIM, K, usearch.MetricKind.Cos, 0));
  const gt = usearch.exactSearch(data, queries, DIM, K, usearch.MetricKind.Cos, 0) as BatchMatches;
  const truth = qRows.map((_, q) => Array.from(gt.keys.subarray(q * K, (q + 1) * K), Number));
  const single = timeRuns(repeats, () => {
    for (const q of qRows) usearch.exactSearch(data, q, DIM, K, usearch.MetricKind.Cos, 1);
  });
  const simdSingleQps = queryCount / median(single);

  // The project's brute force is slow at 100k in JS: time a subset of queries.
  const bf = bruteForce(data, DIM);
  const sub = qRows.slice(0, n >= 50_000 ? 40 : 200);
  const bfRuns = timeRuns(repeats, () => sub.forEach((q) => bf.search(q, K)));
  const bfFound = sub.map((q) => bf.search(q, K));
  const agree = recallAt10(bfFound, truth.slice(0, sub.length));
  const exact = { simdSingleQps, simdBatchedQps: queryCount / median(batched), projectQps: sub.length / median(bfRuns), projectKind: bf.kind, projectAgreesWithSimd: agree };
  console.log(`n=${n}: SIMD exact ${fmt(simdSingleQps)} QPS (1 query/call, 1 thread), ${fmt(exact.simdBatchedQps)} QPS batched; ${bf.kind} ${fmt(exact.projectQps)} QPS, agrees ${fmt(agree)}`);

  const rows = toArrays(data, DIM);
  const defaults = n >= 50_000 ? '16:64,12:48' : '16:200,16:100,16:64,12:48,24:64';
  const configs = parseConfigs(args.get('configs') ?? defaults);
  if (n >= 50_000 && args.has('naive-at-100k')) configs.unshift([16, 200]);
  const hnsw: HnswResult[] = [];
  for (const [m, efConstruction] of configs) {
    const index = new hnswlib.HierarchicalNSW('cosine', DIM);
    index.initIndex({ maxElements: n, m, efConstruction, randomSeed: 100 });
    const build = seconds(() => {
      for (let i = 0; i < n; i++) index.addPoint(rows[i], i);
    });
    const points: EfPoint[] = efs.map((ef) => {
      index.setEf(Math.max(ef, K));
      const found = qArrays.map((q) => index.searchKnn(q, K).neighbors);
      const runs = timeRuns(repeats, () => qArrays.forEach((q) => index.searchKnn(q, K)));
      const qps = queryCount / median(runs);
      return { ef, recall: recallAt10(found, truth), qps, speedupVsSimdExact: qps / simdSingleQps };
    });
    hnsw.push({ engine: 'hnswlib-node', m, efConstruction, buildS: build.s, insertsPerS: n / build.s, points });
    console.log(`  hnswlib M=${m} efC=${efConstruction}: ${fmt(n / build.s)} inserts/s; ` + points.map((p) => `ef${p.ef}: R ${fmt(p.recall)} ${fmt(p.qps)} QPS (${fmt(p.speedupVsSimdExact)}x)`).join('; '));
  }
  if (!args.has('no-usearch-hnsw')) hnsw.push(usearchHnsw(data, qRows, truth, simdSingleQps));
  return { n, queries: queryCount, exact, hnsw };
}

/** usearch's own HNSW: SIMD distances and a multi-threaded `add`, as a reference for what the build could reach. */
function usearchHnsw(data: Float32Array, qRows: Float32Array[], truth: number[][], simdSingleQps: number): HnswResult {
  const n = data.length / DIM;
  const m = 16;
  const efConstruction = 64;
  const index = new usearch.Index({ dimensions: DIM, metric: usearch.MetricKind.Cos, quantization: usearch.ScalarKind.F32, connectivity: m, expansion_add: efConstruction, expansion_search: 64, multi: false });
  const keys = BigUint64Array.from({ length: n }, (_, i) => BigInt(i));
  const build = seconds(() => index.add(keys, data, 0));
  const points: EfPoint[] = [];
  for (const ef of efs) {
    // usearch fixes expansion_search at construction; emulate the ef sweep by rebuilding only the search side is not possible, so one point.
    if (ef !== 64) continue;
    const found = qRows.map((q) => Array.from((index.search(q, K, 1) as Matches).keys, Number));
    const runs = timeRuns(repeats, () => qRows.forEach((q) => index.search(q, K, 1)));
    const qps = qRows.length / median(runs);
    points.push({ ef, recall: recallAt10(found, truth), qps, speedupVsSimdExact: qps / simdSingleQps });
  }
  console.log(`  usearch HNSW M=${m} efC=${efConstruction}: ${fmt(n / build.s)} inserts/s (all threads); ` + points.map((p) => `ef${p.ef}: R ${fmt(p.recall)} ${fmt(p.qps)} QPS`).join('; '));
  return { engine: 'usearch HNSW (reference)', m, efConstruction, buildS: build.s, insertsPerS: n / build.s, points };
}

export function renderIndexMarkdown(results: SizeResult[]): string {
  const out: string[] = [];
  for (const r of results) {
    out.push(`#### ${r.n.toLocaleString('en-US')} × ${DIM} (${r.queries} queries, k=${K})`);
    out.push(markdownTable(['exact baseline', 'QPS'], [
      ['usearch exactSearch, 1 query per call, 1 thread (SIMD)', r.exact.simdSingleQps],
      ['usearch exactSearch, all queries batched, all threads', r.exact.simdBatchedQps],
      [`project brute force (${r.exact.projectKind}; agrees with SIMD on ${fmt(r.exact.projectAgreesWithSimd * 100)}% of top-10)`, r.exact.projectQps],
    ]));
    out.push('');
    const rows = r.hnsw.flatMap((h) => h.points.map((p) => [h.engine, h.m, h.efConstruction, h.insertsPerS, p.ef, p.recall.toFixed(4), p.qps, `${fmt(p.speedupVsSimdExact)}x`]));
    out.push(markdownTable(['engine', 'M', 'efConstruction', 'build inserts/s', 'ef', 'Recall@10', 'QPS', 'vs SIMD exact (1 thread)'], rows));
    out.push('');
  }
  return out.join('\n');
}

async function main(): Promise<void> {
  const machine = machineInfo();
  console.log(machineLine(machine));
  const results = sizes.map(runSize);
  const stamp = machine.date.slice(0, 10);
  writeOut(`reports/bench/index-${stamp}.json`, JSON.stringify({ machine, repeats, results }, null, 2));
  writeOut('reports/bench/index.md', `<!-- generated by npm run bench:index -->\n${machineLine(machine)}; medians of ${repeats} timed runs\n\n${renderIndexMarkdown(results)}`);
  console.log(`wrote reports/bench/index-${stamp}.json and reports/bench/index.md`);
}

if (!existsSync('package.json')) throw new Error('run from the repository root (npm run bench:index)');
await main();
