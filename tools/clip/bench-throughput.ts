/**
 * `npx tsx tools/clip/bench-throughput.ts [--runs 7] [--images fixtures|photos] [--json FILE]`
 *
 * Throughput of a ViT-B/32-shaped CLIP (the assembled real-CLIP folder: CLIP's tokenizer and configs,
 * random weights, tools/clip/assemble.ts) through the service's own ClipEmbedder, created in this
 * process: images/s and texts/s at batch 1, 8 and 64, float vs dynamic INT8 (`quantized: true`),
 * each the median of --runs timed runs after a warm-up call. Prints a markdown table and what a
 * 10,000-product ingest (one image + one text per product) would spend in the model.
 *
 * Inputs: product images and texts (`title. description`, what the ingest embeds) of fixtures/, the
 * world the service ships with (128 px JPEGs, upscaled to 224); `--images photos` uses 640 x 480
 * synthetic photo-like JPEGs instead (decode and downscale cost closer to a real catalog's).
 * A script, not a test: timings depend on the machine and whoever else uses its cores.
 */
import { readFile, rm, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { ClipEmbedder } from '../../src/embed/clip-embedder.js';
import { assembleRealClipFolder } from './assemble.js';
import { REPO_ROOT } from './paths.js';
import { texture } from './synthetic-image.js';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '7' },
    images: { type: 'string', default: 'fixtures' },
    json: { type: 'string' },
  },
});
const RUNS = Math.max(1, Number(values.runs));
const loadAtStart = os.loadavg();
const BATCHES = [1, 8, 64];
const MODEL_ID = 'clip-vit-base-patch32';

interface Product { title: string; description: string; image: string }
const world = path.join(REPO_ROOT, 'fixtures');
const products = (JSON.parse(await readFile(path.join(world, 'products.json'), 'utf8')) as Product[]).slice(0, 256);
const texts = products.map((p) => `${p.title}. ${p.description}`); // = productText in src/ingest/catalog.ts
const images: Buffer[] =
  values.images === 'photos'
    ? await Promise.all(Array.from({ length: 64 }, (_, i) => sharp(texture(640, 480, 100 + i), { raw: { width: 640, height: 480, channels: 3 } }).jpeg({ quality: 88 }).toBuffer()))
    : await Promise.all(products.map((p) => readFile(path.join(world, p.image))));

const modelsDir = await mkdtemp(path.join(os.tmpdir(), 'clip-bench-'));
let assembledS = performance.now();
await assembleRealClipFolder(path.join(modelsDir, MODEL_ID), { quantized: true, log: (l) => console.error(l) });
assembledS = (performance.now() - assembledS) / 1000;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const slice = <T>(xs: readonly T[], start: number, n: number) => Array.from({ length: n }, (_, k) => xs[(start + k) % xs.length]!);

interface Row {
  variant: string;
  batch: number;
  imagesPerS: number;
  textsPerS: number;
  imageRuns: number[];
  textRuns: number[];
  /**
   * items per CPU-second of this process, all threads (JSON only): a hint when the host is busy, not a
   * cure, since onnxruntime's threads spin while they wait for a descheduled peer
   */
  imagesPerCpuS: number;
  textsPerCpuS: number;
}
const best = (xs: number[]) => Math.max(...xs);
const VARIANTS = [
  { variant: 'float32', quantized: false },
  { variant: 'int8 (quantized)', quantized: true },
];
const loads: Record<string, number> = {};

/**
 * Items per second: RUNS timed runs of at least `minItems` items each, in calls of `batch`, after one
 * warm-up call. One model is loaded at a time: onnxruntime's idle intra-op threads spin for a while
 * after each run, so a second loaded model taking turns slowed each model down 2-5x in a first version of this script.
 */
