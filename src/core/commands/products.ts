/**
 * Product writes. The only code paths that add, change or remove a product: store, vector, index,
 * media and every in-memory structure, in an order that is safe against a concurrent read.
 *
 * Upsert order: image → embedding → media staged → store (product + vector + media version, one
 * transaction) → media promoted → index → index flushed → catalog/vectors/caches. A product becomes
 * visible to reads only at the last step (every read checks the catalog), so no request ever sees
 * it half-written; after a crash, start-up makes the media and the index agree with the store
 * (src/service.ts), so no restart does either.
 * Remove order: catalog/caches (invisible at once) → index → store → media.
 */
import { Product } from '../../domain/index.js';
import { AppError, type ErrorCode } from '../../errors.js';
import { failResult, type ItemResult } from '../../ingest/item-result.js';
import { rasterFormatOf } from '../../ingest/raster.js';
import { itemId, parseItem, type Parsed, type UnknownFieldRule } from '../../ingest/validate.js';
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
  /** Fields the schema does not know: refused (default, the API's rule) or ignored (world files carry evaluation-only fields). */
  unknownFields?: UnknownFieldRule;
}

/** Index inserts per slice: one HNSW insert at 100k products costs ~0.5 ms of the event loop. */
const INDEX_SLICE = 8;

/**
 * Inserts a batch into the index a slice at a time, yielding to the event loop between slices, so
 * a 32-product batch no longer holds it ~16 ms in one go. Safe to interleave with reads: they gate
 * on the catalog, which learns of the products only after the whole batch is indexed and flushed,
 * and writes run one at a time (`deps.writes`), so no other write sees the half-updated index.
 */
async function indexInSlices(index: CoreDeps['productIndex'], rows: ReadonlyArray<{ entity: { id: string }; vector: Float32Array }>): Promise<void> {
  for (let i = 0; i < rows.length; i += INDEX_SLICE) {
    if (i > 0) await new Promise((r) => setImmediate(r));
    for (const w of rows.slice(i, i + INDEX_SLICE)) index.upsert(w.entity.id, w.vector);
  }
}

export function productCommands(deps: CoreDeps, state: CoreState) {
  const { store, productIndex } = deps;
  const crash = deps.crashPoint ?? (() => {});

  /** Every item must name a known merchant and that merchant's network, and a category of the taxonomy. */
  async function merchantCheck(unknown: UnknownFieldRule = 'refuse'): Promise<(item: unknown, k: number) => Parsed<Product>> {
    const merchants = new Map((await store.listMerchants()).map((m) => [m.id, m]));
    return (item, k) => {
      const parsed = parseItem(Product, item, k, unknown);
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

  /** The stored image of a product whose `image` did not change (it may be a served /media path). */
  async function storedImage(p: Product) {
    const media = await deps.media.get('product', p.id);
    if (!media) throw new AppError('IMAGE_UNREADABLE', `Product "${p.id}" has no stored image: send "image" again.`);
    // Stored media were re-encoded by the image gate (JPEG or PNG): its magic bytes say which.
    const bytes = Buffer.from(media.bytes);
    return { bytes, contentType: rasterFormatOf(bytes) === 'png' ? ('image/png' as const) : ('image/jpeg' as const) };
  }

  return {
    /**
     * Changes some fields of a product. Re-embeds only what changed: nothing when neither the
     * image nor the title/description changed (the stored vector is kept), the text alone when
     * only the text did (the image embedding comes from the cache), the image when it changed.
     * Same order as upserts: media → store → index → catalog.
     * @throws AppError NOT_FOUND, VALIDATION_FAILED (the merged product is invalid), IMAGE_*
     */
    async patchProduct(id: string, patch: Partial<Omit<Product, 'id'>>): Promise<Product> {
      const current = state.catalog.has(id) ? await store.getProduct(id) : undefined;
      if (!current) throw new AppError('NOT_FOUND', `No product with id "${id}".`);
      const merged: Product = { ...current, ...patch, id };
      const parse = await merchantCheck();
      const checked = parse(merged, 0);
      if (!checked.ok) {
        const message = checked.result.ok ? '' : checked.result.error.message.replace(/items\.0\./g, '');
        throw new AppError('VALIDATION_FAILED', `The patched product is not valid: ${message}`, [{ path: message.split(':')[0] ?? '', message }]);
      }
      const imageChanged = patch.image !== undefined && patch.image !== current.image;
      if (!imageChanged && productText(checked.value) === productText(current)) {
        const [vector] = await state.vectors.getMany([id]);
        if (!vector) throw new AppError('INDEX_UNAVAILABLE', `Product "${id}" has no stored vector.`);
        // The image is unchanged: keep its committed media version (two-phase media, crash checks).
        // In the one-at-a-time write order, like every other write of the product.
        await deps.writes(async () => {
          const mediaVersion = (await store.mediaVersions('product')).get(id) ?? undefined;
          await store.upsertProducts([{ entity: checked.value, vector, mediaVersion }], deps.embedder.modelId);
          productsWritten(state, [{ product: checked.value, vector }]);
        });
        return checked.value;
      }
      const { results, written } = await writeEmbedded([checked.value], deps, {
        kind: 'product',
        parse: () => checked,
        text: productText,
        save: (rows) => store.upsertProducts(rows, deps.embedder.modelId),
        load: imageChanged ? undefined : storedImage,
        // The same publication as an upsert, inside the same one-at-a-time write order.
        publish: async (rows) => {
          await indexInSlices(productIndex, rows);
          await productIndex.flush();
          productsWritten(state, rows.map((w) => ({ product: w.entity, vector: w.vector })));
        },
      });
      const [result] = results;
      if (!result?.ok) throw new AppError((result?.error.code ?? 'INTERNAL') as ErrorCode, result?.error.message ?? 'The product could not be written.');
      return written[0]!.entity;
    },

    /**
     * @example
     * const results = await commands.upsertProducts(body.items); // [{ id: 'p1', ok: true }, { id: 'p2', ok: false, error }]
     */
    async upsertProducts(items: unknown[], options: WriteOptions = {}): Promise<ItemResult[]> {
      const parse = await merchantCheck(options.unknownFields);
      const { results } = await writeEmbedded(items, deps, {
        kind: 'product',
        parse,
        text: productText,
        save: (rows) => store.upsertProducts(rows, deps.embedder.modelId),
        publish: async (rows) => {
          await indexInSlices(productIndex, rows);
          crash('index-updated');
          if (options.flush !== false) await productIndex.flush();
          crash('index-flushed');
          productsWritten(state, rows.map((w) => ({ product: w.entity, vector: w.vector })));
        },
      }, options.worldDir);
      return results;
    },

    /** @throws AppError NOT_FOUND when there is no such product. */
    async removeProduct(id: string): Promise<void> {
      if (!state.catalog.has(id) && !(await store.getProduct(id))) throw new AppError('NOT_FOUND', `No product with id "${id}".`);
      // In the same order as upserts, so a removal never interleaves with a publication of the id.
      await deps.writes(async () => {
        productRemoved(state, id);
        productIndex.remove(id);
        await store.deleteProduct(id);
        await deps.media.remove('product', id);
      });
    },
  };
}
