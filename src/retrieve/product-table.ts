/**
 * Product vectors and the columns filters need, in flat typed arrays over SharedArrayBuffers: one
 * row per product. Ranking reads vectors from here (no SQLite per request), the candidate lists
 * score against it, and the scan worker (`scan-worker.ts`) reads the same memory without a copy.
 *
 * Rows are reused in place when a product is written again; a removed product's row is marked
 * dead and recycled for the next new product. Only the core's state functions write here (via the
 * commands), and every write is announced to `onWrite` listeners, so a scan that ran in the
 * worker while rows changed can be corrected (`candidate-lists.ts`).
 *
 * Memory: capacity × (dimension × 4 + 25) bytes; the vectors of 1M × 512 are 2 GB.
 *
 * @example
 * const table = await ProductTable.load(store, catalog, modelId, dimension);
 * const row = table.rowOf('p1')!;
 * dot(table.vectorAt(row), centroid);
 */
import type { Product } from '../domain/index.js';
import type { Store } from '../store/types.js';
import type { ProductCatalog } from './catalog.js';
import { dotRows, LIVE, passes, SENSITIVE, type Restriction } from './scan.js';

/** What the scan worker needs to read the table (all shared, nothing copied). */
export interface TableBuffers {
  dim: number;
  vectors: SharedArrayBuffer;
  price: SharedArrayBuffer;
  category: SharedArrayBuffer;
  merchant: SharedArrayBuffer;
  flags: SharedArrayBuffer;
}

/** Category / merchant values as small integers, so filters compare numbers. */
class Codes {
  private readonly byValue = new Map<string, number>();
  code(value: string): number {
    let c = this.byValue.get(value);
    if (c === undefined) this.byValue.set(value, (c = this.byValue.size));
    return c;
  }
  /** The code of a value no product has is -2: it matches nothing (-1 means "any"). */
  lookup(value: string | undefined): number {
    return value === undefined ? -1 : (this.byValue.get(value) ?? -2);
  }
}

export class ProductTable {
  vectors!: Float32Array;
  price!: Float64Array;
  category!: Int32Array;
  merchant!: Int32Array;
  flags!: Uint8Array;
  /** Bumped on every write or removal of a row: what a value computed from a row is valid for. */
  generation!: Int32Array;
  /** Rows in use so far (live or dead); scans stop here. */
  rowCount = 0;
  private capacity = 0;
  private readonly rows = new Map<string, number>();
  private readonly ids: string[] = [];
  private readonly free: number[] = [];
  private readonly categories = new Codes();
  private readonly merchants = new Codes();
  private readonly writeListeners = new Set<(row: number) => void>();
  private readonly growListeners = new Set<() => void>();

  /**
   * @param isHealth whether a product counts as health & wellness (the core passes the category
   *   taxonomy's answer; `refreshHealth` re-asks it for every row when the taxonomy changes).
   * @param priceOf what the `price` column holds: the core passes the price in the rate table's
   *   base currency (NaN when the product's currency is not in the table), so one price
   *   restriction serves products in every currency. NaN passes every price restriction: the
   *   request's exact predicate is what refuses it.
   */
  constructor(
    readonly dim: number,
    capacity = 1024,
    private readonly fallback?: { store: Pick<Store, 'getVectors'>; modelId: string },
    private readonly isHealth: (product: Product) => boolean = (p) => !!p.sensitive,
    private readonly priceOf: (product: Product) => number = (p) => p.price,
  ) {
    this.allocate(Math.max(16, capacity));
  }

  /** Every stored vector of a catalog product, in one bulk read (start-up). */
  static async load(
    store: Pick<Store, 'allVectors' | 'getVectors'>, catalog: ProductCatalog, modelId: string, dim: number, priceOf?: (product: Product) => number,
  ): Promise<ProductTable> {
    const all = await store.allVectors('product', modelId);
    const table = new ProductTable(dim, Math.ceil(all.length * 1.25) + 16, { store, modelId }, (p) => catalog.taxonomy.productIsHealth(p), priceOf);
    for (const { id, vector } of all) {
      const product = catalog.get(id);
      if (product && vector.length === dim) table.upsert(product, vector);
    }
    return table;
  }

  get size(): number {
    return this.rows.size;
  }

  rowOf(id: string): number | undefined {
    return this.rows.get(id);
  }

  idAt(row: number): string {
    return this.ids[row]!;
  }

  /**
   * The health rule changed (category taxonomy): every live row whose health flag differs now is
   * rewritten in place and announced, like a write, so candidate lists and scans in flight re-check it.
   */
  refreshHealth(productOf: (id: string) => Product | undefined): void {
    for (let row = 0; row < this.rowCount; row++) {
      const f = this.flags[row]!;
      if (!(f & LIVE)) continue;
      const product = productOf(this.ids[row]!);
      if (!product) continue;
      const next = LIVE | (this.isHealth(product) ? SENSITIVE : 0);
      if (next === f) continue;
      this.flags[row] = next;
      for (const l of this.writeListeners) l(row);
    }
  }

  /** A view of the row's vector: valid until that product is written or removed again. */
  vectorAt(row: number): Float32Array {
    return this.vectors.subarray(row * this.dim, (row + 1) * this.dim);
  }

