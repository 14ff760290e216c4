/**
 * The recommendation core: recommend, search and similar behind one factory, plus the catalog and
 * profile-cache hooks that writes must call. No Express here: the HTTP layer, the demo and the
 * offline evaluation all call this.
 *
 * @example
 * const core = createCore({ store, productIndex, embedder, catalog, decideConsent, tagger, settings });
 * const list = await core.recommend('u0001', { limit: 10, diversity: 0.3 });
 */
import { ProfileCache } from '../profile/cache.js';
import type { Product } from '../world/schema.js';
import type { CoreDeps } from './deps.js';
import { createRecommend, type RecommendOptions } from './recommend.js';
import { createSearch } from './search.js';
import type { ProductFilters, RecommendationResponse, RecommendQuery, SearchRequest, SearchResponse } from './schemas.js';

export interface Core {
  recommend(userId: string, query: RecommendQuery, options?: RecommendOptions): Promise<RecommendationResponse>;
  search(req: SearchRequest): Promise<SearchResponse>;
  similar(productId: string, limit: number, filters?: ProductFilters): Promise<SearchResponse>;
  /** Call after follows or consents change, or the shopper is erased: the next request rebuilds. */
  userChanged(userId: string): void;
  /** Call after a creator's posts or opt-ins change, or the creator is removed. */
  creatorChanged(creatorId: string): void;
  /** Call after products were written to the store + index, so filters and lists see them. */
  productsUpserted(products: Product[]): void;
  /** Call after a product was removed from the store + index. */
  productRemoved(productId: string): void;
  readonly cache: ProfileCache;
}

export function createCore(deps: CoreDeps): Core {
  const cache = new ProfileCache();
  const recommend = createRecommend(deps, cache);
  const { search, similar } = createSearch(deps);
  return {
    recommend,
    search,
    similar,
    userChanged: (id) => cache.invalidateUser(id),
    creatorChanged: (id) => cache.invalidateCreator(id),
    productsUpserted: (products) => deps.catalog.upsert(products),
    productRemoved: (id) => void deps.catalog.remove(id),
    cache,
  };
}

export type { CoreDeps, CoreSettings } from './deps.js';
export type { RecommendOptions } from './recommend.js';
