/**
 * search ("shop the look") and similar products. Neither uses personal data, so both are the same
 * for every caller; health & wellness products are left out because an anonymous caller's age and
 * consent are unknown (privacy by default).
 */
import { weightedCentroid } from '../../embed/vectors.js';
import { AppError } from '../../errors.js';
import { loadImage } from '../../ingest/image-source.js';
import { productPredicate } from '../../retrieve/filters.js';
import type { CoreDeps } from '../deps.js';
import { productView, round4 } from '../present.js';
import { priceFilterInfo } from '../price-filter.js';
import type { PriceFilterInfo, ProductFilters, SearchRequest, SearchResponse } from '../schemas.js';
import type { CoreState } from '../state.js';

/** Text and image count equally in a combined query ("this photo, but in red"). */
const QUERY_WEIGHTS = [0.5, 0.5];

export function createSearch(deps: CoreDeps, state: CoreState) {
  const { catalog, vectors } = state;

  function respond(hits: Array<{ id: string; score: number }>, priceFilter: PriceFilterInfo): SearchResponse {
    const at = deps.now();
    return {
      priceFilter,
      items: hits.map((h, i) => {
        const product = catalog.get(h.id)!;
        return { rank: i + 1, score: round4(h.score), product: productView(product), ...deps.tagger.tag({ product, credit: null, userRef: null, now: at }) };
      }),
    };
  }

  async function queryVector(req: SearchRequest): Promise<Float32Array> {
    const parts: Float32Array[] = [];
    if (req.image !== undefined) {
      try {
        // Same rules as ingest: world-relative path, data: URL, or an allowlisted host (no SSRF).
        const { bytes } = await loadImage(req.image, { ...deps.settings, fetchImage: deps.fetchImage });
        parts.push((await deps.embedder.embedImages([bytes]))[0]!);
      } catch (err) {
        // Point the client at the field: the loader and the embedder do not know it is called "image".
        if (err instanceof AppError) throw new AppError(err.code, err.message, [{ path: 'image', message: err.message }], { cause: err });
        throw err;
      }
    }
    if (req.text !== undefined) parts.push((await deps.embedder.embedTexts([req.text]))[0]!);
    if (parts.length === 0) throw new AppError('VALIDATION_FAILED', 'Give text, image or both.', [{ path: 'text', message: 'give text, image or both' }]);
    return parts.length === 1 ? parts[0]! : weightedCentroid(parts, QUERY_WEIGHTS);
  }

  /** Products closest to a text and/or image query, within the filters. */
  async function search(req: SearchRequest): Promise<SearchResponse> {
    const priceFilter = priceFilterInfo(req.filters, deps.settings.rates, 'filters.currency');
    const q = await queryVector(req);
    const accept = productPredicate(catalog, { filters: req.filters, allowSensitive: false, rates: deps.settings.rates });
    return respond(deps.productIndex.search(q, req.limit, accept), priceFilter);
  }

  /**
   * Products that look and read like `productId` (itself excluded).
   * @throws AppError NOT_FOUND for an unknown product.
   */
  async function similar(productId: string, limit: number, filters?: ProductFilters): Promise<SearchResponse> {
    const product = catalog.get(productId);
    const vector = product && (await vectors.getMany([productId]))[0];
    if (!product || !vector) throw new AppError('NOT_FOUND', `No product with id "${productId}".`);
    const priceFilter = priceFilterInfo(filters, deps.settings.rates, 'query.currency');
    const accept = productPredicate(catalog, { filters, excludeIds: new Set([productId]), allowSensitive: !!product.sensitive, rates: deps.settings.rates });
    return respond(deps.productIndex.search(vector, limit, accept), priceFilter);
  }

  return { search, similar };
}
