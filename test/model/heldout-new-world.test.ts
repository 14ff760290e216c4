/**
 * The same thresholds on a world generated here from a seed used nowhere else (not in training,
 * not in fixtures, not tuned on), so the numbers cannot come from memorising fixtures/.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe } from 'vitest';
import type { ClipEmbedder } from '../../src/embed/clip-embedder.js';
import { generateWorld } from '../../src/world/generate.js';
import { evaluateHeldOut, loadProducts, type HeldOutMetrics } from '../../scripts/model/evaluate.js';
import { heldOutThresholdTests, loadShippedModel } from './model.js';

const UNSEEN_SEED = 90_417;

let dir: string;
let embedder: ClipEmbedder;
let metrics: HeldOutMetrics;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'unseen-world-'));
  await generateWorld({ seed: UNSEEN_SEED, outDir: dir, products: 2000, creators: 1, postsPerCreator: 1, users: 1 });
  embedder = await loadShippedModel();
  metrics = await evaluateHeldOut(embedder, await loadProducts(dir));
});
afterAll(async () => {
  await embedder?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe(`style-clip-mini on a fresh world (seed ${UNSEEN_SEED})`, () => {
  heldOutThresholdTests(() => metrics);
});
