import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mediaFileName } from '../../src/store/media-files.js';
import { runIngest } from '../../src/cli/ingest.js';
import { silentLogger } from '../../src/log.js';
import { startServer } from '../../src/server.js';
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

describe('ingest while a server runs', () => {
  it('is refused with what to do while a server holds the DATA_DIR, and runs once it stopped', async () => {
    const root = mkdtempSync(join(tmpdir(), 'cli-lock-'));
    const world = join(root, 'world');
    mkdirSync(world, { recursive: true });
    for (const f of ['creators.json', 'posts.json', 'products.json', 'users.json']) writeFileSync(join(world, f), '[]');
    const env = { PORT: '0', DATA_DIR: join(root, 'data'), WORLD_DIR: world, LOG_LEVEL: 'silent' };
    const embedder = createFakeEmbedder({ dimension: 8 });
    const server = await startServer(env, silentLogger, { embedder });
    try {
      expect(JSON.parse(readFileSync(join(root, 'data', '.lock'), 'utf8'))).toMatchObject({ pid: process.pid, who: 'server' });
      await expect(runIngest(world, env, { embedder, progress: false })).rejects.toMatchObject({
        code: 'DATA_DIR_IN_USE',
        message: expect.stringMatching(/in use by a running server \(pid \d+.*Stop the server first, or load the data through its API/),
      });
      // A second server on the same folder is refused the same way.
      await expect(startServer(env, silentLogger, { embedder })).rejects.toMatchObject({ code: 'DATA_DIR_IN_USE' });
    } finally {
      await server.close();
    }
    expect(existsSync(join(root, 'data', '.lock'))).toBe(false);
    await runIngest(world, env, { embedder, progress: false });
    expect(existsSync(join(root, 'data', '.lock'))).toBe(false);
  });

  it('takes over a lock left by a process that no longer runs', async () => {
    const root = mkdtempSync(join(tmpdir(), 'cli-stale-'));
    const world = join(root, 'world');
    mkdirSync(world, { recursive: true });
    for (const f of ['creators.json', 'posts.json', 'products.json', 'users.json']) writeFileSync(join(world, f), '[]');
    mkdirSync(join(root, 'data'));
    // pid 2^22 + 1 is above Linux's pid_max limit: no such process can exist.
    writeFileSync(join(root, 'data', '.lock'), JSON.stringify({ pid: 4_194_305, who: 'server', since: '2026-01-01T00:00:00Z' }));
    await runIngest(world, { DATA_DIR: join(root, 'data'), LOG_LEVEL: 'silent' }, { embedder: createFakeEmbedder({ dimension: 8 }), progress: false });
    expect(existsSync(join(root, 'data', '.lock'))).toBe(false);
  });
});
