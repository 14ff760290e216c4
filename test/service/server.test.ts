/**
 * Start-up and shutdown of the real server (fake embedder, tiny generated world, temp DATA_DIR):
 * an empty DATA_DIR is loaded from WORLD_DIR; a restart reuses it; a deleted index file is
 * rebuilt from the stored vectors; shutdown flushes the index.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/log.js';
import { startServer } from '../../src/server.js';
import { generateWorld } from '../../tools/world/generate.js';
import { createFakeEmbedder } from '../helpers/fake-embedder.js';

let root: string;
const env = () => ({ PORT: '0', DATA_DIR: join(root, 'data'), WORLD_DIR: join(root, 'world'), API_KEYS: 'admin:admin-key-123,app:app-key-12345' });
const get = async (url: string) => (await fetch(url, { headers: { 'x-api-key': 'app-key-12345' } })).json() as Promise<any>;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'server-'));
  await generateWorld({ seed: 99, outDir: join(root, 'world'), products: 40, creators: 4, postsPerCreator: 3, users: 12 });
}, 120_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('startServer', () => {
  it('loads the world into an empty DATA_DIR, serves it, and flushes the index on close', async () => {
    const embedder = createFakeEmbedder({ dimension: 16 });
    const server = await startServer(env(), silentLogger, { embedder });
    try {
      const health = await get(`${server.url}/health`);
      expect(health.counts).toMatchObject({ products: 40, creators: 4, posts: 12, users: 12 });
      expect(health.index.products).toBe(40);
      const users = await get(`${server.url}/v1/users`);
      const recs = await get(`${server.url}/v1/users/${users.items[0].id}/recommendations?limit=5`);
      expect(recs.items.length).toBe(5);
      expect(embedder.imagesEmbedded).toBe(52);
    } finally {
      await server.close();
    }
    expect(readdirSync(join(root, 'data', 'index')).some((f) => f.endsWith('.hnsw'))).toBe(true);
  });

  it('restarts without re-ingesting, and rebuilds a deleted index file from the stored vectors', async () => {
    const indexDir = join(root, 'data', 'index');
    for (const f of readdirSync(indexDir).filter((f) => f.endsWith('.hnsw'))) rmSync(join(indexDir, f));
    const embedder = createFakeEmbedder({ dimension: 16 });
    const server = await startServer(env(), silentLogger, { embedder });
    try {
      const health = await get(`${server.url}/health`);
      expect(health.index.products).toBe(40);
      expect(embedder.imagesEmbedded + embedder.textsEmbedded).toBe(0);
      const hit = await fetch(`${server.url}/v1/search`, { method: 'POST', headers: { 'x-api-key': 'app-key-12345', 'content-type': 'application/json' }, body: JSON.stringify({ text: 'dress', limit: 3 }) });
      expect((await hit.json()).items).toHaveLength(3);
    } finally {
      await server.close();
    }
    expect(existsSync(indexDir)).toBe(true);
  });
});
