/**
 * With DATABASE_URL there is no DATA_DIR lock: the store is a database every replica, worker and
 * ingest writes at once (the change feed keeps them in step) and the index is never written to
 * DATA_DIR. The embedded backend's lock (test/cli/ingest.test.ts) would refuse `npm run ingest`
 * while a replica runs on the same machine and folder, which is the scale-out way of loading
 * data. This fails with DATA_DIR_IN_USE when the server takes the lock on PostgreSQL too.
 */
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runIngest } from '../../src/cli/ingest.js';
import { silentLogger } from '../../src/log.js';
import { startServer } from '../../src/server.js';
import { dropSchema, freshSchema, PG_SKIP, PG_URL } from '../helpers/backends.js';
import { createFakeEmbedder } from '../helpers/fake-embedder.js';

describe.skipIf(!PG_URL)(`DATA_DIR lock on PostgreSQL${PG_URL ? '' : ` (${PG_SKIP})`}`, () => {
  it('lets ingest and a second replica run beside a server on the same DATA_DIR', async () => {
    const root = mkdtempSync(join(tmpdir(), 'pg-lock-'));
    const world = join(root, 'world');
    mkdirSync(world, { recursive: true });
    for (const f of ['creators.json', 'posts.json', 'products.json', 'users.json']) writeFileSync(join(world, f), '[]');
    const schema = freshSchema();
    const env = { PORT: '0', DATA_DIR: join(root, 'data'), WORLD_DIR: world, LOG_LEVEL: 'silent', DATABASE_URL: PG_URL, DATABASE_SCHEMA: schema };
    const embedder = createFakeEmbedder({ dimension: 8 });
    const server = await startServer(env, silentLogger, { embedder });
    try {
      expect(existsSync(join(root, 'data', '.lock'))).toBe(false);
      await runIngest(world, env, { embedder, progress: false });
      const second = await startServer(env, silentLogger, { embedder });
      await second.close();
    } finally {
      await server.close();
      await dropSchema(schema);
    }
  });
});
