/** What ingest needs and what it reports, shared by the HTTP layer, the CLI and start-up. */
import type { Embedder } from '../embed/types.js';
import type { VectorIndex } from '../index/types.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/types.js';

export interface IngestSettings {
  /** Base of world-relative image paths (config WORLD_DIR, or the folder being ingested). */
  worldDir: string;
  /** Hosts whose http(s) image URLs may be fetched (config ALLOWED_IMAGE_HOSTS; empty: none). */
  allowedImageHosts: string[];
  /** Fusion weights (config IMAGE_WEIGHT / TEXT_WEIGHT). */
  imageWeight: number;
  textWeight: number;
  /** Where image bytes are copied so the API can serve them (DATA_DIR/media). */
  mediaDir: string;
  /** Items per embedder call (default 32). */
  batchSize?: number;
}

export interface IngestDeps {
  store: Store;
  productIndex: VectorIndex;
  /** When given, post vectors are indexed too. */
  postIndex?: VectorIndex;
  embedder: Pick<Embedder, 'modelId' | 'embedTexts' | 'embedImages'>;
  config: IngestSettings;
  log?: Pick<Logger, 'info' | 'warn'>;
  /** Skip flushing the indexes after each call (bulk loads flush once at the end). */
  deferFlush?: boolean;
  /** Injected so tests never touch the network; defaults to fetch with a timeout and size cap. */
  fetchImage?: (url: URL) => Promise<Uint8Array>;
}

/** Per-item outcome: one bad item never sinks the batch. */
export type ItemResult =
  | { id: string; ok: true }
  | { id: string; ok: false; error: { code: string; message: string } };

export const okResult = (id: string): ItemResult => ({ id, ok: true });
export const failResult = (id: string, code: string, message: string): ItemResult => ({ id, ok: false, error: { code, message } });
