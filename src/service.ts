/**
 * The one composition root: config → store → index → media → embedder → consent policy → tagger →
 * core. The backend is chosen here and nowhere else: no DATABASE_URL → SQLite + hnswlib files +
 * a media folder in DATA_DIR; DATABASE_URL → everything in PostgreSQL (pgvector, media as bytea),
 * this process's hnswlib index built from it at start-up, and the change feed keeping this
 * replica in step with every other process on the same database. The server, `npm run ingest`, the offline evaluation and the benchmarks all build the
 * service here, so they all run the configuration production runs (HNSW, fusion, consent, cache),
 * and `describeSettings` is what each of them prints.
 *
 * @example
 * const service = await createService(loadConfig(process.env));
 * await service.core.commands.loadWorld('fixtures');
 * await service.close();
 */
import { join, resolve } from 'node:path';
import { createTagger } from './affiliate/tagger.js';
import { linkKeys, type Config } from './config.js';
import { policyFromConfig } from './consent/policy.js';
import { createCore, type Core, type CoreDeps, type CoreSettings } from './core/core.js';
import { serialWrites } from './core/deps.js';
import { crashPoint } from './crash-points.js';
import type { Embedder } from './embed/types.js';
import { createWorkerEmbedder } from './embed/worker-pool.js';
import { HnswVectorIndex } from './index/hnsw-index.js';
import type { VectorIndex } from './index/types.js';
import { createLogger, type Logger } from './log.js';
import type { ChangeFeed } from './core/change-feed.js';
import { fileMediaStore } from './store/media-files.js';
import { pgChangeFeed } from './store/pg-change-feed.js';
import { pgJobQueue } from './store/pg-jobs.js';
import { pgMediaStore } from './store/pg-media.js';
import { ensureVectorIndex, pgVectorSearch, pgVectorSettings, type PgVectorSearch } from './store/pg-vector-index.js';
import { openPgStore, type PgStore } from './store/pg-store.js';
import { checkNotEmptied, openDataDirStore, storeDamage } from './store/data-dir.js';
import type { MediaStore, Store } from './store/types.js';

export interface ServiceOverrides {
  /** Use this embedder instead of starting MODEL_ID in worker threads (tests); the caller closes it. */
  embedder?: Embedder;
  log?: Logger;
  /** A fixed clock (tests, and the evaluation's world "now"). */
  now?: () => Date;
  /** Only for tests that must never touch the network. */
  fetchImage?: (url: URL) => Promise<Uint8Array>;
}

export interface Service {
  config: Config;
  log: Logger;
  core: Core;
  embedder: Embedder;
  store: Store;
  productIndex: VectorIndex;
  media: MediaStore;
  /**
   * What the core was built from, less the change feed: the evaluation and the benchmarks build
   * variant cores from these, which are snapshots of this process's view; only `core` follows
   * the other replicas' changes (a feed drives exactly one core).
   */
  deps: CoreDeps;
  /** 'sqlite' (embedded) or 'postgres' (DATABASE_URL). */
  backend: 'sqlite' | 'postgres';
  /** The PostgreSQL store (with its pools) when backend is 'postgres'. */
  pg?: PgStore;
  /**
   * pgvector search over the model's HNSW index (backend 'postgres'), with the query settings
   * bench/pg.ts measures (`pgVectorSettings(config)`): the path for a catalog too large for
   * every replica's in-process index; requests use the in-process index today (docs/scale-out.md).
   */
  pgVectorSearch?: PgVectorSearch;
  /**
   * This start created the store (DATA_DIR had no store.db; with PostgreSQL, this start created
   * the schema): the server loads WORLD_DIR only then.
   */
  freshInstall: boolean;
  /** Flushes the index, closes the store and (unless it was given) stops the embedder. */
  close(): Promise<void>;
}

