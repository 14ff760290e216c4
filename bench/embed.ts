/**
 * Embedding throughput through the service's `ClipEmbedder`: images/s and texts/s at batch 1, 16
 * and 64, for the shipped model and for a CLIP ViT-B/32-architecture export with RANDOM weights
 * (speed only: its vectors are meaningless), so readers see what a real CLIP costs on this CPU.
 *
 *   npm run bench:embed -- [--seconds 3] [--random-b32 DIR/NAME]
 *
 * The random model is made by the model tooling:
 *   /usr/bin/python3 tools/model/python/make_random_clip_b32.py --out .bench-tmp/models/random-clip-vit-b32
 * Image bytes are read into memory first: decode + resize + the model are measured, not the disk.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { loadConfig } from '../src/config.js';
import { ClipEmbedder } from '../src/embed/clip-embedder.js';
import type { Product } from '../tools/world/schema.js';
import { machineInfo, machineLine } from './lib/machine.js';
import { fmt, markdownTable, median, parseArgs, writeOut } from './lib/stats.js';

const args = parseArgs(process.argv.slice(2));
const budgetMs = Number(args.get('seconds') ?? 3) * 1000;
const RANDOM_B32 = args.get('random-b32') ?? '.bench-tmp/models/random-clip-vit-b32';

export interface EmbedRow { batch: number; imagesPerS: number; textsPerS: number }
export interface EmbedModelResult { model: string; note: string; loadMs: number; dimension: number; rows: EmbedRow[] }

/** Items/s over a time budget, as the median of three equal slices (so one noisy slice does not decide). */
async function rate(fn: (i: number) => Promise<unknown>, batch: number): Promise<number> {
  await fn(0); // warm-up: first-call allocations and graph optimisation
  const rates: number[] = [];
  let i = 1;
  for (let s = 0; s < 3; s++) {
    let n = 0;
    const start = performance.now();
    do {
      await fn(i++);
      n++;
    } while (performance.now() - start < budgetMs / 3);
    rates.push((n * batch) / ((performance.now() - start) / 1000));
  }
  return median(rates);
}

async function measure(modelsDir: string, modelId: string, note: string, images: Uint8Array[], texts: string[]): Promise<EmbedModelResult> {
  const t0 = performance.now();
  const embedder = await ClipEmbedder.create({ modelsDir, modelId });
  const loadMs = performance.now() - t0;
  const slice = <T>(xs: readonly T[], i: number, b: number) => Array.from({ length: b }, (_, k) => xs[(i * b + k) % xs.length]!);
  const rows: EmbedRow[] = [];
  for (const batch of [1, 16, 64]) {
    const imagesPerS = await rate((i) => embedder.embedImages(slice(images, i, batch)), batch);
    const textsPerS = await rate((i) => embedder.embedTexts(slice(texts, i, batch)), batch);
    rows.push({ batch, imagesPerS, textsPerS });
    console.log(`  ${modelId} batch ${batch}: ${fmt(imagesPerS)} images/s, ${fmt(textsPerS)} texts/s`);
  }
  const dimension = embedder.dimension;
  await embedder.close();
  return { model: modelId, note, loadMs, dimension, rows };
}

export function renderEmbedMarkdown(results: EmbedModelResult[]): string {
  return [
    markdownTable(['model', 'batch', 'images/s', 'texts/s'], results.flatMap((r) => r.rows.map((x) => [`${r.model} (${r.dimension}-d)`, x.batch, x.imagesPerS, x.textsPerS]))),
    '',
    ...results.map((r) => `- \`${r.model}\`: ${r.note}; loads in ${fmt(r.loadMs)} ms.`),
  ].join('\n');
}

async function main(): Promise<void> {
  const machine = machineInfo();
  console.log(machineLine(machine));
  const config = loadConfig(process.env);
  const products = JSON.parse(readFileSync(join(config.WORLD_DIR, 'products.json'), 'utf8')) as Product[];
  const images = products.slice(0, 256).map((p) => readFileSync(join(config.WORLD_DIR, p.image)));
  const texts = products.map((p) => `${p.title}. ${p.description}`);
  const results = [await measure(config.MODELS_DIR, config.MODEL_ID, 'the shipped model (what the service runs)', images, texts)];
  if (existsSync(join(RANDOM_B32, 'config.json'))) {
    results.push(await measure(dirname(RANDOM_B32), basename(RANDOM_B32), 'CLIP ViT-B/32 architecture with RANDOM weights: speed only, its vectors are meaningless', images, texts));
  } else {
    console.log(`no random-weight ViT-B/32 at ${RANDOM_B32}: make it with /usr/bin/python3 tools/model/python/make_random_clip_b32.py --out ${RANDOM_B32}`);
  }
  writeOut('reports/bench/embed.json', JSON.stringify({ machine, budgetMs, results }, null, 2));
  writeOut('reports/bench/embed.md', `${machineLine(machine)}; in-process ClipEmbedder, image bytes in memory (decode + preprocess + model), median of 3 slices of ${budgetMs / 1000} s per cell\n\n${renderEmbedMarkdown(results)}`);
  console.log('wrote reports/bench/embed.md');
}

await main();
