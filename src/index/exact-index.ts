/**
 * Brute-force `VectorIndex`: exact cosine top-k over every live vector, in memory. The baseline
 * that tests and benchmarks measure the HNSW index's recall against, and a fine index for tiny
 * catalogs. Not persisted (`flush` is a no-op).
 *
 * @example
 * const exact = new ExactIndex({ modelId: 'm', dimension: 512 });
 * for (const { id, vector } of await store.allVectors('product', 'm')) exact.upsert(id, vector);
 */
import { normalise } from '../embed/vectors.js';
import { AppError } from '../errors.js';
import type { IndexMeta, Neighbour, VectorIndex } from './types.js';

export class ExactIndex implements VectorIndex {
  readonly meta: IndexMeta;
  private readonly vectors = new Map<string, Float32Array>();

  constructor(o: { modelId: string; dimension: number }) {
    this.meta = { modelId: o.modelId, dimension: o.dimension, space: 'cosine', capacity: Number.MAX_SAFE_INTEGER };
  }

  size(): number {
    return this.vectors.size;
  }

  has(id: string): boolean {
    return this.vectors.has(id);
  }

  upsert(id: string, vector: Float32Array): void {
    this.check(vector);
    this.vectors.set(id, normalise(vector));
  }

  remove(id: string): boolean {
    return this.vectors.delete(id);
  }

  search(query: Float32Array, k: number, filter?: (id: string) => boolean): Neighbour[] {
    this.check(query);
    const want = Math.min(Math.max(0, Math.floor(k)), this.vectors.size);
    if (want === 0) return [];
    const q = normalise(query);
    const hits: Neighbour[] = [];
    for (const [id, v] of this.vectors) {
      if (filter && !filter(id)) continue;
      let dot = 0;
      for (let i = 0; i < v.length; i++) dot += v[i]! * q[i]!;
      hits.push({ id, score: dot });
    }
    return hits.sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1)).slice(0, want);
  }

  async flush(): Promise<void> {}

  private check(v: Float32Array): void {
    if (v.length !== this.meta.dimension) {
      throw new AppError('INDEX_UNAVAILABLE', `the index holds ${this.meta.dimension}-dimensional vectors, but got ${v.length}.`);
    }
  }
}
