import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mediaFileName } from '../../src/store/media-files.js';
import { runIngest } from '../../src/cli/ingest.js';
import { openSqliteStore } from '../../src/store/sqlite-store.js';
import { createFakeEmbedder, fakePng } from '../helpers/fake-embedder.js';
import { TEST_MERCHANT } from '../helpers/service.js';
import { creator, post, product } from '../store/fixtures.js';

describe('ingest CLI core', () => {
  it('loads a world into DATA_DIR (store, index files, media) from env settings', async () => {
    const root = mkdtempSync(join(tmpdir(), 'cli-'));
    const world = join(root, 'world');
    mkdirSync(join(world, 'images'), { recursive: true });
    const img = (name: string) => {
      writeFileSync(join(world, 'images', name), fakePng(name));
      return `images/${name}`;
    };
    writeFileSync(join(world, 'merchants.json'), JSON.stringify([TEST_MERCHANT]));
    writeFileSync(join(world, 'creators.json'), JSON.stringify([creator('c1')]));
    writeFileSync(join(world, 'posts.json'), JSON.stringify([post('c1-p1', 'c1', { image: img('c1-p1.png') })]));
    writeFileSync(join(world, 'products.json'), JSON.stringify([product('p1', { image: img('p1.png') }), product('p2', { image: img('p2.png') })]));
    writeFileSync(join(world, 'users.json'), '[]');
    const dataDir = join(root, 'data');
    const embedder = createFakeEmbedder({ dimension: 8 });
    const summary = await runIngest(world, { DATA_DIR: dataDir, LOG_LEVEL: 'silent' }, { embedder, progress: false });
    expect(summary.products.ok).toBe(2);
    expect(summary.posts.ok).toBe(1);
    expect(existsSync(join(dataDir, 'index', 'products.hnsw'))).toBe(true);
    expect(existsSync(join(dataDir, 'index', 'products.meta.json'))).toBe(true);
    expect(existsSync(join(dataDir, 'media', 'products', mediaFileName('product', 'p1')))).toBe(true);
    const store = openSqliteStore({ path: join(dataDir, 'store.db') });
    expect(await store.counts()).toEqual({ products: 2, creators: 1, posts: 1, users: 0 });
    await store.close();
  });
});
