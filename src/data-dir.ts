/**
 * The DATA_DIR layout and how to open it, in one place for the server and `npm run ingest`:
 * both must build the index with the same HNSW settings and the same trust checks, and hand
 * ingest the same settings, or a CLI ingest leaves an index the server reads differently.
 */
import { join, resolve } from 'node:path';
import type { Config } from './config.js';
import type { Embedder } from './embed/types.js';
import { HnswVectorIndex } from './index/hnsw-index.js';
import type { IngestSettings } from './ingest/types.js';
import type { Logger } from './log.js';
import { openSqliteStore, type SqliteStore } from './store/sqlite-store.js';

export const mediaDirOf = (config: Config): string => join(config.DATA_DIR, 'media');

export function openStore(config: Config): SqliteStore {
  return openSqliteStore({ path: join(config.DATA_DIR, 'store.db') });
}

/**
 * The product index under DATA_DIR, rebuilt from the store's vectors when its files are missing,
 * corrupt, from another model or dimension, or hold fewer vectors than the store (writes lost
 * before a flush, or an ingest by another process).
 */
export function openProductIndex(config: Config, store: SqliteStore, embedder: Embedder, log?: Logger): Promise<HnswVectorIndex> {
  return HnswVectorIndex.open({
    dir: join(config.DATA_DIR, 'index'),
    name: 'products',
    modelId: embedder.modelId,
    dimension: embedder.dimension,
    rebuild: () => store.allVectors('product', embedder.modelId),
    expectedCount: () => store.countVectors('product', embedder.modelId),
    m: config.HNSW_M,
    efConstruction: config.HNSW_EF_CONSTRUCTION,
    efSearch: config.HNSW_EF_SEARCH,
    log,
  });
}

/** What ingest needs from the config; `worldDir` defaults to WORLD_DIR. */
export function ingestSettings(config: Config, worldDir: string = config.WORLD_DIR): IngestSettings {
  return {
    worldDir: resolve(worldDir),
    allowedImageHosts: config.ALLOWED_IMAGE_HOSTS,
    imageWeight: config.IMAGE_WEIGHT,
    textWeight: config.TEXT_WEIGHT,
    mediaDir: mediaDirOf(config),
  };
}
