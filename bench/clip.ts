/**
 * `npm run bench:clip -- [--runs 7] [--images fixtures|photos]`
 *
 * What a real CLIP costs on this machine, float vs dynamic INT8 (MODEL_QUANTIZED=true): images/s
 * and texts/s at batch 1, 8 and 64 through the service's own ClipEmbedder, and what a 10,000-product
 * ingest would take with each. The model is the assembled real-CLIP folder (tools/clip/assemble.ts:
 * CLIP's tokenizer and configs, ViT-B/32-shaped towers with RANDOM weights, so the same work per
 * input as openai/clip-vit-base-patch32 and meaningless vectors). Writes reports/bench/clip.{md,json}.
 *
 * Skipped with a message (exit 0, previous report kept) when CLIP's reference files
 * (../shared/clip-reference) are absent, or the ONNX towers can be neither found in
 * models/.work/clip-onnx-cache nor made (python3-torch, python3-onnx).
 *
 * Each cell is the median of --runs timed runs (at least 16 images / 64 texts each) after a warm-up
 * call, one model loaded at a time (onnxruntime's idle threads spin and slow a second model down).
 * Inputs: fixtures/ product images (128 px JPEGs, upscaled to 224) and texts (`title. description`,
 * what the ingest embeds); `--images photos` uses 640 x 480 synthetic photo-like JPEGs instead.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { ClipEmbedder } from '../src/embed/clip-embedder.js';
import { assembleRealClipFolder } from '../tools/clip/assemble.js';
import { cachedRandomClipOnnx, pythonCanExport } from '../tools/clip/onnx-cache.js';
import { clipReferenceDir } from '../tools/clip/paths.js';
import { texture } from '../tools/clip/synthetic-image.js';
import { machineInfo, machineLine } from './lib/machine.js';
import { benchTmp, fmt, markdownTable, median, parseArgs, writeOut } from './lib/stats.js';

const args = parseArgs(process.argv.slice(2));
const RUNS = Math.max(1, Number(args.get('runs') ?? 7));
const PHOTOS = args.get('images') === 'photos';
const BATCHES = [1, 8, 64] as const;
const MODEL_ID = 'clip-vit-base-patch32';
const INGEST_PRODUCTS = 10_000;

export interface ClipBenchRow {
  variant: 'float32' | 'int8';
  batch: number;
  imagesPerS: number;
  textsPerS: number;
  imageRuns: number[];
  textRuns: number[];
  /** 1-minute load average after the cell: the host is shared, so every number carries it. */
  load1m: number;
}

const round2 = (x: number) => Math.round(x * 100) / 100;
const slice = <T>(xs: readonly T[], start: number, n: number) => Array.from({ length: n }, (_, k) => xs[(start + k) % xs.length]!);

/** Items per second: RUNS timed runs of at least `minItems` items each, in calls of `batch`, after one warm-up call. */
async function rate(op: (n: number, offset: number) => Promise<unknown>, batch: number, minItems: number): Promise<number[]> {
  await op(batch, 0);
  const calls = Math.ceil(Math.max(minItems, batch) / batch);
  const runs: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const t = performance.now();
    for (let c = 0; c < calls; c++) await op(batch, (r * calls + c) * batch);
    runs.push((calls * batch) / ((performance.now() - t) / 1000));
  }
  return runs;
}

/** Seconds a 10k-product ingest spends outside the model, from bench:ingest and bench:embed of the shipped model, when both exist. */
function nonModelSeconds(): { seconds: number; source: string } | null {
  const read = (f: string) => (existsSync(f) ? JSON.parse(readFileSync(f, 'utf8')) : null);
  const ingest = read('reports/bench/ingest.json');
  const embed = read('reports/bench/embed.json');
  const shipped = embed?.results.find((r: { model: string }) => r.model === ingest?.result.model)?.rows.find((x: { batch: number }) => x.batch === 64);
  if (!ingest || !shipped) return null;
  const model = ingest.result.products / shipped.imagesPerS + ingest.result.products / shipped.textsPerS;
  return {
    seconds: Math.max(0, (ingest.result.seconds * INGEST_PRODUCTS) / ingest.result.products - (model * INGEST_PRODUCTS) / ingest.result.products),
    source: `bench:ingest's ${fmt(ingest.result.products)}-product run (${fmt(ingest.result.seconds)} s, ${ingest.result.model}) minus that model's time at bench:embed's batch-64 rates`,
  };
}

