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
  return dotAt(a, 0, b, 0, a.length);
}

/**
 * dot(a[ai .. ai+n), b[bi .. bi+n)): the one inner loop of every dot product in the service (`dot`,
 * and the product table's `scoreRow` and `dotRows` in retrieve/scan.ts, read in place), so a score
 * from one equals a score from another to the bit. Unrolled by four with the additions in index
 * order: the same float64 sum as the plain loop, with a quarter of its overhead (a 1M x 512 scan
 * is ~512M of these multiply-adds).
 */
export function dotAt(a: Float32Array, ai: number, b: Float32Array, bi: number, n: number): number {
  let s = 0;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    s += a[ai + i]! * b[bi + i]!;
    s += a[ai + i + 1]! * b[bi + i + 1]!;
    s += a[ai + i + 2]! * b[bi + i + 2]!;
    s += a[ai + i + 3]! * b[bi + i + 3]!;
  }
  for (; i < n; i++) s += a[ai + i]! * b[bi + i]!;
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
