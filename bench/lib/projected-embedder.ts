/**
 * The shipped 128-d model seen through a fixed random isometry into a wider space (512-d, as a
 * real CLIP's embeddings): every vector v becomes P v, with P's columns orthonormal, so cosines
 * between real vectors are exactly preserved while the service stores, indexes, scans and ranks
 * 512 floats per product. Benchmarks use it to measure the 512-d cost of everything except the
 * model itself (a real CLIP's encoders are far slower; see BENCHMARKS.md).
 */
import type { Embedder } from '../../src/embed/types.js';
import { gaussian, rng } from './vectors.js';

/** Columns of a (to × from) matrix with orthonormal columns, row-major, from a seeded Gaussian (Gram-Schmidt). */
function isometry(from: number, to: number, seed: number): Float64Array {
  const g = gaussian(rng(seed));
  const cols: Float64Array[] = [];
  for (let c = 0; c < from; c++) {
    const v = Float64Array.from({ length: to }, () => g());
    for (const u of cols) {
      let d = 0;
      for (let i = 0; i < to; i++) d += v[i]! * u[i]!;
      for (let i = 0; i < to; i++) v[i] -= d * u[i]!;
    }
    let n = 0;
    for (let i = 0; i < to; i++) n += v[i]! * v[i]!;
    n = Math.sqrt(n);
    for (let i = 0; i < to; i++) v[i] /= n;
    cols.push(v);
  }
  const m = new Float64Array(to * from);
  for (let c = 0; c < from; c++) for (let i = 0; i < to; i++) m[i * from + c] = cols[c]![i]!;
  return m;
}

export function projectedEmbedder(inner: Embedder, dimension: number): Embedder {
  const from = inner.dimension;
  const p = isometry(from, dimension, 0x512);
  const project = (v: Float32Array) => {
    const out = new Float32Array(dimension);
    let n = 0;
    for (let i = 0; i < dimension; i++) {
      let s = 0;
      for (let c = 0; c < from; c++) s += p[i * from + c]! * v[c]!;
      out[i] = s;
      n += s * s;
    }
    n = Math.sqrt(n) || 1;
    for (let i = 0; i < dimension; i++) out[i] /= n;
    return out;
  };
  return {
    modelId: `${inner.modelId}-x${dimension}`,
    dimension,
    embedTexts: async (texts) => (await inner.embedTexts(texts)).map(project),
    embedImages: async (images) => (await inner.embedImages(images)).map(project),
    close: () => inner.close(),
  };
}
