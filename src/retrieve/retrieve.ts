/**
 * The retrieve stage: nearest products for each interest of a profile, merged. A product found
 * by several interests keeps its best similarity (so duplicates collapse here).
 */
import type { VectorIndex } from '../index/types.js';
import type { Interest } from '../profile/profile.js';

export interface Candidate {
  id: string;
  /** Best cosine similarity to any interest. */
  relevance: number;
}

/**
 * Up to `perInterest` products per interest that pass `accept`, merged by id.
 * @example retrieveCandidates(index, profile.interests, 60, predicate)
 */
export function retrieveCandidates(
  index: VectorIndex,
  interests: Interest[],
  perInterest: number,
  accept: (id: string) => boolean,
): Candidate[] {
  const best = new Map<string, number>();
  for (const interest of interests) {
    for (const hit of index.search(interest.centroid, perInterest, accept)) {
      const prev = best.get(hit.id);
      if (prev === undefined || hit.score > prev) best.set(hit.id, hit.score);
    }
  }
  return [...best].map(([id, relevance]) => ({ id, relevance })).sort((a, b) => b.relevance - a.relevance);
}
