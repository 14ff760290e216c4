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
import { ProductVectors } from '../retrieve/product-vectors.js';
import type { Product } from '../world/schema.js';
import type { CoreDeps } from './deps.js';
import { createRecommend, type RecommendOptions, type RecommendState } from './recommend.js';
import { ResponseCache } from './response-cache.js';
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
  /** Call after a click was recorded under `userRef`: that shopper's list leaves clicked items out. */
  clicked(userRef: string): void;
  /** Loads the in-memory product vectors now (else the first recommendation pays for it: ~0.6 s at 100k). */
  preload(): Promise<void>;
  /** The profile cache. */
  readonly cache: ProfileCache;
  /** The per-shopper response cache (disabled when `settings.responseCacheTtlS` is 0 or absent). */
  readonly responses: ResponseCache;
}

export function createCore(deps: CoreDeps): Core {
  const state: RecommendState = {
    profiles: new ProfileCache(),
    responses: new ResponseCache((deps.settings.responseCacheTtlS ?? 0) * 1000),
    vectors: new ProductVectors(deps.store, deps.embedder.modelId),
    refs: new Map(),
  };
  const { profiles: cache, responses, vectors } = state;
  const recommend = createRecommend(deps, state);
  const { search, similar } = createSearch(deps, vectors);
  // Both caches hang off the same hooks, so nothing can invalidate one and forget the other.
  return {
    recommend,
    search,
    similar,
    userChanged: (id) => {
      cache.invalidateUser(id);
      responses.invalidateUser(id);
    },
    creatorChanged: (id) => {
      cache.invalidateCreator(id);
      responses.invalidateCreator(id);
    },
    productsUpserted: (products) => {
      deps.catalog.upsert(products);
      vectors.invalidate(products.map((p) => p.id));
      responses.clear();
    },
    productRemoved: (id) => {
      deps.catalog.remove(id);
      vectors.invalidate([id]);
      responses.clear();
    },
    clicked: (ref) => {
      const userId = state.refs.get(ref) ?? ref;
      responses.invalidateUser(userId);
    },
    preload: () => vectors.load(),
    cache,
    responses,
  };
}

export type { CoreDeps, CoreSettings } from './deps.js';
export type { RecommendOptions } from './recommend.js';
