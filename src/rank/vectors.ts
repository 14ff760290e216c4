/**
 * The little vector maths the ranking stages share. All vectors here are L2-normalised
 * Float32Arrays, so cosine similarity is a dot product (`dot`, `normalise`: src/embed/vectors.ts).
 */
import { normalise } from '../embed/vectors.js';

/**
 * The unit-length weighted sum of `vectors`: a centroid when weights are positive.
 * @example weightedCentroid([a, b], [2, 1]) // leans towards a
 */
export function weightedCentroid(vectors: Float32Array[], weights: number[]): Float32Array {
  if (vectors.length === 0) throw new RangeError('cannot average zero vectors');
  const sum = new Float32Array(vectors[0]!.length);
  vectors.forEach((v, j) => {
    const w = weights[j] ?? 1;
    for (let i = 0; i < v.length; i++) sum[i] += w * v[i]!;
  });
  return normalise(sum);
}
