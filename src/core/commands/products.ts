/**
 * Product writes. The only code paths that add, change or remove a product: store, vector, index,
 * media and every in-memory structure, in an order that is safe against a concurrent read.
 *
 * Upsert order: image → embedding → media → store (product + vector, one transaction) → index →
 * catalog/vectors/caches. A product becomes visible to reads only at the last step (every read
 * checks the catalog), so no request ever sees it half-written.
 * Remove order: catalog/caches (invisible at once) → index → store → media.
 */
import { Product } from '../../domain/index.js';
import { AppError } from '../../errors.js';
import { failResult, type ItemResult } from '../../ingest/item-result.js';
import { itemId, parseItem, type Parsed } from '../../ingest/validate.js';
import type { CoreDeps } from '../deps.js';
import { productRemoved, productsWritten, type CoreState } from '../state.js';
import { writeEmbedded } from './embedded.js';
import { productCategoryProblem, storedProduct } from './taxonomy-rules.js';

/** The text half of a product's vector. */
export const productText = (p: Pick<Product, 'title' | 'description'>) => `${p.title}. ${p.description}`;

export interface WriteOptions {
  /** Persist the index after the batch (default true; a bulk load flushes once at the end). */
  flush?: boolean;
  /** Base of world-relative image paths for this write (default WORLD_DIR). */
  worldDir?: string;
}

export function productCommands(deps: CoreDeps, state: CoreState) {
  const { store, productIndex } = deps;

  /** Every item must name a known merchant and that merchant's network, and a category of the taxonomy. */
  async function merchantCheck(): Promise<(item: unknown, k: number) => Parsed<Product>> {
    const merchants = new Map((await store.listMerchants()).map((m) => [m.id, m]));
    return (item, k) => {
      const parsed = parseItem(Product, item, k);
      if (!parsed.ok) return parsed;
      const p = parsed.value;
      const m = merchants.get(p.merchant);
      const refuse = (message: string) => ({ ok: false as const, result: failResult(itemId(item, k), 'VALIDATION_FAILED', message) });
      if (!m) return refuse(`items.${k}.merchant: no merchant "${p.merchant}"; PUT /v1/merchants first (known: ${[...merchants.keys()].slice(0, 20).join(', ') || 'none'})`);
      if (m.network !== p.network) return refuse(`items.${k}.network: merchant "${m.id}" is on the "${m.network}" network, not "${p.network}"`);
      const problem = productCategoryProblem(state.taxonomy, p, k);
      if (problem) return refuse(problem);
      return { ok: true, value: storedProduct(p) };
    };
  }

  return {
    /**
     * @example
     * const results = await commands.upsertProducts(body.items); // [{ id: 'p1', ok: true }, { id: 'p2', ok: false, error }]
     */
    async upsertProducts(items: unknown[], options: WriteOptions = {}): Promise<ItemResult[]> {
      const parse = await merchantCheck();
      const { results, written } = await writeEmbedded(items, deps, {
        kind: 'product',
        parse,
        text: productText,
        save: (rows) => store.upsertProducts(rows, deps.embedder.modelId),
      }, options.worldDir);
      for (const w of written) productIndex.upsert(w.entity.id, w.vector);
      if (written.length > 0 && options.flush !== false) await productIndex.flush();
      productsWritten(state, written.map((w) => ({ product: w.entity, vector: w.vector })));
      return results;
    },

    /** @throws AppError NOT_FOUND when there is no such product. */
    async removeProduct(id: string): Promise<void> {
      if (!state.catalog.has(id) && !(await store.getProduct(id))) throw new AppError('NOT_FOUND', `No product with id "${id}".`);
      productRemoved(state, id);
      productIndex.remove(id);
      await store.deleteProduct(id);
      await deps.media.remove('product', id);
    },
  };
}
