/**
 * Everything the core is built from. Plain interfaces: the composition root (src/service.ts) builds
 * the real ones from config; tests pass fakes for the embedder and the clock.
 */
import type { Tagger } from '../affiliate/tagger.js';
import type { ChangeFeed } from './change-feed.js';
import type { JobQueue } from './jobs.js';
import type { ConsentPolicy } from '../consent/policy.js';
import type { CrashPoint } from '../crash-points.js';
import type { Embedder } from '../embed/types.js';
import type { VectorIndex } from '../index/types.js';
import type { Logger } from '../log.js';
import type { CurrencyRates } from '../retrieve/currency.js';
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
  /** Products kept per precomputed candidate list (RECOMMEND_CANDIDATE_DEPTH). */
  candidateDepth: number;
  /** Search-query embeddings kept in memory (QUERY_CACHE_SIZE). */
  queryCacheSize: number;
  /** Model worker threads (EMBED_THREADS): how many query batches may be in flight at once. */
  embedThreads: number;
  /** CURRENCY_RATES / CURRENCY_RATES_DATE: what price filters convert with. */
  rates: CurrencyRates;
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
  embedder: Pick<Embedder, 'modelId' | 'dimension' | 'embedTexts' | 'embedImages' | 'queueDepth'>;
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
  /**
   * Runs a batch's commit → media promotion → publication one batch at a time (`serialWrites()`),
   * so concurrent writes of one id become current in the order the store committed them.
   */
  writes: <T>(task: () => Promise<T>) => Promise<T>;
  /** TEST ONLY (TEST_CRASH_AT): where the crash test kills the process; a no-op otherwise. */
  crashPoint?: CrashPoint;
  /** Counters for /metrics; `createCore` makes fresh ones when absent. */
  stats?: CoreStats;
}

/** Embedding-cache lookups (each image or text of a write), for /metrics. */
export interface CoreStats {
  embeddingCache: { hits: number; misses: number };
}

/** One-at-a-time execution in call order; a failed task does not block the next. */
export function serialWrites(): CoreDeps['writes'] {
  let tail: Promise<unknown> = Promise.resolve();
  return (task) => {
    const run = tail.then(task);
    tail = run.catch(() => {});
    return run;
  };
}
