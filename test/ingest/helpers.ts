/** A throwaway world folder, store and index wired to the fake embedder, for ingest tests. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExactIndex } from '../../src/index/exact-index.js';
import type { IngestDeps } from '../../src/ingest/types.js';
import { openSqliteStore } from '../../src/store/sqlite-store.js';
import { createFakeEmbedder, fakePng } from '../helpers/fake-embedder.js';

export function ingestRig(over: Partial<IngestDeps['config']> = {}) {
  const root = mkdtempSync(join(tmpdir(), 'ingest-'));
  const worldDir = join(root, 'world');
  mkdirSync(join(worldDir, 'images', 'products'), { recursive: true });
  mkdirSync(join(worldDir, 'images', 'posts'), { recursive: true });
  const embedder = createFakeEmbedder({ dimension: 16 });
  const store = openSqliteStore({ path: join(root, 'store.db') });
  const productIndex = new ExactIndex({ modelId: embedder.modelId, dimension: 16 });
  const postIndex = new ExactIndex({ modelId: embedder.modelId, dimension: 16 });
  const deps: IngestDeps = {
    store, productIndex, postIndex, embedder,
    config: { worldDir, allowedImageHosts: [], imageWeight: 0.7, textWeight: 0.3, mediaDir: join(root, 'media'), batchSize: 4, ...over },
    fetchImage: async () => {
      throw new Error('tests never touch the network');
    },
  };
  /** Writes a valid (to the fake) image under the world folder and returns its relative path. */
  const image = (rel: string, bytes: Buffer = fakePng(rel)) => {
    writeFileSync(join(worldDir, rel), bytes);
    return rel;
  };
  return { root, worldDir, embedder, store, productIndex, postIndex, deps, image };
}
