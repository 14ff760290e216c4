/**
 * The same thresholds on worlds generated here from seeds used nowhere else (not in training, not in
 * fixtures), so the numbers cannot come from memorising fixtures/. Seed 90417 was also one of the
 * worlds the current recipe was chosen on; seed 2718 was generated only after that choice and never
 * looked at before (models/style-clip-mini/README.md, "How the recipe was chosen").
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe } from 'vitest';
import type { ClipEmbedder } from '../../src/embed/clip-embedder.js';
import { generateWorld } from '../../tools/world/generate.js';
import { evaluateHeldOut, loadProducts, type HeldOutMetrics } from '../../tools/model/evaluate.js';
import { heldOutThresholdTests, loadShippedModel } from './model.js';

const UNSEEN_SEEDS = [90_417, 2_718];

let embedder: ClipEmbedder;
beforeAll(async () => {
  embedder = await loadShippedModel();
});
afterAll(() => embedder?.close());

describe.each(UNSEEN_SEEDS)('style-clip-mini on a fresh world (seed %i)', (seed) => {
  let dir: string;
  let metrics: HeldOutMetrics;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), `unseen-world-${seed}-`));
    await generateWorld({ seed, outDir: dir, products: 2000, creators: 1, postsPerCreator: 1, users: 1 });
    metrics = await evaluateHeldOut(embedder, await loadProducts(dir));
  });
  afterAll(() => (dir ? rm(dir, { recursive: true, force: true }) : undefined));

  heldOutThresholdTests(() => metrics);
});
