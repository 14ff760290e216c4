/**
 * Index benchmark: build rate and query QPS vs Recall@10 of hnswlib-node (the service's ANN index)
 * against exact search, on clustered CLIP-like 512-d vectors (bench/lib/vectors.ts).
 *
 *   npm run bench:index -- [--sizes 10000,100000] [--queries 500] [--repeats 3]
 *                          [--configs 16:64,32:64] [--efs 16,32,64,128] [--shipped-at-100k]
 *
 * Exact baselines, measured in the same run on the same data and queries:
 *  - usearch `exactSearch` (SIMD), one query per call, 1 thread: the like-for-like peer of an HNSW
 *    query (also one query, one thread) and the denominator of the "≥ 20x" target;
 *  - usearch `exactSearch` with all queries batched on all threads: the best brute force can do;
 *  - the project's own brute force, `ExactIndex`.
 * Ground truth for recall is usearch's exact search, cross-checked against `ExactIndex`.
 *
 * hnswlib-node 3 has no batch or multi-threaded insert (one synchronous `addPoint(number[])` per
 * vector), so the raw-hnswlib rows build their `number[]`s once outside the timed loop and the build
 * is tuned through M / efConstruction. The "shipped" row drives `HnswVectorIndex` exactly as the
 * service does (Float32Array in, `Array.from` inside). usearch's own HNSW (multi-threaded `add`)
 * is a reference point for what another engine would give.
 */
import { existsSync } from 'node:fs';
import hnswlib from 'hnswlib-node';
import usearch, { type BatchMatches, type Matches } from 'usearch';
import { clusteredVectors, toArrays } from './lib/vectors.js';
import { fmt, markdownTable, median, parseArgs, seconds, timeRuns, writeOut } from './lib/stats.js';
import { machineInfo, machineLine } from './lib/machine.js';
import { idOf, projectExact, projectHnsw } from './lib/project-index.js';

const DIM = 512;
const K = 10;
const args = parseArgs(process.argv.slice(2));
const sizes = (args.get('sizes') ?? '10000,100000').split(',').map(Number);
const queryCount = Number(args.get('queries') ?? 500);
const repeats = Number(args.get('repeats') ?? 3);
const efs = (args.get('efs') ?? '16,32,48,64,100,128,200').split(',').map(Number);
const parseConfigs = (s: string) => s.split(',').map((c) => c.split(':').map(Number) as [number, number]);

interface EfPoint { ef: number; recall: number; qps: number; speedupVsSimdExact: number }
interface HnswResult { engine: string; m: number; efConstruction: number; buildS: number; insertsPerS: number; builds: number; points: EfPoint[] }
export interface SizeResult {
  n: number;
  queries: number;
  exact: { simdSingleQps: number; simdBatchedQps: number; projectQps: number; projectAgreesWithSimd: number };
  /** ms to turn every vector into a number[]: Array.from vs a preallocated loop. */
  conversionMs: { arrayFrom: number; loop: number };
  hnsw: HnswResult[];
}

function recallAt10(found: ArrayLike<number>[], truth: number[][]): number {
  let hits = 0;
  found.forEach((f, q) => {
    const t = new Set(truth[q]);
    for (let i = 0; i < Math.min(K, f.length); i++) if (t.has(Number(f[i]))) hits++;
  });
  return hits / (found.length * K);
}

function sweep(search: (q: number) => number[], truth: number[][], setEf: (ef: number) => void, simdSingleQps: number, points = efs): EfPoint[] {
  return points.map((ef) => {
    setEf(ef);
    const found = truth.map((_, q) => search(q));
    const runs = timeRuns(repeats, () => truth.forEach((_, q) => search(q)));
    const qps = truth.length / median(runs);
    return { ef, recall: recallAt10(found, truth), qps, speedupVsSimdExact: qps / simdSingleQps };
  });
}

const describe = (h: HnswResult) =>
  `  ${h.engine} M=${h.m} efC=${h.efConstruction}: ${fmt(h.insertsPerS)} inserts/s; ` + h.points.map((p) => `ef${p.ef}: R ${p.recall.toFixed(3)} ${fmt(p.qps)} QPS (${fmt(p.speedupVsSimdExact)}x)`).join('; ');

