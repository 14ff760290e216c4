/**
 * `npm run bench:model [-- --model style-clip-mini --models-dir models --seconds 3]`
 *
 * Load time, then images/s and texts/s through the service's ClipEmbedder at batch 1, 16 and 64,
 * and where the time goes for a batch of 64: preprocessing on the embedder's sharp path, the same
 * through Transformers.js' decode + CLIPImageProcessor (what it replaced), vision ONNX; tokenise, text ONNX.
 * A script, not a test: timings depend on the machine and on whoever else is using its cores.
 */
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { AutoProcessor, AutoTokenizer, CLIPTextModelWithProjection, CLIPVisionModelWithProjection } from '@xenova/transformers';
import { ClipEmbedder } from '../../src/embed/clip-embedder.js';
import { decodeImages } from '../../src/embed/image-input.js';
import { ImagePreprocessor } from '../../src/embed/pixel-values.js';
import { Product } from '../world/schema.js';

const { values } = parseArgs({
  options: {
    'models-dir': { type: 'string', default: 'models' },
    model: { type: 'string', default: 'style-clip-mini' },
    world: { type: 'string', default: 'fixtures' },
    seconds: { type: 'string', default: '3' },
  },
});
const modelsDir = values['models-dir']!;
const modelId = values.model!;
const budgetMs = Number(values.seconds) * 1000;

const products = Product.array().parse(JSON.parse(await readFile(path.join(values.world!, 'products.json'), 'utf8')));
const imagePaths = products.map((p) => path.join(values.world!, p.image));
// Decoded bytes in memory, so the benchmark measures the model path, not the disk.
const imageBytes = await Promise.all(imagePaths.slice(0, 512).map((p) => readFile(p)));
const texts = products.map((p, i) => (i % 2 ? p.title : `${p.attributes?.colour ?? ''} ${p.attributes?.pattern ?? ''} ${p.category}`));

let t = performance.now();
const embedder = await ClipEmbedder.create({ modelsDir, modelId });
const loadMs = performance.now() - t;
const preprocessing = embedder.preprocessing;

async function rate(fn: (i: number) => Promise<unknown>, batch: number): Promise<number> {
  await fn(0); // warm-up
  let n = 0;
  const start = performance.now();
  while (performance.now() - start < budgetMs) await fn(n++);
  return (n * batch) / ((performance.now() - start) / 1000);
}
const slice = <T>(xs: readonly T[], i: number, b: number) => Array.from({ length: b }, (_, k) => xs[(i * b + k) % xs.length]);

const rows: Array<{ batch: number; imagesPerS: number; textsPerS: number }> = [];
for (const batch of [1, 16, 64]) {
  const imagesPerS = await rate((i) => embedder.embedImages(slice(imageBytes, i, batch)), batch);
  const textsPerS = await rate((i) => embedder.embedTexts(slice(texts, i, batch)), batch);
  rows.push({ batch, imagesPerS: Math.round(imagesPerS), textsPerS: Math.round(textsPerS) });
}
await embedder.close();

// Breakdown of one batch of 64 with the same Transformers.js objects the embedder uses.
const opts = () => ({ quantized: false, local_files_only: true });
const processor = await AutoProcessor.from_pretrained(modelId, { local_files_only: true });
const pixels = ImagePreprocessor.create(processor);
const tokenizer = await AutoTokenizer.from_pretrained(modelId, { local_files_only: true });
const vision = await CLIPVisionModelWithProjection.from_pretrained(modelId, opts());
const text = await CLIPTextModelWithProjection.from_pretrained(modelId, opts());
const reps = 10;
const split = { preprocessMs: 0, transformersJsPreprocessMs: 0, visionOnnxMs: 0, tokenizeMs: 0, textOnnxMs: 0 };
for (let r = 0; r < reps; r++) {
  const batch = slice(imageBytes, r, 64);
  t = performance.now();
  await processor(await decodeImages(batch));
  split.transformersJsPreprocessMs += performance.now() - t;
  t = performance.now();
  const pixel_values = await pixels.pixelValues(batch);
  split.preprocessMs += performance.now() - t;
  t = performance.now();
  await vision({ pixel_values });
  split.visionOnnxMs += performance.now() - t;
  t = performance.now();
  const inputs = tokenizer(slice(texts, r, 64), { padding: true, truncation: true });
  split.tokenizeMs += performance.now() - t;
  t = performance.now();
  await text(inputs);
  split.textOnnxMs += performance.now() - t;
}
for (const k of Object.keys(split) as Array<keyof typeof split>) split[k] = Math.round((split[k] / reps) * 10) / 10;

console.log(JSON.stringify({
  model: modelId, preprocessing, cpus: os.cpus().length, loadavg: os.loadavg().map((x) => Math.round(x * 10) / 10), loadMs: Math.round(loadMs),
  throughput: rows, perBatchOf64: split,
}, null, 2));
