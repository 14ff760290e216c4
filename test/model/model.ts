/** Shared set-up for the model tests: the REAL shipped model from models/, no fakes. */
import path from 'node:path';
import { expect, it } from 'vitest';
import type { HeldOutMetrics } from '../../tools/model/evaluate.js';
import { ClipEmbedder } from '../../src/embed/clip-embedder.js';

export const MODELS_DIR = path.resolve('models');
export const MODEL_ID = 'style-clip-mini';
export const FIXTURES = path.resolve('fixtures');

export function loadShippedModel(): Promise<ClipEmbedder> {
  return ClipEmbedder.create({ modelsDir: MODELS_DIR, modelId: MODEL_ID });
}

/** Indices of `vectors` sorted by similarity to `query`, best first. */
export function rank(query: Float32Array, vectors: readonly Float32Array[]): number[] {
  const scores = vectors.map((v) => v.reduce((s, x, i) => s + x * query[i], 0));
  return scores.map((s, i) => [s, i]).sort((a, b) => b[0] - a[0]).map(([, i]) => i);
}

/** Pearson correlation of two score lists. */
export function pearson(a: readonly number[], b: readonly number[]): number {
  const mean = (x: readonly number[]) => x.reduce((s, v) => s + v, 0) / x.length;
  const ma = mean(a);
  const mb = mean(b);
  let num = 0;
  let da = 0;
  let db = 0;
  a.forEach((x, i) => {
    num += (x - ma) * (b[i] - mb);
    da += (x - ma) ** 2;
    db += (b[i] - mb) ** 2;
  });
  return num / Math.sqrt(da * db);
}

/**
 * The "done when" thresholds on held-out combinations, declared once for every world the
 * model is measured on (fixtures/ and a fresh seed). Call inside a `describe`; `metrics` is read
 * lazily because it is computed in that file's `beforeAll`.
 */
export function heldOutThresholdTests(metrics: () => HeldOutMetrics): void {
  it('measures on at least 500 held-out product images', () => {
    expect(metrics().heldOutProducts).toBeGreaterThanOrEqual(500);
  });

  it('classifies colour, pattern and category zero-shot with >= 95% accuracy each', () => {
    expect(metrics().colourAccuracy).toBeGreaterThanOrEqual(0.95);
    expect(metrics().patternAccuracy).toBeGreaterThanOrEqual(0.95);
    expect(metrics().categoryAccuracy).toBeGreaterThanOrEqual(0.95);
  });

  it('retrieves held-out products from their attribute caption with Recall@10 >= 0.90', () => {
    expect(metrics().recallAt10).toBeGreaterThanOrEqual(0.9);
  });
}