async function rate(op: (n: number, offset: number) => Promise<unknown>, batch: number, minItems: number): Promise<{ runs: number[]; perCpuS: number }> {
  await op(batch, 0);
  const calls = Math.ceil(Math.max(minItems, batch) / batch);
  const runs: number[] = [];
  const cpu = process.cpuUsage();
  for (let r = 0; r < RUNS; r++) {
    const t = performance.now();
    for (let c = 0; c < calls; c++) await op(batch, (r * calls + c) * batch);
    runs.push((calls * batch) / ((performance.now() - t) / 1000));
  }
  const used = process.cpuUsage(cpu);
  return { runs, perCpuS: (RUNS * calls * batch) / ((used.user + used.system) / 1e6) };
}

const rows: Row[] = [];
for (const v of VARIANTS) {
  const t = performance.now();
  const e = await ClipEmbedder.create({ modelsDir, modelId: MODEL_ID, quantized: v.quantized });
  loads[v.variant] = Math.round(performance.now() - t);
  for (const batch of BATCHES) {
    const img = await rate((n, o) => e.embedImages(slice(images, o, n)), batch, 16);
    const txt = await rate((n, o) => e.embedTexts(slice(texts, o, n)), batch, 64);
    rows.push({
      variant: v.variant, batch, imagesPerS: median(img.runs), textsPerS: median(txt.runs), imageRuns: img.runs, textRuns: txt.runs,
      imagesPerCpuS: img.perCpuS, textsPerCpuS: txt.perCpuS,
    });
    console.error(`${v.variant} batch ${batch}: ${median(img.runs).toFixed(1)} images/s, ${median(txt.runs).toFixed(1)} texts/s (load ${os.loadavg()[0]!.toFixed(1)})`);
  }
  await e.close();
}
await rm(modelsDir, { recursive: true, force: true });

const fmt = (x: number) => (x >= 100 ? Math.round(x).toLocaleString('en-US') : x.toFixed(1));
const minutes = (s: number) => (s >= 90 ? `${(s / 60).toFixed(1)} min` : `${Math.round(s)} s`);
const lines = [
  `Machine: ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'CPU'}, 1/5/15-min load ${loadAtStart.map((x) => x.toFixed(1)).join(' / ')} at start, ${os.loadavg().map((x) => x.toFixed(1)).join(' / ')} at end; images: ${values.images === 'photos' ? '640 x 480 synthetic JPEGs' : 'fixtures/ product JPEGs (128 px)'}; median of ${RUNS} runs.`,
  `Load (ClipEmbedder.create incl. probe): ${Object.entries(loads).map(([k, v]) => `${k} ${v} ms`).join(', ')}.`,
  '',
  'images/s and texts/s: median of the runs (best run in brackets: on a shared host the best run is the least disturbed one).',
  '',
  '| model | batch | images/s | texts/s |',
  '| --- | ---: | ---: | ---: |',
  ...rows.map((r) => `| ${r.variant} | ${r.batch} | ${fmt(r.imagesPerS)} (${fmt(best(r.imageRuns))}) | ${fmt(r.textsPerS)} (${fmt(best(r.textRuns))}) |`),
  '',
  '10,000-product ingest, model time only (one image + one text per product, at batch 64; the ingest batches 32 by default, one worker thread):',
  '',
  '| model | images | texts | total (from the best runs) |',
  '| --- | ---: | ---: | ---: |',
  ...[...new Set(rows.map((r) => r.variant))].map((variant) => {
    const r = rows.find((x) => x.variant === variant && x.batch === 64)!;
    const imageS = 10_000 / r.imagesPerS;
    const textS = 10_000 / r.textsPerS;
    const bestS = 10_000 / best(r.imageRuns) + 10_000 / best(r.textRuns);
    return `| ${variant} | ${minutes(imageS)} | ${minutes(textS)} | ${minutes(imageS + textS)} (${minutes(bestS)}) |`;
  }),
];
console.log(lines.join('\n'));
if (values.json) await writeFile(values.json, JSON.stringify({ rows, loads, runs: RUNS, images: values.images, assembledS, cpus: os.cpus().length, loadAtStart, loadAtEnd: os.loadavg() }, null, 2));