async function main(): Promise<void> {
  const referenceDir = clipReferenceDir();
  const why = !referenceDir
    ? 'CLIP reference files not found (../shared/clip-reference/bpe_simple_vocab_16e6.txt.gz, or CLIP_REFERENCE_DIR)'
    : !(await cachedRandomClipOnnx(true)) && !(await pythonCanExport())
      ? 'no cached ViT-B/32 ONNX towers in models/.work/clip-onnx-cache and no python3 with torch + onnx to make them'
      : null;
  if (why) {
    console.log(`bench:clip skipped: ${why}; reports/bench/clip.md is left as it was.`);
    return;
  }
  const machine = machineInfo();
  const loadAtStart = loadavg().map(round2);
  console.log(machineLine(machine));

  const products = (JSON.parse(await readFile('fixtures/products.json', 'utf8')) as Array<{ title: string; description: string; image: string }>).slice(0, 256);
  const texts = products.map((p) => `${p.title}. ${p.description}`); // productText in src/core/commands/products.ts
  const images: Buffer[] = PHOTOS
    ? await Promise.all(Array.from({ length: 64 }, (_, i) => sharp(texture(640, 480, 100 + i), { raw: { width: 640, height: 480, channels: 3 } }).jpeg({ quality: 88 }).toBuffer()))
    : await Promise.all(products.map((p) => readFile(join('fixtures', p.image))));

  const modelsDir = await mkdtemp(join(benchTmp(), 'clip-models-'));
  const rows: ClipBenchRow[] = [];
  const loadMs: Record<string, number> = {};
  try {
    await assembleRealClipFolder(join(modelsDir, MODEL_ID), { quantized: true, referenceDir: referenceDir!, log: (l) => console.log(l) });
    for (const { variant, quantized } of [{ variant: 'float32', quantized: false }, { variant: 'int8', quantized: true }] as const) {
      const t = performance.now();
      const e = await ClipEmbedder.create({ modelsDir, modelId: MODEL_ID, quantized });
      loadMs[variant] = Math.round(performance.now() - t);
      for (const batch of BATCHES) {
        const imageRuns = await rate((n, o) => e.embedImages(slice(images, o, n)), batch, 16);
        const textRuns = await rate((n, o) => e.embedTexts(slice(texts, o, n)), batch, 64);
        const row = { variant, batch, imagesPerS: median(imageRuns), textsPerS: median(textRuns), imageRuns, textRuns, load1m: round2(loadavg()[0]!) };
        rows.push(row);
        console.log(`${variant} batch ${batch}: ${fmt(row.imagesPerS)} images/s, ${fmt(row.textsPerS)} texts/s (load ${row.load1m})`);
      }
      await e.close();
    }
  } finally {
    await rm(modelsDir, { recursive: true, force: true });
  }

  const other = nonModelSeconds();
  const minutes = (s: number) => (s >= 90 ? `${(s / 60).toFixed(1)} min` : `${Math.round(s)} s`);
  const ingest = (['float32', 'int8'] as const).map((variant) => {
    const r = rows.find((x) => x.variant === variant && x.batch === 64)!;
    const modelS = INGEST_PRODUCTS / r.imagesPerS + INGEST_PRODUCTS / r.textsPerS;
    return { variant, imageS: INGEST_PRODUCTS / r.imagesPerS, textS: INGEST_PRODUCTS / r.textsPerS, modelS, totalS: modelS + (other?.seconds ?? 0) };
  });
  const at = (v: string, b: number) => rows.find((x) => x.variant === v && x.batch === b)!;
  const speedup = BATCHES.map((b) => `batch ${b}: images ${fmt(at('int8', b).imagesPerS / at('float32', b).imagesPerS)}x, texts ${fmt(at('int8', b).textsPerS / at('float32', b).textsPerS)}x`);
  const loadAtEnd = loadavg().map(round2);

  const md = [
    `${machineLine(machine)}. 1/5/15-min load average ${loadAtStart.join(' / ')} at start, ${loadAtEnd.join(' / ')} at end: **this 2-core host is shared with other jobs, so read the medians as a floor, not as what an idle machine does.**`,
    '',
    `Model: the assembled real-CLIP folder (CLIP's own tokenizer and preprocessing config, ViT-B/32 shapes, 512-d; RANDOM weights: the work per input of openai/clip-vit-base-patch32, meaningless vectors), through the service's ClipEmbedder in-process, one model loaded at a time. INT8 = \`MODEL_QUANTIZED=true\` (onnx/*_quantized.onnx, dynamic quantization by tools/clip/quantize_dynamic.py). Inputs: ${PHOTOS ? '640 x 480 synthetic photo-like JPEGs' : 'fixtures/ product JPEGs (128 px, upscaled to 224)'} and product texts (title + description). Each cell: median of ${RUNS} runs (min-max in the JSON), load average after the cell in the last column.`,
    '',
    markdownTable(['model', 'batch', 'images/s', 'texts/s', 'load'], rows.map((r) => [r.variant === 'int8' ? 'int8 (quantized)' : 'float32', r.batch, r.imagesPerS, r.textsPerS, r.load1m])),
    '',
    `INT8 vs float32: ${speedup.join('; ')}. Model load (ClipEmbedder.create with its probe): float32 ${fmt(loadMs.float32!)} ms, int8 ${fmt(loadMs.int8!)} ms.`,
    '',
    `**A 10,000-product ingest on this machine** (one image + one text per product, at the batch-64 rates; the ingest's default EMBED_BATCH is 32, one worker thread):`,
    '',
    markdownTable(['model', 'images', 'texts', 'model time', other ? 'with the rest of the ingest' : 'total'], ingest.map((i) => [i.variant === 'int8' ? 'int8 (quantized)' : 'float32', minutes(i.imageS), minutes(i.textS), minutes(i.modelS), minutes(i.totalS)])),
    '',
    other ? `The rest of the ingest (decode, media, SQLite, HNSW inserts: ${minutes(other.seconds)}) is ${other.source}.` : 'Run `npm run bench -- --only embed,ingest` to add the non-model part of the ingest.',
  ].join('\n');
  writeOut('reports/bench/clip.json', JSON.stringify({ machine, loadAtStart, loadAtEnd, runs: RUNS, images: PHOTOS ? 'photos' : 'fixtures', loadMs, rows, ingest, nonModel: other }, null, 2));
  writeOut('reports/bench/clip.md', md);
  console.log(`\n${md}\n\nwrote reports/bench/clip.md`);
}

await main();
