/**
 * Seeded synthetic embeddings for the index benchmark.
 *
 * Uniform random 512-d vectors are a poor stand-in for CLIP-style embeddings: real ones share a
 * common direction, fall into style clusters of very different sizes, and vary inside a cluster along
 * a few directions only (low intrinsic dimension). This generator reproduces those three properties,
 * so recall/QPS numbers transfer better to the service's real product vectors.
 */

/** mulberry32: tiny, fast, seedable; good enough for benchmark data. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal via Box-Muller. */
export function gaussian(rand: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

export interface ClusteredSpec {
  count: number;
  dim: number;
  seed: number;
  /** Number of style clusters; sizes follow a Zipf-like law. */
  clusters?: number;
  /** Directions of variation inside a cluster. */
  rank?: number;
}

/** Row-major, L2-normalised vectors in one Float32Array (count × dim), ready for SIMD libraries. */
export function clusteredVectors(spec: ClusteredSpec): Float32Array {
  const { count, dim, seed } = spec;
  const clusters = spec.clusters ?? Math.max(8, Math.round(Math.sqrt(count)));
  const rank = spec.rank ?? 24;
  const g = gaussian(rng(seed));
  // The model's structure is seeded separately from the sampling, so dataset and queries (different
  // seeds) come from the same "embedding space" when they share spec.clusters and rank.
  const s = gaussian(rng(0x5eed ^ (clusters * 7919 + rank)));
  const common = Float32Array.from({ length: dim }, () => s());
  const centres = Array.from({ length: clusters }, () => Float32Array.from({ length: dim }, () => s()));
  const bases = Array.from({ length: clusters }, () => Float32Array.from({ length: rank * dim }, () => s() / Math.sqrt(rank)));
  const weights = Array.from({ length: clusters }, (_, i) => 1 / (i + 1) ** 0.8);
  const cumulative = weights.map(((sum) => (w: number) => (sum += w))(0));
  const total = cumulative[clusters - 1];
  const uniform = rng(seed ^ 0x9e3779b9);

  const out = new Float32Array(count * dim);
  const z = new Float32Array(rank);
  for (let n = 0; n < count; n++) {
    const u = uniform() * total;
    let c = cumulative.findIndex((x) => x >= u);
    if (c < 0) c = clusters - 1;
    for (let r = 0; r < rank; r++) z[r] = g();
    const row = out.subarray(n * dim, (n + 1) * dim);
    const centre = centres[c];
    const basis = bases[c];
    let norm = 0;
    for (let d = 0; d < dim; d++) {
      let v = 0.6 * common[d] + centre[d] + 0.15 * g();
      for (let r = 0; r < rank; r++) v += 1.1 * z[r] * basis[r * dim + d];
      row[d] = v;
      norm += v * v;
    }
    const inv = 1 / Math.sqrt(norm);
    for (let d = 0; d < dim; d++) row[d] *= inv;
  }
  return out;
}

/** Row i as a plain number[] (hnswlib-node only takes arrays), built once outside any timed loop. */
export function toArrays(flat: Float32Array, dim: number): number[][] {
  const rows: number[][] = [];
  for (let i = 0; i < flat.length; i += dim) {
    const row = new Array<number>(dim);
    for (let d = 0; d < dim; d++) row[d] = flat[i + d];
    rows.push(row);
  }
  return rows;
}
