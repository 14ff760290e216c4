/**
 * Explains each pick: the followed creator's post most similar to the product. Only posts that
 * are in the profile (opted-in creators, consent-filtered) can be cited.
 */
import type { Post } from '../domain/index.js';
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

interface Best {
  generation: number;
  index: number;
  similarity: number;
}

/**
 * `mostSimilarPost` over a profile made of per-creator groups of posts (shared by every follower
 * of those creators), with each group's answer for a product remembered for as long as the
 * product's row generation stays the same. Same result as `mostSimilarPost` over all the posts in
 * store order: each group's first best, then the best of those, a tie going to the post that
 * comes first in store order (`order`).
 */
export class Inspirations {
  private readonly byGroup = new WeakMap<ProfilePost[], Map<number, Best>>();

  best(groups: ProfilePost[][], row: number, generation: number, vector: Float32Array, order: (a: Post, b: Post) => number): Inspiration | null {
    let best: Inspiration | null = null;
    for (const group of groups) {
      let seen = this.byGroup.get(group);
      if (!seen) this.byGroup.set(group, (seen = new Map()));
      let b = seen.get(row);
      if (!b || b.generation !== generation) {
        const found = mostSimilarPost(vector, group);
        if (!found) continue;
        b = { generation, index: group.indexOf(found.source), similarity: found.similarity };
        // Bounded: a group's memory is dropped wholesale rather than tracked per product.
        if (seen.size >= 50_000) seen.clear();
        seen.set(row, b);
      }
      const source = group[b.index]!;
      if (!best || b.similarity > best.similarity || (b.similarity === best.similarity && order(source.post, best.source.post) < 0)) {
        best = { source, similarity: b.similarity };
      }
    }
    return best;
  }
}
