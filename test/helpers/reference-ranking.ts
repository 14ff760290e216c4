/**
 * The ranking as it was before the candidate lists and the lazy MMR (commit 197408f), kept ONLY
 * as the reference the equivalence tests compare the production path against: retrieval through
 * `VectorIndex.search` with the filter predicate inside the search, and the plain greedy MMR loop.
 * Not used by the service.
 */
import { dot } from '../../src/embed/vectors.js';
import type { VectorIndex } from '../../src/index/types.js';
import type { Interest } from '../../src/profile/profile.js';
import type { MmrCandidate, MmrOptions } from '../../src/rank/mmr.js';

export interface Candidate {
  id: string;
  relevance: number;
}

/** Up to `perInterest` products per interest that pass `accept`, merged by id (the old retrieveCandidates). */
export function referenceRetrieve(index: VectorIndex, interests: Interest[], perInterest: number, accept: (id: string) => boolean): Candidate[] {
  const best = new Map<string, number>();
  for (const interest of interests) {
    for (const hit of index.search(interest.centroid, perInterest, accept)) {
      const prev = best.get(hit.id);
      if (prev === undefined || hit.score > prev) best.set(hit.id, hit.score);
    }
  }
  return [...best].map(([id, relevance]) => ({ id, relevance })).sort((a, b) => b.relevance - a.relevance);
}

/** The plain greedy MMR loop (the old mmrRerank). */
export function referenceMmr<T extends MmrCandidate>(candidates: T[], options: MmrOptions): T[] {
  const { k, lambda } = options;
  const duplicateAbove = options.duplicateAbove ?? 0.9999;
  const pool = [...candidates];
  const picked: T[] = [];
  const maxSim = new Float64Array(pool.length).fill(-Infinity);
  const alive = new Array<boolean>(pool.length).fill(true);
  while (picked.length < k) {
    let bestIdx = -1;
    let bestScore = -Infinity;
    for (let i = 0; i < pool.length; i++) {
      if (!alive[i]) continue;
      // Asked afresh at every pick, of every candidate: no assumption that a full group stays full.
      if (options.admit && !options.admit(pool[i]!, picked)) continue;
      const penalty = picked.length === 0 ? 0 : maxSim[i]!;
      const score = lambda * pool[i]!.relevance - (1 - lambda) * penalty;
      if (score > bestScore) {
        bestScore = score;
        bestIdx = i;
      }
    }
    if (bestIdx < 0) break;
    const choice = pool[bestIdx]!;
    alive[bestIdx] = false;
    picked.push(choice);
    for (let i = 0; i < pool.length; i++) {
      if (!alive[i]) continue;
      const s = dot(pool[i]!.vector, choice.vector);
      if (s >= duplicateAbove) alive[i] = false;
      else if (s > maxSim[i]!) maxSim[i] = s;
    }
  }
  return picked;
}

/**
 * Exact cosine search over raw vectors as the production path scores them (`dot`, no
 * re-normalisation), ties by id: the index the old retrieval is compared on for exact equality.
 */
export class DotIndex implements VectorIndex {
  readonly meta;
  private readonly vectors = new Map<string, Float32Array>();
  constructor(modelId: string, dimension: number) {
    this.meta = { modelId, dimension, space: 'cosine' as const, capacity: Number.MAX_SAFE_INTEGER };
  }
  size() { return this.vectors.size; }
  has(id: string) { return this.vectors.has(id); }
  upsert(id: string, v: Float32Array) { this.vectors.set(id, v); }
  remove(id: string) { return this.vectors.delete(id); }
  search(q: Float32Array, k: number, filter?: (id: string) => boolean) {
    const hits: Array<{ id: string; score: number }> = [];
    for (const [id, v] of this.vectors) if (!filter || filter(id)) hits.push({ id, score: dot(q, v) });
    return hits.sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).slice(0, Math.max(0, Math.min(k, this.vectors.size)));
  }
  async flush() {}
}
