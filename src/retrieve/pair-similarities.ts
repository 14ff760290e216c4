/**
 * Cosine similarities between two products, remembered: MMR compares each candidate with the
 * picks so far, and the same popular products meet again in many shoppers' lists, so most of a
 * list's ~2,000 dot products were computed before. A fixed-size, direct-mapped table in typed
 * arrays (a new pair simply overwrites the slot it hashes to); an entry is valid only for the
 * row generations it was computed at, so a product written or removed since is recomputed.
 *
 * A hit returns exactly what `scoreRow`-style arithmetic gives (float64, index order), so ranking
 * with the cache is bit-identical to ranking without it.
 */
import type { ProductTable } from './product-table.js';

export class PairSimilarities {
  private readonly lo: Int32Array;
  private readonly hi: Int32Array;
  private readonly genLo: Int32Array;
  private readonly genHi: Int32Array;
  private readonly value: Float64Array;
  private readonly mask: number;

  /** @param slots a power of two (default 2^20: ~25 MB). */
  constructor(
    private readonly table: ProductTable,
    slots = 1 << 20,
  ) {
    this.mask = slots - 1;
    this.lo = new Int32Array(slots).fill(-1);
    this.hi = new Int32Array(slots);
    this.genLo = new Int32Array(slots);
    this.genHi = new Int32Array(slots);
    this.value = new Float64Array(slots);
  }

  /** dot(vector of row a, vector of row b). */
  get(a: number, b: number): number {
    const lo = a < b ? a : b;
    const hi = a < b ? b : a;
    const t = this.table;
    const gl = t.generation[lo]!;
    const gh = t.generation[hi]!;
    const slot = (Math.imul(lo, 0x9e3779b1) ^ Math.imul(hi, 0x85ebca77)) & this.mask;
    if (this.lo[slot] === lo && this.hi[slot] === hi && this.genLo[slot] === gl && this.genHi[slot] === gh) return this.value[slot]!;
    // dot(a, b) === dot(b, a) exactly (products commute; the sum runs in index order either way).
    const v = t.vectors;
    const dim = t.dim;
    const x = a * dim;
    const y = b * dim;
    let s = 0;
    for (let i = 0; i < dim; i++) s += v[x + i]! * v[y + i]!;
    this.lo[slot] = lo;
    this.hi[slot] = hi;
    this.genLo[slot] = gl;
    this.genHi[slot] = gh;
    this.value[slot] = s;
    return s;
  }
}
