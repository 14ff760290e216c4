/**
 * Everything the core is built from. Plain interfaces: the composition root (src/service.ts) builds
 * the real ones from config; tests pass fakes for the embedder and the clock.
 */
import type { Tagger } from '../affiliate/tagger.js';
import type { ChangeFeed } from './change-feed.js';
import type { JobQueue } from './jobs.js';
import type { ConsentPolicy } from '../consent/policy.js';
import type { Embedder } from '../embed/types.js';
import type { VectorIndex } from '../index/types.js';
import type { Logger } from '../log.js';
import type { MediaStore, Store } from '../store/types.js';

export interface CoreSettings {
  /** Recency half-life of post weights in a profile (PROFILE_HALF_LIFE_DAYS). */
  halfLifeDays: number;
  /** Base of world-relative image paths (WORLD_DIR). */
  worldDir: string;
  /** Hosts whose http(s) images may be fetched (ALLOWED_IMAGE_HOSTS). */
  allowedImageHosts: string[];
  /** Fusion weights of product and post vectors (IMAGE_WEIGHT / TEXT_WEIGHT). */
  imageWeight: number;
  textWeight: number;
  /** Seconds a shopper's recommendation response may be served again; 0: no cache. */
  responseCacheTtlS: number;
  /** Items per embedder call when writing. */
  embedBatch: number;
  /** With a job queue, product batches this large are queued for the workers (JOB_MIN_ITEMS). */
  jobMinItems: number;
  /** A link token counts at most one click per window of this many seconds; 0: every click counts. */
  clickDedupeWindowS: number;
  /** Remote image fetches: total time allowed and the largest body read (the download is aborted past it). */
  imageFetchTimeoutMs: number;
  imageMaxBytes: number;
}

export interface CoreDeps {
  store: Store;
  media: MediaStore;
  productIndex: VectorIndex;
  embedder: Pick<Embedder, 'modelId' | 'dimension' | 'embedTexts' | 'embedImages'>;
  tagger: Tagger;
  policy: ConsentPolicy;
  settings: CoreSettings;
  log: Pick<Logger, 'info' | 'warn'>;
  /** Injected clock, for tests and the offline evaluation (a world's fixed "now"). */
  now: () => Date;
  /** Only for tests that must never touch the network. */
  fetchImage?: (url: URL) => Promise<Uint8Array>;
  /** Keeps replicas that share one database in step (PostgreSQL); absent for the embedded backend. */
  feed?: ChangeFeed;
  /** Embedding jobs for large batches (PostgreSQL); absent: every batch is embedded in the request. */
  jobs?: JobQueue;
}
