/**
 * Offline ranking metrics. Pure functions over ranked id lists, so the evaluation harness and its
 * hand-made-case tests share exactly one implementation.
 *
 * Relevance is binary: an item is relevant when it is in the shopper's held-out set. Ranks are
 * 1-based in the formulas below and 0-based in the arrays.
 */

/** Share of the relevant items found in the top k: |top-k ∩ relevant| / |relevant|. 0 when nothing is relevant. */
export function recallAtK(ranked: readonly string[], relevant: ReadonlySet<string>, k: number): number {
  if (relevant.size === 0) return 0;
  let hits = 0;
  for (const id of ranked.slice(0, k)) if (relevant.has(id)) hits++;
  return hits / relevant.size;
}

/**
 * Normalised discounted cumulative gain with binary gains: DCG = Σ rel_i / log2(i + 1) over the
 * top k, divided by the DCG of an ideal list (all relevant items first, at most k of them).
 *
 * @example ndcgAtK(['a', 'x', 'b'], new Set(['a', 'b']), 3) // (1 + 1/2) / (1 + 1/log2(3)) ≈ 0.920
 */
export function ndcgAtK(ranked: readonly string[], relevant: ReadonlySet<string>, k: number): number {
  if (relevant.size === 0) return 0;
  let dcg = 0;
  ranked.slice(0, k).forEach((id, i) => {
    if (relevant.has(id)) dcg += 1 / Math.log2(i + 2);
  });
  let ideal = 0;
  for (let i = 0; i < Math.min(k, relevant.size); i++) ideal += 1 / Math.log2(i + 2);
  return dcg / ideal;
}

/** 1 / (rank of the first relevant item) within the list given; 0 when none is relevant. Average it for MRR. */
export function reciprocalRank(ranked: readonly string[], relevant: ReadonlySet<string>): number {
  const i = ranked.findIndex((id) => relevant.has(id));
  return i < 0 ? 0 : 1 / (i + 1);
}

/** Share of the catalog that appears in at least one shopper's top k. */
export function catalogCoverage(lists: ReadonlyArray<readonly string[]>, catalogSize: number, k: number): number {
  if (catalogSize <= 0) return 0;
  const seen = new Set<string>();
  for (const list of lists) for (const id of list.slice(0, k)) seen.add(id);
  return seen.size / catalogSize;
}

/** Cosine similarity; does not assume unit length, so vectors from any source compare correctly. */
export function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}

/** Intra-list diversity: 1 − mean pairwise cosine over the list's item vectors. 0 for fewer than two items. */
export function intraListDiversity(vectors: readonly Float32Array[]): number {
  if (vectors.length < 2) return 0;
  let sum = 0;
  let pairs = 0;
  for (let i = 0; i < vectors.length; i++) {
    for (let j = i + 1; j < vectors.length; j++) {
      sum += cosine(vectors[i], vectors[j]);
      pairs++;
    }
  }
  return 1 - sum / pairs;
}

/**
 * Popularity as a probability per item from interaction counts, add-one smoothed over the catalog
 * so that never-seen items get a finite novelty instead of −log2(0) = ∞.
 */
export function popularityFromCounts(counts: ReadonlyMap<string, number>, catalogIds: readonly string[]): Map<string, number> {
  let total = 0;
  for (const id of catalogIds) total += counts.get(id) ?? 0;
  const denominator = total + catalogIds.length;
  return new Map(catalogIds.map((id) => [id, ((counts.get(id) ?? 0) + 1) / denominator]));
}

/** Novelty: mean −log2(popularity) over the list; higher means less mainstream picks. 0 for an empty list. */
export function novelty(list: readonly string[], popularity: ReadonlyMap<string, number>): number {
  if (list.length === 0) return 0;
  let sum = 0;
  for (const id of list) {
    const p = popularity.get(id);
    if (p === undefined || p <= 0) throw new RangeError(`novelty: no popularity for item "${id}"; build it with popularityFromCounts over the whole catalog`);
    sum -= Math.log2(p);
  }
  return sum / list.length;
}

/** Arithmetic mean; 0 for an empty array so that empty groups never produce NaN in a report. */
export function mean(xs: readonly number[]): number {
  return xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length;
}
