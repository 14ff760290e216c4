/**
 * Explains each pick: the followed creator's post most similar to the product. Only posts that
 * are in the profile (opted-in creators, consent-filtered) can be cited.
 */
import type { ProfilePost } from '../profile/profile.js';
import { dot } from '../embed/vectors.js';

export interface Inspiration {
  source: ProfilePost;
  similarity: number;
}

/** The most similar profile post, or null when the profile has none. */
export function mostSimilarPost(vector: Float32Array, posts: ProfilePost[]): Inspiration | null {
  let best: Inspiration | null = null;
  for (const p of posts) {
    const similarity = dot(vector, p.vector);
    if (!best || similarity > best.similarity) best = { source: p, similarity };
  }
  return best;
}
