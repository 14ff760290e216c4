/**
 * The exact scan: top-`depth` rows of the product table by dot product with a query, among rows
 * that pass a restriction. Pure functions over typed arrays, run by the scan worker on shared
 * memory and on the main thread for small tables, so both give bit-identical scores.
 *
 * Scores are accumulated in float64 in index order, exactly like `dot` in `embed/vectors.ts`, so a
 * score computed here equals `dot(query, vector)` anywhere else in the service.
 */
import { dotAt } from '../embed/vectors.js';

/** Bits of `flags[row]`. */
export const LIVE = 1;
export const SENSITIVE = 2;

/** The table's arrays, as the worker sees them (the same memory as the main thread's). */
export interface TableView {
  dim: number;
  vectors: Float32Array;
  price: Float64Array;
  category: Int32Array;
  merchant: Int32Array;
  flags: Uint8Array;
}

/** Which rows a list may hold: catalog filters as codes (-1 = any) and the sensitivity rule. */
export interface Restriction {
  category: number;
  merchant: number;
  minPrice: number;
  maxPrice: number;
  allowSensitive: boolean;
}

export const UNRESTRICTED: Restriction = { category: -1, merchant: -1, minPrice: -Infinity, maxPrice: Infinity, allowSensitive: true };

/** A restriction as a key part: equal restrictions, equal keys (candidate lists, shared scans). */
export function restrictionKey(r: Restriction): string {
  return `${r.category}|${r.merchant}|${r.minPrice}|${r.maxPrice}|${r.allowSensitive}`;
}

export interface ScanResult {
  /** Rows, best first (equal scores in no particular order: the caller orders ties by id). */
  rows: Int32Array;
  scores: Float64Array;
  /** The best score of a passing row that was left out; -Infinity when every passing row is in. */
  cutoff: number;
  /** Set when the scan was stopped part-way (its `stop` flag was raised): the rows mean nothing. */
  stopped?: true;
}

/** Rows between two looks at a scan's stop flag: ~0.1-0.5 ms of work at 128-512 dimensions. */
const STOP_CHECK_ROWS = 4096;

export function passes(t: TableView, row: number, r: Restriction): boolean {
  const f = t.flags[row]!;
  if ((f & LIVE) === 0) return false;
  if (!r.allowSensitive && (f & SENSITIVE) !== 0) return false;
  if (r.category !== -1 && t.category[row] !== r.category) return false;
  if (r.merchant !== -1 && t.merchant[row] !== r.merchant) return false;
  const p = t.price[row]!;
  return !(p < r.minPrice) && !(p > r.maxPrice);
}

/** dot(query, row) with the same accumulation order as `embed/vectors.ts` `dot`. */
export function scoreRow(t: TableView, row: number, q: Float32Array): number {
  return dotAt(q, 0, t.vectors, row * t.dim, q.length);
}

/**
 * dot(vector of row a, vector of row b) with `dot`'s arithmetic (float64, index order), read in
 * place: MMR's ~1,000 similarities per list cost less computed like this than looked up in a
 * memo (a hashed table of 2^20 pairs misses the CPU cache on nearly every probe). The product
 * table, the inline MMR and the rank worker all call this one function, so their picks agree.
 */
export function dotRows(t: Pick<TableView, 'dim' | 'vectors'>, a: number, b: number): number {
  return dotAt(t.vectors, a * t.dim, t.vectors, b * t.dim, t.dim);
}

/**
 * Exact top-`depth` over rows [0, rowLimit). A bounded min-heap keeps the best seen; everything it
 * rejects or evicts raises `cutoff`. `stop` (shared memory, raised by the main thread when nobody
 * waits for the answer any more) is read every few thousand rows: a scan of 1M x 512 takes ~1.3 s.
 */
export function topRows(t: TableView, q: Float32Array, r: Restriction, depth: number, rowLimit: number, stop?: Int32Array): ScanResult {
  const heapRows = new Int32Array(depth);
  const heapScores = new Float64Array(depth);
  let size = 0;
  let cutoff = -Infinity;
  for (let row = 0; row < rowLimit; row++) {
    if (stop && row % STOP_CHECK_ROWS === 0 && Atomics.load(stop, 0) !== 0) return { rows: new Int32Array(0), scores: new Float64Array(0), cutoff: Infinity, stopped: true };
    if (!passes(t, row, r)) continue;
    const s = scoreRow(t, row, q);
    if (size < depth) {
      // sift up
      let i = size++;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (heapScores[parent]! <= s) break;
        heapScores[i] = heapScores[parent]!;
        heapRows[i] = heapRows[parent]!;
        i = parent;
      }
      heapScores[i] = s;
      heapRows[i] = row;
      continue;
    }
    if (depth === 0 || s <= heapScores[0]!) {
      if (s > cutoff) cutoff = s;
      continue;
    }
    if (heapScores[0]! > cutoff) cutoff = heapScores[0]!;
    // replace the root and sift down
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= size) break;
      const rr = l + 1;
      const c = rr < size && heapScores[rr]! < heapScores[l]! ? rr : l;
      if (heapScores[c]! >= s) break;
      heapScores[i] = heapScores[c]!;
      heapRows[i] = heapRows[c]!;
      i = c;
    }
    heapScores[i] = s;
    heapRows[i] = row;
  }
  const order = Array.from({ length: size }, (_, i) => i).sort((a, b) => heapScores[b]! - heapScores[a]!);
  return { rows: Int32Array.from(order, (i) => heapRows[i]!), scores: Float64Array.from(order, (i) => heapScores[i]!), cutoff };
}
