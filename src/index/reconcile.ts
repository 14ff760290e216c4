/**
 * What an index is reconciled against at start-up (the store), and the comparison itself: by the
 * per-vector checksums both sides keep (`vectorChecksum`), so agreeing entries cost one map
 * lookup and no vector is read unless it must be rewritten.
 */
export interface IndexSource {
  /** id → `vectorChecksum` of every vector the index should hold. */
  checksums(): Promise<Map<string, number>>;
  /** The current vectors of these ids (an id with none is left out). */
  vectors(ids: string[]): Promise<Map<string, Float32Array>>;
}

export interface ChecksumDiff {
  /** In both, with different checksums: the index holds an old vector. */
  stale: string[];
  /** In the source only. */
  missing: string[];
  /** In the index only. */
  extra: string[];
}

/** @example diffChecksums([['a', 1], ['b', 2]], new Map([['a', 1], ['c', 3]])) // { stale: [], missing: ['c'], extra: ['b'] } */
export function diffChecksums(index: Iterable<readonly [string, number]>, source: ReadonlyMap<string, number>): ChecksumDiff {
  const diff: ChecksumDiff = { stale: [], missing: [], extra: [] };
  const seen = new Set<string>();
  for (const [id, sum] of index) {
    seen.add(id);
    const want = source.get(id);
    if (want === undefined) diff.extra.push(id);
    else if (want !== sum) diff.stale.push(id);
  }
  for (const id of source.keys()) if (!seen.has(id)) diff.missing.push(id);
  return diff;
}
