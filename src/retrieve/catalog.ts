/**
 * An in-memory copy of the catalog for the retrieve stage. The ANN index filters candidates with a
 * synchronous callback (hnswlib's filter runs inside the search), so category, price, merchant and
 * health status (from the category taxonomy it holds) must be answerable without a round trip to the store. It also fixes the editorial
 * order of the non-personalised list. Kept in step by the core: every product upsert/delete that
 * goes through the API updates it.
 *
 * The two orders over the whole catalog (editorial, sorted ids) are built once, on first use, and
 * then kept up to date one product at a time: rebuilding them after every write (100k SHA-1 hashes
 * and sorts, ~0.6 s at 100k products) held the event loop on the first request after each ingest
 * batch.
 */
import { createHash } from 'node:crypto';
import type { Store } from '../store/types.js';
import { CategoryTaxonomy, DEFAULT_CATEGORIES, type Product } from '../domain/index.js';

export class ProductCatalog {
  private readonly byId = new Map<string, Product>();
  /** Per category, its products in hash order (null until the editorial order is first read). */
  private queues: Map<string, Array<{ id: string; h: string }>> | null = null;
  /** The categories of `queues` in name order (null after one appeared or went away). */
  private categoryOrder: Array<Array<{ id: string; h: string }>> | null = null;
  /** `editorialIds()` materialised, for `editorialOrder()` (null after any change). */
  private editorial: string[] | null = null;
  /** Every id in code-unit order (null until first read; then kept up to date). */
  private sorted: string[] | null = null;

  /** One copy of each repeated field value: one entry per distinct value ever stored (short strings, kept for the catalog's life). */
  private readonly strings = new Interner();

  /** `taxonomy` is shared with the core, so a category marked health applies to every product in it at once. */
  private constructor(readonly taxonomy: CategoryTaxonomy) {}

  /** Loads every product from the store. */
  static async load(store: Pick<Store, 'listProducts'>, taxonomy: CategoryTaxonomy): Promise<ProductCatalog> {
    const catalog = new ProductCatalog(taxonomy);
    catalog.upsert(await store.listProducts());
    return catalog;
  }

  /** An empty catalog, filled with `upsert` (tests, eval); the default taxonomy unless given one. */
  static empty(taxonomy: CategoryTaxonomy = new CategoryTaxonomy(DEFAULT_CATEGORIES)): ProductCatalog {
    return new ProductCatalog(taxonomy);
  }

  get size(): number {
    return this.byId.size;
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  /** The stored product (do not mutate; views copy what they need). */
  get(id: string): Product | undefined {
    return this.byId.get(id);
  }

  /** Health & wellness per the taxonomy, read now (not when the product was written); unknown ids count as health. */
  isHealth(id: string): boolean {
    const p = this.byId.get(id);
    return !p || this.taxonomy.productIsHealth(p);
  }

  /** Every product (do not mutate): the taxonomy's first seeding reads the categories already in use. */
  products(): IterableIterator<Product> {
    return this.byId.values();
  }

  upsert(products: Product[]): void {
    for (const given of products) {
      const p = this.shared(given);
      const old = this.byId.get(p.id);
      this.byId.set(p.id, p);
      if (!old && this.sorted) this.sorted.splice(lowerBound(this.sorted, p.id, (x) => x), 0, p.id);
      if (this.queues && old?.category !== p.category) {
        if (old) this.leaveQueue(old);
        this.joinQueue(p);
      }
    }
    if (products.length > 0) this.editorial = null;
  }

  /**
   * The product with its repeated values (brand, category, ...) as one shared string each. Every
   * product row read from the store brings its own copies, and the catalog is most of what a full
   * GC marks: sharing them cut a forced full GC after start-up from 48-52 to ~44 ms at 100k
   * products (old space 68 → 65 MB) and from 391 to 356 ms at 1M (546 → 510 MB).
   */
  private shared(p: Product): Product {
    // In place: an equal string is indistinguishable from the one it replaces. A copy ({...p, ...})
    // made the same full GC slower (52-55 ms), not faster.
    if (Object.isFrozen(p)) return p;
    const s = this.strings;
    p.brand = s.of(p.brand);
    p.category = s.of(p.category);
    p.currency = s.of(p.currency);
    p.merchant = s.of(p.merchant);
    p.network = s.of(p.network);
    if (p.colour !== undefined) p.colour = s.of(p.colour);
    return p;
  }

  remove(id: string): boolean {
    const old = this.byId.get(id);
    if (!old) return false;
    this.byId.delete(id);
    if (this.sorted) this.sorted.splice(lowerBound(this.sorted, id, (x) => x), 1);
    if (this.queues) this.leaveQueue(old);
    this.editorial = null;
    return true;
  }

  /** Every id in code-unit order: what the catalog listing pages through. */
  sortedIds(): readonly string[] {
    return (this.sorted ??= [...this.byId.keys()].sort());
  }

  /**
   * A stable "editorial" order that needs no personal data: categories take turns, and within a
   * category products follow a hash of their id, so the list is varied and the same for everyone.
   */
  editorialOrder(): readonly string[] {
    return (this.editorial ??= [...this.editorialIds()]);
  }

  /**
   * `editorialOrder()` one id at a time, without materialising it (the non-personalised list reads
   * only its first few dozen ids). Consume it synchronously: a write in between changes the queues.
   */
  *editorialIds(): Generator<string> {
    const queues = (this.categoryOrder ??= [...this.editorialQueues()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, q]) => q));
    const longest = queues.reduce((n, q) => Math.max(n, q.length), 0);
    for (let i = 0; i < longest; i++) {
      for (const q of queues) if (i < q.length) yield q[i]!.id;
    }
  }

  private editorialQueues(): Map<string, Array<{ id: string; h: string }>> {
    if (this.queues) return this.queues;
    this.queues = new Map();
    for (const p of this.byId.values()) {
      const list = this.queues.get(p.category) ?? [];
      list.push({ id: p.id, h: hashOf(p.id) });
      this.queues.set(p.category, list);
    }
    for (const q of this.queues.values()) q.sort((a, b) => (a.h < b.h ? -1 : 1));
    return this.queues;
  }

  private joinQueue(p: Product): void {
    let q = this.queues!.get(p.category);
    if (!q) {
      this.queues!.set(p.category, (q = []));
      this.categoryOrder = null;
    }
    const h = hashOf(p.id);
    q.splice(lowerBound(q, h, (e) => e.h), 0, { id: p.id, h });
  }

  private leaveQueue(p: Product): void {
    const q = this.queues!.get(p.category);
    if (!q) return;
    const h = hashOf(p.id);
    const at = lowerBound(q, h, (e) => e.h);
    if (q[at]?.id === p.id) q.splice(at, 1);
    if (q.length === 0) {
      this.queues!.delete(p.category);
      this.categoryOrder = null;
    }
  }
}

/** Hands out one string object per distinct value. */
class Interner {
  private readonly pool = new Map<string, string>();
  of<T extends string>(value: T): T {
    const known = this.pool.get(value);
    if (known !== undefined) return known as T;
    this.pool.set(value, value);
    return value;
  }
}

const hashOf = (id: string) => createHash('sha1').update(id).digest('hex');

/** The first index whose key is not below `key` (code-unit order) in an array sorted by `keyOf`. */
function lowerBound<T>(items: readonly T[], key: string, keyOf: (item: T) => string): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (keyOf(items[mid]!) < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