async function runSize(n: number): Promise<SizeResult> {
  const clusters = Math.round(Math.sqrt(n));
  const data = clusteredVectors({ count: n, dim: DIM, seed: 1, clusters });
  const queries = clusteredVectors({ count: queryCount, dim: DIM, seed: 2, clusters });
  const qRows = Array.from({ length: queryCount }, (_, i) => queries.subarray(i * DIM, (i + 1) * DIM));
  const qArrays = toArrays(queries, DIM);

  const batched = timeRuns(repeats, () => usearch.exactSearch(data, queries, DIM, K, usearch.MetricKind.Cos, 0));
  const gt = usearch.exactSearch(data, queries, DIM, K, usearch.MetricKind.Cos, 0) as BatchMatches;
  const truth = qRows.map((_, q) => Array.from(gt.keys.subarray(q * K, (q + 1) * K), Number));
  const single = timeRuns(repeats, () => qRows.forEach((q) => usearch.exactSearch(data, q, DIM, K, usearch.MetricKind.Cos, 1)));
  const simdSingleQps = queryCount / median(single);

  const bf = projectExact(data, DIM);
  const sub = qRows.slice(0, n >= 50_000 ? 20 : 100);
  const bfRuns = timeRuns(repeats, () => sub.forEach((q) => bf.search(q, K)));
  const agree = recallAt10(sub.map((q) => bf.search(q, K).map((h) => Number(h.id.slice(1)))), truth.slice(0, sub.length));
  const exact = { simdSingleQps, simdBatchedQps: queryCount / median(batched), projectQps: sub.length / median(bfRuns), projectAgreesWithSimd: agree };
  console.log(`n=${n}: SIMD exact ${fmt(simdSingleQps)} QPS (1 query/call, 1 thread), ${fmt(exact.simdBatchedQps)} QPS batched; ExactIndex ${fmt(exact.projectQps)} QPS (top-10 agreement ${fmt(agree)})`);

  const rowsOf = (i: number) => data.subarray(i * DIM, (i + 1) * DIM);
  const conversionMs = {
    arrayFrom: seconds(() => { for (let i = 0; i < n; i++) Array.from(rowsOf(i)); }).s * 1000,
    loop: seconds(() => toArrays(data, DIM)).s * 1000,
  };
  const rows = toArrays(data, DIM);
  const hnsw: HnswResult[] = [];

  // The shipped class, as the service drives it (its own M/efConstruction/efSearch defaults).
  if (n < 50_000 || args.has('shipped-at-100k')) {
    const { index, dispose } = await projectHnsw(DIM, n);
    const build = seconds(() => { for (let i = 0; i < n; i++) index.upsert(idOf(i), rowsOf(i)); });
    const points = sweep((q) => index.search(qRows[q], K).map((h) => Number(h.id.slice(1))), truth, () => {}, simdSingleQps, [64]);
    const settings = (index as unknown as { settings: { m: number; efConstruction: number } }).settings;
    hnsw.push({ engine: 'HnswVectorIndex (as shipped)', m: settings.m, efConstruction: settings.efConstruction, buildS: build.s, insertsPerS: n / build.s, builds: 1, points });
    console.log(describe(hnsw[hnsw.length - 1]));
    dispose();
  }

  const configs = parseConfigs(args.get('configs') ?? (n >= 50_000 ? '16:64,32:64,24:100' : '16:200,16:64,24:64,32:64'));
  const buildRepeats = n >= 50_000 ? 1 : repeats;
  for (const [m, efConstruction] of configs) {
    let index!: hnswlib.HierarchicalNSW;
    const buildTimes = timeRuns(buildRepeats, () => {
      index = new hnswlib.HierarchicalNSW('cosine', DIM);
      index.initIndex({ maxElements: n, m, efConstruction, randomSeed: 100 });
      for (let i = 0; i < n; i++) index.addPoint(rows[i], i);
    });
    const points = sweep((q) => index.searchKnn(qArrays[q], K).neighbors, truth, (ef) => index.setEf(Math.max(ef, K)), simdSingleQps);
    const buildS = median(buildTimes);
    hnsw.push({ engine: 'hnswlib-node, prebuilt number[]', m, efConstruction, buildS, insertsPerS: n / buildS, builds: buildRepeats, points });
    console.log(describe(hnsw[hnsw.length - 1]));
  }
  if (!args.has('no-usearch-hnsw')) hnsw.push(usearchHnsw(data, qRows, truth, simdSingleQps));
  return { n, queries: queryCount, exact, conversionMs, hnsw };
}