/** What the core takes from config, in one place. */
export function coreSettings(config: Config): CoreSettings {
  return {
    halfLifeDays: config.PROFILE_HALF_LIFE_DAYS,
    worldDir: resolve(config.WORLD_DIR),
    allowedImageHosts: config.ALLOWED_IMAGE_HOSTS,
    imageWeight: config.IMAGE_WEIGHT,
    textWeight: config.TEXT_WEIGHT,
    embedBatch: config.EMBED_BATCH,
    jobMinItems: config.JOB_MIN_ITEMS,
    candidateDepth: config.RECOMMEND_CANDIDATE_DEPTH,
    queryCacheSize: config.QUERY_CACHE_SIZE,
    embedThreads: config.EMBED_THREADS,
    rates: { ...config.CURRENCY_RATES, date: config.CURRENCY_RATES_DATE },
    clickDedupeWindowS: config.CLICK_DEDUPE_WINDOW_S,
    imageFetchTimeoutMs: config.IMAGE_FETCH_TIMEOUT_MS,
    imageMaxBytes: config.IMAGE_MAX_BYTES,
    // A cached list re-serves signed links: never for more than half their life.
    responseCacheTtlS: Math.min(config.RECOMMEND_CACHE_TTL_S, Math.floor(config.TOKEN_TTL / 2)),
  };
}

/** The settings that decide what a ranking measures; the server logs them, the eval and bench print them. */
export function describeSettings(config: Config, embedder: Pick<Embedder, 'modelId' | 'dimension'>) {
  return {
    model: `${embedder.modelId} (${embedder.dimension}-d)`,
    backend: config.DATABASE_URL ? `postgres${config.DATABASE_READ_URL ? ' + read replica' : ''} (schema ${config.DATABASE_SCHEMA})` : 'sqlite',
    hnsw: { m: config.HNSW_M, efConstruction: config.HNSW_EF_CONSTRUCTION, efSearch: config.HNSW_EF_SEARCH },
    fusion: { image: config.IMAGE_WEIGHT, text: config.TEXT_WEIGHT },
    profileHalfLifeDays: config.PROFILE_HALF_LIFE_DAYS,
    responseCacheTtlS: coreSettings(config).responseCacheTtlS,
    consent: { euAge: config.CONSENT_MIN_AGE, overrides: config.CONSENT_MIN_AGE_OVERRIDES, policyVersion: config.POLICY_VERSION },
  };
}

/**
 * The configured model (MODELS_DIR, MODEL_ID, MODEL_QUANTIZED) in EMBED_THREADS worker threads:
 * what createService starts, and what the evaluation and benchmarks start when they hold the
 * embedder themselves. `threads` overrides EMBED_THREADS (the ingest benchmark varies it).
 */
export function createConfiguredEmbedder(config: Config, threads = config.EMBED_THREADS): Promise<Embedder> {
  return createWorkerEmbedder({ modelsDir: config.MODELS_DIR, modelId: config.MODEL_ID, quantized: config.MODEL_QUANTIZED, threads });
}

