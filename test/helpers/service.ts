/**
 * The real service for tests: built by the composition root (`createService`) on a throw-away
 * DATA_DIR and WORLD_DIR, with a fake embedder, the real store (SQLite; PostgreSQL with
 * TEST_BACKEND=postgres, see backends.ts), HNSW index, media store,
 * write commands, consent policy and tagger, and the real Express app on top. Nothing talks to
 * the network.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Express } from 'express';
import { afterAll, onTestFinished } from 'vitest';
import { createApp } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import type { Embedder } from '../../src/embed/types.js';
import { silentLogger } from '../../src/log.js';
import { createService, type Service } from '../../src/service.js';
import { dropSchema, serviceBackend } from './backends.js';
import { createFakeEmbedder, fakePng } from './fake-embedder.js';

export const ADMIN = { authorization: 'Bearer admin-key-123' };
export const APP = { 'x-api-key': 'app-key-12345' };
/** An affiliate manager's key: click reports only, creators as opaque codes. */
export const REPORTS = { 'x-api-key': 'reports-key-1234' };
export const TEST_KEYS = 'admin:admin-key-123,app:app-key-12345,reports:reports-key-1234';

/** The merchant every test product may name (UTM: no programme settings needed). */
export const TEST_MERCHANT = { id: 'm-test', name: 'Test shop', network: 'utm' as const, settings: {} };

export interface TestServiceOptions {
  env?: Record<string, string>;
  embedder?: Embedder;
  now?: () => Date;
  fetchImage?: (url: URL) => Promise<Uint8Array>;
  /** Use the service's real image fetch (only for tests against a local server on 127.0.0.1). */
  realFetch?: boolean;
  /** Also build the Express app (default true); `demo` mounts the demo page too. */
  app?: boolean;
  demo?: boolean;
  landing?: (url: string) => string;
  /** Register TEST_MERCHANT first (default true). */
  merchant?: boolean;
}

export interface TestService {
  root: string;
  worldDir: string;
  config: Config;
  service: Service;
  core: Service['core'];
  commands: Service['core']['commands'];
  store: Service['store'];
  app: Express;
  /** Writes an image the fake embedder accepts under the world folder; returns its relative path. */
  image(rel: string, bytes?: Buffer): string;
  /** Closes the service (index flush, store) and removes the folders. */
  dispose(): Promise<void>;
}

/** Every service a test file built; closed and removed when the file's tests are done. */
const live = new Set<TestService>();
afterAll(async () => {
  for (const t of [...live]) await t.dispose();
});

export async function testService(o: TestServiceOptions = {}): Promise<TestService> {
  const root = mkdtempSync(join(tmpdir(), 'svc-'));
  const worldDir = join(root, 'world');
  mkdirSync(join(worldDir, 'images', 'products'), { recursive: true });
  mkdirSync(join(worldDir, 'images', 'posts'), { recursive: true });
  // TEST_BACKEND=postgres runs every suite built on this helper against PostgreSQL (a fresh schema each).
  const backendEnv = serviceBackend().env();
  const config = loadConfig({ DATA_DIR: join(root, 'data'), WORLD_DIR: worldDir, API_KEYS: TEST_KEYS, LOG_LEVEL: 'silent', ...backendEnv, ...o.env });
  const embedder = o.embedder ?? createFakeEmbedder({ dimension: 16 });
  const fetchImage = o.realFetch
    ? undefined
    : (o.fetchImage ??
      (async () => {
        throw new Error('tests never touch the network');
      }));
  const service = await createService(config, { embedder, now: o.now, fetchImage, log: silentLogger });
  if (o.merchant !== false) await service.core.commands.upsertMerchants([TEST_MERCHANT]);
  const app = o.app === false ? (undefined as unknown as Express) : createApp({ config, core: service.core, demo: o.demo ?? false, landing: o.landing }).app;
  const t: TestService = {
    root, worldDir, config, service, app,
    core: service.core,
    commands: service.core.commands,
    store: service.store,
    image(rel, bytes = fakePng(rel)) {
      writeFileSync(join(worldDir, rel), bytes);
      return rel;
    },
    async dispose() {
      if (!live.delete(t)) return;
      await service.close();
      rmSync(root, { recursive: true, force: true });
      if (backendEnv.DATABASE_SCHEMA && config.DATABASE_SCHEMA === backendEnv.DATABASE_SCHEMA) await dropSchema(config.DATABASE_SCHEMA);
    },
  };
  live.add(t);
  if (backendEnv.DATABASE_SCHEMA) {
    // PostgreSQL: each service holds pooled connections (and a LISTEN client) until it closes; a
    // file building one per test (beforeEach) would pass max_connections before afterAll. One
    // built in a test or its beforeEach closes when that test ends; one built in beforeAll
    // (no current test) lives for the file, as on SQLite.
    try {
      onTestFinished(() => t.dispose());
    } catch {
      /* built in beforeAll: closed by the afterAll above */
    }
  }
  return t;
}