/** usearch's own HNSW: SIMD distances and a multi-threaded `add`; a reference, not what the service runs. */
function usearchHnsw(data: Float32Array, qRows: Float32Array[], truth: number[][], simdSingleQps: number): HnswResult {
  const n = data.length / DIM;
  const [m, efConstruction, efSearch] = [16, 64, 64];
  const index = new usearch.Index({ dimensions: DIM, metric: usearch.MetricKind.Cos, quantization: usearch.ScalarKind.F32, connectivity: m, expansion_add: efConstruction, expansion_search: efSearch, multi: false });
  const keys = BigUint64Array.from({ length: n }, (_, i) => BigInt(i));
  const build = seconds(() => index.add(keys, data, 0));
  // expansion_search is fixed at construction in the JS binding, so this is a single point.
  const points = sweep((q) => Array.from((index.search(qRows[q], K, 1) as Matches).keys, Number), truth, () => {}, simdSingleQps, [efSearch]);
  const result = { engine: 'usearch HNSW, all threads (reference)', m, efConstruction, buildS: build.s, insertsPerS: n / build.s, builds: 1, points };
  console.log(describe(result));
  return result;
}

/** The smallest ef reaching the recall target, per config: the row the targets are judged on. */
function bestPoints(r: SizeResult, target = 0.99) {
  return r.hnsw.map((h) => ({ h, p: h.points.find((p) => p.recall >= target) ?? null }));
}

export function renderIndexMarkdown(results: SizeResult[]): string {
  const out: string[] = [];
  for (const r of results) {
    out.push(`#### ${r.n.toLocaleString('en-US')} × ${DIM} (${r.queries} queries, k=${K})`, '');
    out.push(markdownTable(['exact baseline', 'QPS'], [
      ['usearch `exactSearch`, 1 query per call, 1 thread (SIMD)', r.exact.simdSingleQps],
      ['usearch `exactSearch`, all queries in one call, all threads', r.exact.simdBatchedQps],
      [`project \`ExactIndex\` (JS; top-10 agrees with SIMD on ${fmt(r.exact.projectAgreesWithSimd * 100)}%)`, r.exact.projectQps],
    ]), '');
    out.push(`Turning ${r.n.toLocaleString('en-US')} Float32Arrays into \`number[]\`: \`Array.from\` ${fmt(r.conversionMs.arrayFrom)} ms, preallocated loop ${fmt(r.conversionMs.loop)} ms.`, '');
    out.push('Smallest `ef` with Recall@10 ≥ 0.99, per build configuration (targets: ≥ 2,000 inserts/s and ≥ 20x SIMD exact QPS):', '');
    out.push(markdownTable(['engine', 'M', 'efConstruction', 'build inserts/s', 'ef', 'Recall@10', 'QPS', 'vs SIMD exact'],
      bestPoints(r).map(({ h, p }) => [h.engine, h.m, h.efConstruction, h.insertsPerS, p ? p.ef : `none of ${h.points.map((x) => x.ef).join('/')}`, p ? p.recall.toFixed(4) : fmt(Math.max(...h.points.map((x) => x.recall))), p ? p.qps : '-', p ? `${fmt(p.speedupVsSimdExact)}x` : '-'])), '');
    out.push('<details><summary>Full ef sweep</summary>', '');
    out.push(markdownTable(['engine', 'M', 'efC', 'ef', 'Recall@10', 'QPS', 'vs SIMD exact'],
      r.hnsw.flatMap((h) => h.points.map((p) => [h.engine, h.m, h.efConstruction, p.ef, p.recall.toFixed(4), p.qps, `${fmt(p.speedupVsSimdExact)}x`]))), '', '</details>', '');
  }
  return out.join('\n');
}

async function main(): Promise<void> {
  const machine = machineInfo();
  console.log(machineLine(machine));
  const results: SizeResult[] = [];
  for (const n of sizes) results.push(await runSize(n));
  writeOut('reports/bench/index.json', JSON.stringify({ machine, repeats, results }, null, 2));
  writeOut('reports/bench/index.md', `${machineLine(machine)}; query timings are medians of ${repeats} runs; builds at ≥ 50k are single runs.\n\n${renderIndexMarkdown(results)}`);
  console.log(`wrote reports/bench/index.json and reports/bench/index.md`);
}

if (!existsSync('package.json')) throw new Error('run from the repository root (npm run bench:index)');
await main();