export async function createService(config: Config, overrides: ServiceOverrides = {}): Promise<Service> {
  const log = overrides.log ?? createLogger(config.LOG_LEVEL);
  // The store first: a store that must not be used stops start-up before the model loads.
  let t = performance.now();
  const pg = config.DATABASE_URL
    ? await openPgStore({ url: config.DATABASE_URL, readUrl: config.DATABASE_READ_URL, schema: config.DATABASE_SCHEMA, max: config.DATABASE_POOL_MAX, currencyRates: config.CURRENCY_RATES })
    : undefined;
  const sqlite = pg ? undefined : openDataDirStore(config.DATA_DIR);
  const store: Store = pg ?? sqlite!.store;
  const fresh = pg ? pg.created : sqlite!.fresh;
  let embedder: Embedder | undefined;
  let feed: ChangeFeed | undefined;
  try {
    if (sqlite && !fresh) await checkNotEmptied(sqlite.store, config.DATA_DIR);
    const storeMs = lap();
    embedder = overrides.embedder ?? (await createConfiguredEmbedder(config));
    log.info('model loaded', { model: embedder.modelId, dimension: embedder.dimension, ms: lap() });
    const { modelId } = embedder;
    const crash = crashPoint(config.TEST_CRASH_AT);
    let serving = false; // the index's flush crash point counts writes only, not start-up's own flush
    // Before anything is served: finish or undo media writes a crash interrupted, drop orphans.
    // With PostgreSQL every replica runs it: staged rows are only touched once old enough that no
    // live write can still own them (pg-media.ts).
    const media = pg ? pgMediaStore(pg.pools) : fileMediaStore(join(config.DATA_DIR, 'media'));
    const recovered = await media.recover({ product: await store.mediaVersions('product'), post: await store.mediaVersions('post') });
    if (recovered.promoted + recovered.discarded + recovered.orphans > 0) log.warn('media recovered after an interrupted write', { ...recovered });
    const mediaMs = lap();
    // Embedded: rebuilt from the store's vectors when its files are missing, damaged (checksums),
    // from another model or dimension; otherwise reconciled with the store's vector checksums.
    // PostgreSQL: never persisted, so always built from the shared store (nothing to reconcile).
    const productIndex = await HnswVectorIndex.open({
      dir: join(config.DATA_DIR, 'index'),
      name: 'products',
      modelId,
      dimension: embedder.dimension,
      rebuild: () => store.allVectors('product', modelId),
      reconcile: pg ? undefined : { checksums: () => store.vectorChecksums('product', modelId), vectors: (ids) => store.getVectors('product', ids, modelId) },
      m: config.HNSW_M,
      efConstruction: config.HNSW_EF_CONSTRUCTION,
      efSearch: config.HNSW_EF_SEARCH,
      // Other processes write the shared database: local files could never be trusted.
      persist: !pg,
      log,
      crashPoint: (step) => serving && crash(step),
    });
    serving = true;
    // The model's pgvector HNSW index (dimension from the model): the durable index of the
    // shared database, measured against the in-process one in BENCHMARKS.md.
    if (pg) await ensureVectorIndex(pg.pools, { modelId, dimension: embedder.dimension, m: config.HNSW_M, efConstruction: config.HNSW_EF_CONSTRUCTION });
    feed = pg ? pgChangeFeed(pg.pools, { log }) : undefined;
    log.info('start-up checks', { storeMs, mediaMs, indexMs: lap() });
    const tagger = createTagger({ merchants: await store.listMerchants(), keys: linkKeys(config), tokenTtlSeconds: config.TOKEN_TTL });
    const deps: CoreDeps = {
      store, media, productIndex, embedder, tagger, log,
      policy: policyFromConfig(config),
      settings: coreSettings(config),
      now: overrides.now ?? (() => new Date()),
      fetchImage: overrides.fetchImage,
      feed,
      jobs: pg ? pgJobQueue(pg.pools) : undefined,
      writes: serialWrites(),
      crashPoint: crash,
    };
    const core = await createCore(deps);
    const running = embedder;
    let closed: Promise<void> | undefined;
    return {
      config, log, core, embedder, store, productIndex, media, deps: { ...deps, feed: undefined }, pg,
      pgVectorSearch: pg && pgVectorSearch(pg.pools, { modelId, dimension: embedder.dimension, ...pgVectorSettings(config) }),
      backend: pg ? 'postgres' : 'sqlite',
      freshInstall: fresh,
      close: () =>
        (closed ??= (async () => {
          await productIndex.flush();
          await feed?.close();
          await store.close();
          if (!overrides.embedder) await running.close();
        })()),
    };
  } catch (err) {
    await feed?.close();
    await store.close();
    if (!overrides.embedder) await embedder?.close();
    throw storeDamage(err, config.DATA_DIR) ?? err;
  }

  function lap(): number {
    const ms = Math.round(performance.now() - t);
    t = performance.now();
    return ms;
  }
}
