/**
 * `npm run test:train-smoke` (CI): the whole training pipeline for a few steps on a tiny generated
 * world in a temp dir, then the export is loaded by the service's own ClipEmbedder, which embeds a
 * text and an image. Fails loudly if any stage rots. Needs the Debian Python packages (see pipeline.ts).
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ClipEmbedder } from '../../src/embed/clip-embedder.js';
import { runPipeline } from './pipeline.js';

const work = await mkdtemp(path.join(os.tmpdir(), 'train-smoke-'));
try {
  const out = path.join(work, 'models', 'smoke-clip');
  await runPipeline({
    seed: 1001, products: 160, creators: 3, postsPerCreator: 4, steps: 5, batch: 32, stem: 24, gram: 16, bf16: true, resample: 3, imageSize: 64, trainSeed: 1, captions: 6, vocab: 2000,
    work: path.join(work, 'work'), out, evalWorlds: [],
  });
  const embedder = await ClipEmbedder.create({ modelsDir: path.dirname(out), modelId: 'smoke-clip' });
  const [text] = await embedder.embedTexts(['red floral dress #boho']);
  const [image] = await embedder.embedImages([path.join(work, 'work', 'world', 'images', 'products', 'p00001.jpg')]);
  for (const v of [text, image]) {
    assert.equal(v.length, embedder.dimension);
    assert.ok(v.every(Number.isFinite), 'embedding has non-finite values');
    assert.ok(Math.abs(Math.hypot(...v) - 1) < 1e-4, 'embedding is not L2-normalised');
  }
  await embedder.close();
  console.log(`train-smoke OK: dimension ${embedder.dimension}`);
} finally {
  await rm(work, { recursive: true, force: true });
}
