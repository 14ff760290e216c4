/**
 * An in-memory copy of the catalog for the retrieve stage. The ANN index filters candidates with a
 * synchronous callback (hnswlib's filter runs inside the search), so category, price, merchant and
 * health status (from the category taxonomy it holds) must be answerable without a round trip to the store. It also fixes the editorial
 * order of the non-personalised list. Kept in step by the core: every product upsert/delete that
 * goes through the API updates it.
 */
import { createHash } from 'node:crypto';
import type { Store } from '../store/types.js';
import { CategoryTaxonomy, DEFAULT_CATEGORIES, type Product } from '../domain/index.js';

export class ProductCatalog {
  private readonly byId = new Map<string, Product>();
  private editorial: string[] | null = null;
  private sorted: string[] | null = null;

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
    for (const p of products) this.byId.set(p.id, p);
    this.editorial = null;
    this.sorted = null;
  }

  remove(id: string): boolean {
    const had = this.byId.delete(id);
    if (had) this.editorial = this.sorted = null;
    return had;
  }

  /** Every id in code-unit order: what the catalog listing pages through (recomputed after a change). */
  sortedIds(): readonly string[] {
    return (this.sorted ??= [...this.byId.keys()].sort());
  }

  /**
   * A stable "editorial" order that needs no personal data: categories take turns, and within a
   * category products follow a hash of their id, so the list is varied and the same for everyone.
   */
  editorialOrder(): readonly string[] {
    if (this.editorial) return this.editorial;
    const byCategory = new Map<string, Array<{ id: string; h: string }>>();
    for (const p of this.byId.values()) {
      const list = byCategory.get(p.category) ?? [];
      list.push({ id: p.id, h: createHash('sha1').update(p.id).digest('hex') });
      byCategory.set(p.category, list);
    }
    const queues = [...byCategory.keys()].sort().map((c) => byCategory.get(c)!.sort((a, b) => (a.h < b.h ? -1 : 1)));
    const order: string[] = [];
    for (let i = 0; order.length < this.byId.size; i++) {
      for (const q of queues) if (i < q.length) order.push(q[i]!.id);
    }
    this.editorial = order;
    return order;
  }
}
