/**
 * Steering a search with positive and negative examples, after the two strategies of Qdrant's
 * recommend API (lib/segment/src/vector_storage/query/reco_query.rs):
 *
 * - average_vector: one query vector, avg(positive) when there are no negatives, else
 *   avg(positive) + (avg(positive) - avg(negative)); then a plain nearest-neighbour search.
 * - best_score: each candidate is compared with every example; if its best positive similarity
 *   beats its best negative one its score is sigmoid(best positive), else -sigmoid(best negative),
 *   so anything closer to a negative ranks below everything that is not.
 */
import { dot, normalise } from '../embed/vectors.js';

function average(vectors: readonly Float32Array[]): Float32Array {
  const sum = new Float32Array(vectors[0]!.length);
  for (const v of vectors) for (let i = 0; i < v.length; i++) sum[i] += v[i]! / vectors.length;
  return sum;
}

/** The average_vector query (unit length). @throws RangeError without positives. */
export function averageVectorQuery(positives: readonly Float32Array[], negatives: readonly Float32Array[]): Float32Array {
  if (positives.length === 0) throw new RangeError('average_vector needs at least one positive example');
  const pos = average(positives);
  if (negatives.length === 0) return normalise(pos);
  const neg = average(negatives);
  return normalise(pos.map((p, i) => p + p - neg[i]!));
}

/** Qdrant's scaled fast sigmoid: monotone, maps any similarity into (0, 1). */
export const scaledSigmoid = (x: number) => 0.5 * (x / (1 + Math.abs(x)) + 1);

/** The best_score of one candidate vector. */
export function bestScore(candidate: Float32Array, positives: readonly Float32Array[], negatives: readonly Float32Array[]): number {
  let pos = -Infinity;
  let neg = -Infinity;
  for (const p of positives) pos = Math.max(pos, dot(candidate, p));
  for (const n of negatives) neg = Math.max(neg, dot(candidate, n));
  return pos > neg ? scaledSigmoid(pos) : -scaledSigmoid(neg);
}
