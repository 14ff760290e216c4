/**
 * The rank stage: Maximal Marginal Relevance (Carbonell & Goldstein, 1998). Each next pick
 * maximises  lambda * relevance - (1 - lambda) * (max similarity to what is already picked),
 * so lambda = 1 is pure relevance order and smaller lambda trades relevance for variety.
 * Near-identical products (cosine >= `duplicateAbove`, default 0.9999, to a pick: the same image and text under another id) are dropped as duplicates.
 */
import { dot } from '../embed/vectors.js';

export interface MmrCandidate {
  id: string;
  relevance: number;
  vector: Float32Array;
}

export interface MmrOptions<T = MmrCandidate> {
  k: number;
  /** 1 = relevance only; 0 = diversity only. */
  lambda: number;
  duplicateAbove?: number;
  /** A rule a candidate must pass against what is already picked (e.g. a per-group cap). */
  admit?: (candidate: T, picked: readonly T[]) => boolean;
}

/** Picks up to k candidates in MMR order. Deterministic: ties go to the earlier candidate. */
export function mmrRerank<T extends MmrCandidate>(candidates: T[], options: MmrOptions<T>): T[] {
  const { k, lambda } = options;
  const duplicateAbove = options.duplicateAbove ?? 0.9999;
  const pool = [...candidates];
  const picked: T[] = [];
  // maxSim[i]: highest similarity of pool[i] to anything picked so far (updated incrementally).
  const maxSim = new Float64Array(pool.length).fill(-Infinity);
  const alive = new Array<boolean>(pool.length).fill(true);
  while (picked.length < k) {
    let bestIdx = -1;
    let bestScore = -Infinity;
    for (let i = 0; i < pool.length; i++) {
      if (!alive[i]) continue;
      // A group that is full stays full: the candidate is out for good.
      if (options.admit && !options.admit(pool[i]!, picked)) {
        alive[i] = false;
        continue;
      }
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
