/**
 * Starts the service: parse config → build the service (src/service.ts: model in worker threads,
 * SQLite store, product index rebuilt from stored vectors if missing, corrupt or from another
 * model, core; a damaged or replaced store refuses to start) → on a fresh install (DATA_DIR had no
 * store.db), load WORLD_DIR (fixtures/) through the write commands so a fresh clone serves real
 * recommendations, and finish that load on the next start if it was interrupted → createApp →
 * listen. SIGINT/SIGTERM stop accepting, flush the index, close the database and stop the workers.
 *
 * `startServer(env)` is exported for tests and scripts that need a real listening server
 * (e2e, load benchmarks); `npm start` runs it on `process.env`.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import type { Express } from 'express';
import { createApp } from './app.js';
import { loadConfig, type Config } from './config.js';
import { demoMerchantPath } from './demo/merchant-page.js';
import type { Embedder } from './embed/types.js';
import { holdDataDirUnlessShared } from './ingest/data-lock.js';
import { createLogger, type Logger } from './log.js';
import { createService, describeSettings, type Service } from './service.js';

export interface RunningServer {
  app: Express;
  service: Service;
  config: Config;
  /** e.g. "http://127.0.0.1:3000" */
  url: string;
  /** Graceful shutdown: stop accepting, flush the index, close the DB and the model workers. */
  close(): Promise<void>;
}

export interface StartOptions {
  /** Use this embedder instead of loading MODEL_ID in workers (tests); the caller closes it. */
  embedder?: Embedder;
}

/**
 * Another MODEL_ID (or MODEL_QUANTIZED) on a used DATA_DIR: vectors are kept per model id and the
 * index was just rebuilt from this model's only, so products written under the other model are not
 * searchable or recommendable until they are written again. Say so, and how to fix it.
 */
async function warnIfNotEmbedded(service: Service): Promise<void> {
  const { index, counts, model } = await service.core.health();
  if (index.products < counts.products) {
    service.log.warn('products without a vector under this model', {
      model: model.id, products: counts.products, withVector: index.products,
      fix: 'stop the server and run `npm run ingest -- <world dir>` with the same MODEL_ID/MODEL_QUANTIZED, or PUT the products again',
    });
  }
}

/** Meta key: "started" while the first world load runs, "done" after it. */
const WORLD_LOAD = 'world_load';

/**
 * On a fresh install, load the world so a fresh clone has something to recommend. Only then: a
 * store that exists is never "empty" enough to be filled with fixtures (see src/store/data-dir.ts),
 * except that a first load a crash interrupted is finished (its writes are idempotent upserts).
 */
async function loadWorldOnFirstStart(service: Service): Promise<void> {
  const { core, log, config, store } = service;
  const marker = await store.getMeta(WORLD_LOAD);
  if (!service.freshInstall && marker !== 'started') return warnIfNotEmbedded(service);
  if (marker === 'started') log.warn('the first world load was interrupted: loading it again', { worldDir: config.WORLD_DIR });
  else log.info('fresh DATA_DIR: loading the world first', { worldDir: config.WORLD_DIR });
  await store.setMeta(WORLD_LOAD, 'started');
  const t1 = Date.now();
  let lastLogged = 0;
  const summary = await core.commands.loadWorld(config.WORLD_DIR, (p) => {
    if (Date.now() - lastLogged > 5_000 || p.done === p.total) {
      lastLogged = Date.now();
      log.info('ingesting', { ...p });
    }
  });
  for (const [stage, s] of Object.entries(summary)) {
    if (s.failed.length) log.warn('items not loaded', { stage, failed: s.failed.length, first: s.failed.slice(0, 3) });
  }
  await store.setMeta(WORLD_LOAD, 'done');
  log.info('world loaded', { ...(await core.health()).counts, ms: Date.now() - t1 });
}

/**
 * @example
 * const server = await startServer({ PORT: '0', DATA_DIR: tmp }, createLogger('warn'));
 * await fetch(`${server.url}/health`); await server.close();
 */
export async function startServer(
  env: Record<string, string | undefined> = process.env,
  logger?: Logger,
  options: StartOptions = {},
): Promise<RunningServer> {
  const config = loadConfig(env);
  const log = logger ?? createLogger(config.LOG_LEVEL);
  // Held until close: `npm run ingest` refuses to write this DATA_DIR behind a running server's back.
  const lock = holdDataDirUnlessShared(config, 'server');
  let service: Awaited<ReturnType<typeof createService>>;
  try {
    service = await createService(config, { embedder: options.embedder, log });
  } catch (err) {
    lock.release();
    throw err;
  }
  log.info('settings', describeSettings(config, service.embedder));
  let server: Server;
  try {
    await loadWorldOnFirstStart(service);
    const { app } = createApp({ config, core: service.core, log, landing: config.DEMO_MERCHANT_REDIRECT ? demoMerchantPath : undefined });
    server = app.listen(config.PORT, config.HOST);
    await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', reject));
    const { port } = server.address() as AddressInfo;
    const url = `http://${config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST}:${port}`;
    log.info('listening', { url });

    let closing: Promise<void> | undefined;
    const close = () =>
      (closing ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
        });
        await service.close();
        lock.release();
        log.info('stopped cleanly');
      })());
    return { app, service, config, url, close };
  } catch (err) {
    await service.close();
    lock.release();
    throw err;
  }
}

/** `npm start`: run until SIGINT/SIGTERM, then shut down cleanly. */
async function main(): Promise<void> {
  const log = createLogger((process.env.LOG_LEVEL as 'info') || 'info');
  let running: RunningServer;
  try {
    running = await startServer(process.env, log);
  } catch (err) {
    log.error('start-up failed', { error: err instanceof Error ? err.message : String(err) });
    process.exit(1);
  }
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      log.info('shutting down', { signal });
      running.close().then(
        () => process.exit(0),
        (err) => {
          log.error('shutdown failed', { error: String(err) });
          process.exit(1);
        },
      );
    });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) void main();
