/**
 * The little vector maths the ranking stages share. All vectors here are L2-normalised
 * Float32Arrays, so cosine similarity is a dot product.
 */

/** Dot product; equals cosine similarity for unit vectors. */
export function dot(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new RangeError(`vectors of dimension ${a.length} and ${b.length} cannot be compared`);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/** A new unit-length copy of `v` (a zero vector stays zero). */
export function normalise(v: Float32Array): Float32Array {
  let n = 0;
  for (let i = 0; i < v.length; i++) n += v[i]! * v[i]!;
  n = Math.sqrt(n);
  const out = new Float32Array(v.length);
  if (n > 0) for (let i = 0; i < v.length; i++) out[i] = v[i]! / n;
  return out;
}

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
