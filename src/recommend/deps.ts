/**
 * Everything the recommendation core is built from. Plain interfaces: the HTTP layer, the ingest
 * CLI, the demo and the offline evaluation build the same core with real or fake parts.
 */
import type { Embedder } from '../embed/types.js';
import type { VectorIndex } from '../index/types.js';
import type { Store } from '../store/types.js';
import type { ProductCatalog } from '../retrieve/catalog.js';
import type { ConsentDecider, Tagger } from './ports.js';

export interface CoreSettings {
  /** Recency half-life of post weights in a profile (PROFILE_HALF_LIFE_DAYS). */
  halfLifeDays: number;
  /** Base of world-relative image paths in search queries (WORLD_DIR). */
  worldDir: string;
  /** Hosts whose http(s) images a search may fetch (ALLOWED_IMAGE_HOSTS). */
  allowedImageHosts: string[];
  /** Seconds a shopper's recommendation response may be served again (RECOMMEND_CACHE_TTL_S); 0 or absent: no cache. */
  responseCacheTtlS?: number;
}

export interface CoreDeps {
  store: Store;
  productIndex: VectorIndex;
  embedder: Pick<Embedder, 'modelId' | 'embedTexts' | 'embedImages'>;
  catalog: ProductCatalog;
  decideConsent: ConsentDecider;
  tagger: Tagger;
  settings: CoreSettings;
  /** The pseudonymous reference clicks are recorded under; defaults to the user id. */
  userRef?: (userId: string) => string;
  /** Injected clock, for tests. */
  now?: () => Date;
  /** Only for tests that must never touch the network. */
  fetchImage?: (url: URL) => Promise<Uint8Array>;
}
