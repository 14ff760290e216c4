/**
 * The rank stage: Maximal Marginal Relevance (Carbonell & Goldstein, 1998). Each next pick
 * maximises  lambda * relevance - (1 - lambda) * (max similarity to what is already picked),
 * so lambda = 1 is pure relevance order and smaller lambda trades relevance for variety.
 * Near-identical products (cosine >= `duplicateAbove`, default 0.9999, to a pick: the same image and text under another id) are dropped as duplicates.
 *
 * Evaluated lazily (the "lazy greedy" of submodular maximisation): a candidate's score can only
 * fall as picks are added (its max similarity only grows), so its last computed score is an upper
 * bound, and only the candidate with the best bound is brought up to date with the picks it has
 * not been compared with. It picks exactly what the plain greedy loop picks, with the same
 * arithmetic, but compares each candidate with far fewer picks.
 */
import { dot } from '../embed/vectors.js';

/** What MMR ranks: anything with an id and a relevance, compared through `similarity`. */
export interface Ranked {
  id: string;
  relevance: number;
}

export interface MmrCandidate extends Ranked {
  vector: Float32Array;
}

export interface MmrOptions<T extends Ranked = MmrCandidate> {
  k: number;
  /** 1 = relevance only; 0 = diversity only. */
  lambda: number;
  duplicateAbove?: number;
  /**
   * dot(a.vector, b.vector), possibly read in place (the product table's rows); must return exactly
   * that. Needed for candidates that carry no `vector`.
   */
  similarity?: (a: T, b: T) => number;
  /** A rule a candidate must pass against what is already picked (e.g. a per-group cap). */
  admit?: (candidate: T, picked: readonly T[]) => boolean;
}

/** Picks up to k candidates in MMR order. Deterministic: ties go to the earlier candidate. */
export function mmrRerank<T extends Ranked>(
  candidates: T[],
  options: MmrOptions<T> & (T extends MmrCandidate ? unknown : { similarity: (a: T, b: T) => number }),
): T[] {
  const { k, lambda } = options;
  const duplicateAbove = options.duplicateAbove ?? 0.9999;
  const similarity = options.similarity ?? ((a: T, b: T) => dot((a as unknown as MmrCandidate).vector, (b as unknown as MmrCandidate).vector));
  const n = candidates.length;
  const picked: T[] = [];
  if (k <= 0 || n === 0) return picked;
  const alive = new Uint8Array(n).fill(1);
  // maxSim[i] over the first seen[i] picks; bound[i] the score computed from it.
  const maxSim = new Float64Array(n).fill(-Infinity);
  const seen = new Int32Array(n);
  const bound = new Float64Array(n);
  const scoreOf = (i: number, penalty: number) => lambda * candidates[i]!.relevance - (1 - lambda) * penalty;

  /** Compares candidate i with the picks it has not seen; false if one of them is its duplicate. */
  const refresh = (i: number): boolean => {
    const c = candidates[i]!;
    for (let j = seen[i]!; j < picked.length; j++) {
      const s = similarity(c, picked[j]!);
      if (s >= duplicateAbove) {
        alive[i] = 0;
        return false;
      }
      if (s > maxSim[i]!) maxSim[i] = s;
    }
    seen[i] = picked.length;
    bound[i] = scoreOf(i, maxSim[i]!);
    return true;
  };

  // The first pick has no penalty; after it every candidate is compared once, because the
  // penalty-free score is not a bound (a negative similarity raises a score).
  let first = -1;
  let firstScore = -Infinity;
  for (let i = 0; i < n; i++) {
    if (options.admit && !options.admit(candidates[i]!, picked)) {
      alive[i] = 0;
      continue;
    }
    const s = scoreOf(i, 0);
    if (s > firstScore) {
      firstScore = s;
      first = i;
    }
  }
  if (first < 0) return picked;
  alive[first] = 0;
  picked.push(candidates[first]!);
  for (let i = 0; i < n; i++) if (alive[i]) refresh(i);

  // The best bound first (ties: the earlier candidate), kept in a binary heap: a pick costs
  // O(log n) instead of a pass over every candidate, and only the top's bound ever changes.
  const heap = new Int32Array(n);
  let size = 0;
  const above = (a: number, b: number) => bound[a]! > bound[b]! || (bound[a] === bound[b] && a < b);
  const siftDown = (at: number) => {
    const item = heap[at]!;
    for (;;) {
      const l = 2 * at + 1;
      if (l >= size) break;
      const r = l + 1;
      const c = r < size && above(heap[r]!, heap[l]!) ? r : l;
      if (!above(heap[c]!, item)) break;
      heap[at] = heap[c]!;
      at = c;
    }
    heap[at] = item;
  };
  const popTop = () => {
    heap[0] = heap[--size]!;
    if (size > 0) siftDown(0);
  };
  // As in the plain loop, a score that beats nothing (-Infinity, NaN) is never picked; bounds only fall.
  const pickable = (i: number) => bound[i]! > -Infinity;
  // From here on the heap holds exactly the candidates still in play.
  for (let i = 0; i < n; i++) if (alive[i] && pickable(i)) heap[size++] = i;
  for (let at = (size >> 1) - 1; at >= 0; at--) siftDown(at);

  while (picked.length < k && size > 0) {
    const best = heap[0]!;
    // A group that is full stays full: the candidate is out for good.
    if (options.admit && !options.admit(candidates[best]!, picked)) {
      popTop();
      continue;
    }
    // Up to date: its true score is its bound, and no other candidate can beat that bound.
    if (seen[best] === picked.length) {
      popTop();
      picked.push(candidates[best]!);
    } else if (refresh(best) && pickable(best)) siftDown(0); // its bound can only have fallen
    else popTop(); // a duplicate of a pick, or unpickable
  }
  return picked;
}