  /** dot(vector of row a, vector of row b), read in place (`dotRows` in scan.ts). */
  dotRows(a: number, b: number): number {
    return dotRows(this, a, b);
  }

  /** Writes (or rewrites) a product's row. A vector of another dimension is ignored (no row). */
  upsert(product: Product, vector: Float32Array): void {
    if (vector.length !== this.dim) {
      this.remove(product.id);
      return;
    }
    let row = this.rows.get(product.id);
    if (row === undefined) {
      row = this.free.pop() ?? this.rowCount++;
      if (row >= this.capacity) this.allocate(this.capacity * 2);
      this.rows.set(product.id, row);
      this.ids[row] = product.id;
    }
    this.vectors.set(vector, row * this.dim);
    this.price[row] = this.priceOf(product);
    this.category[row] = this.categories.code(product.category);
    this.merchant[row] = this.merchants.code(product.merchant);
    this.flags[row] = LIVE | (this.isHealth(product) ? SENSITIVE : 0);
    this.generation[row]!++;
    for (const l of this.writeListeners) l(row);
  }

  remove(id: string): void {
    const row = this.rows.get(id);
    if (row === undefined) return;
    this.rows.delete(id);
    this.flags[row] = 0;
    this.generation[row]!++;
    this.free.push(row);
    for (const l of this.writeListeners) l(row);
  }

  /**
   * Vectors aligned with `ids` (undefined where there is none), as copies: callers may keep them
   * across awaits. A product the table lacks is read from the store (one read, not kept).
   */
  async getMany(ids: readonly string[]): Promise<Array<Float32Array | undefined>> {
    const out = ids.map((id) => {
      const row = this.rows.get(id);
      return row === undefined ? undefined : this.vectorAt(row).slice();
    });
    const missing = ids.filter((_, i) => !out[i]);
    if (missing.length === 0 || !this.fallback) return out;
    const read = await this.fallback.store.getVectors('product', missing, this.fallback.modelId);
    return out.map((v, i) => v ?? read.get(ids[i]!));
  }

  /**
   * Estimated share of live rows that pass `r`: every row of a small table, else one row from each
   * of `sample` equal slices, at a scrambled offset within it (an evenly spaced sample aliases
   * with catalogs written in a repeating order). Typed-array reads only: a few microseconds, where
   * the same estimate through the product predicate (a catalog lookup per id) cost search ~13% of
   * its main-thread time.
   */
  share(r: Restriction, sample = 256): number {
    const n = this.rowCount;
    const slices = Math.min(n, sample);
    let live = 0;
    let passed = 0;
    for (let s = 0; s < slices; s++) {
      const from = Math.floor((s * n) / slices);
      const width = Math.floor(((s + 1) * n) / slices) - from;
      const row = from + (Math.imul(s + 1, 0x9e3779b1) >>> 0) % width;
      if ((this.flags[row]! & LIVE) === 0) continue;
      live++;
      if (passes(this, row, r)) passed++;
    }
    return live === 0 ? 1 : passed / live;
  }

  /** Codes for a filter's category and merchant (-1: any; -2: a value no product has). */
  codesOf(filters: { category?: string; merchant?: string }): { category: number; merchant: number } {
    return { category: this.categories.lookup(filters.category), merchant: this.merchants.lookup(filters.merchant) };
  }

  /** Called after every row write or removal (synchronously, on the writing thread). */
  onWrite(listener: (row: number) => void): () => void {
    this.writeListeners.add(listener);
    return () => this.writeListeners.delete(listener);
  }

  /** Called after the buffers were replaced by larger ones (the worker must be sent the new ones). */
  onGrow(listener: () => void): void {
    this.growListeners.add(listener);
  }

  buffers(): TableBuffers {
    const sab = (a: { buffer: ArrayBufferLike }) => a.buffer as SharedArrayBuffer;
    return { dim: this.dim, vectors: sab(this.vectors), price: sab(this.price), category: sab(this.category), merchant: sab(this.merchant), flags: sab(this.flags) };
  }

  private allocate(capacity: number): void {
    const grow = <T extends Float32Array | Float64Array | Int32Array | Uint8Array>(make: (b: SharedArrayBuffer) => T, bytes: number, old: T | undefined): T => {
      const next = make(new SharedArrayBuffer(capacity * bytes));
      if (old) next.set(old as never);
      return next;
    };
    const had = this.capacity > 0;
    this.vectors = grow((b) => new Float32Array(b), this.dim * 4, had ? this.vectors : undefined);
    this.price = grow((b) => new Float64Array(b), 8, had ? this.price : undefined);
    this.category = grow((b) => new Int32Array(b), 4, had ? this.category : undefined);
    this.merchant = grow((b) => new Int32Array(b), 4, had ? this.merchant : undefined);
    this.flags = grow((b) => new Uint8Array(b), 1, had ? this.flags : undefined);
    const generation = new Int32Array(capacity);
    if (had) generation.set(this.generation);
    this.generation = generation;
    this.capacity = capacity;
    if (had) for (const l of this.growListeners) l();
  }
}
