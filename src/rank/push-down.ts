/**
 * "Not interested" as a re-rank step: a candidate's relevance drops by `strength` times its
 * closest similarity to anything the shopper marked "not interested", so look-alikes sink
 * without being banned (they can still surface when nothing better is left).
 */
import { dot } from '../embed/vectors.js';

/** How hard a perfect look-alike (cosine 1) is pushed down: half of a perfect match's relevance. */
export const PUSH_DOWN_STRENGTH = 0.5;

/** New candidates, re-sorted by their lowered relevance; the input is not changed. */
export function pushDown<T extends { relevance: number }>(
  candidates: readonly T[],
  negatives: readonly Float32Array[],
  vectorOf: (c: T) => Float32Array,
  strength = PUSH_DOWN_STRENGTH,
): T[] {
  if (negatives.length === 0) return [...candidates];
  return candidates
    .map((c) => {
      const v = vectorOf(c);
      let closest = 0;
      for (const n of negatives) closest = Math.max(closest, dot(v, n));
      return { ...c, relevance: c.relevance - strength * closest };
    })
    .sort((a, b) => b.relevance - a.relevance);
}
