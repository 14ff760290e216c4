/** The one vector-maths module: shared by the embedder, the index, the profile and ranking stages and the model tools. All stored vectors are L2-normalised, so cosine similarity is a dot product. */
import { createHash } from 'node:crypto';

/**
 * A 48-bit checksum of a vector's float32 bytes (the first 6 bytes of their SHA-256): the store
 * keeps one beside every vector and the index one per label, so start-up can tell, without reading
 * a single vector, which index entries disagree with the store. 48 bits fit a JS number exactly
 * and an SQLite INTEGER; a stale vector passing for the current one has odds of 2^-48.
 * @example vectorChecksum(Float32Array.of(1, 0)) === vectorChecksum(Float32Array.of(1, 0))
 */
export function vectorChecksum(v: Float32Array | Uint8Array): number {
  return createHash('sha256').update(Buffer.from(v.buffer, v.byteOffset, v.byteLength)).digest().readUIntBE(0, 6);
}

/**
 * Splits a row-major [rows, dim] buffer into L2-normalised copies. Normalising here (not only in the
 * ONNX graph) keeps real CLIP exports, whose `*_embeds` are unnormalised, interchangeable with ours.
 */
export function normalizedRows(data: Float32Array, rows: number, dim: number): Float32Array[] {
  const out: Float32Array[] = [];
  for (let r = 0; r < rows; r++) {
    const v = data.slice(r * dim, (r + 1) * dim);
    let sum = 0;
    for (let i = 0; i < dim; i++) sum += v[i] * v[i];
    const inv = sum > 0 ? 1 / Math.sqrt(sum) : 0;
    for (let i = 0; i < dim; i++) v[i] *= inv;
    out.push(v);
  }
  return out;
}

/** Dot product; equals cosine similarity for unit vectors. */
export function dot(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new RangeError(`vectors of dimension ${a.length} and ${b.length} cannot be compared`);
  const n = a.length;
  let s = 0;
  let i = 0;
  // Unrolled, same order of additions: the same float64 sum as the plain loop (scan.ts's
  // scoreRow and dotRows must agree with it to the bit), with a quarter of the loop overhead.
  for (; i + 4 <= n; i += 4) {
    s += a[i]! * b[i]!;
    s += a[i + 1]! * b[i + 1]!;
    s += a[i + 2]! * b[i + 2]!;
    s += a[i + 3]! * b[i + 3]!;
  }
  for (; i < n; i++) s += a[i]! * b[i]!;
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

/** Splits `items` into consecutive chunks of at most `size`. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
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
