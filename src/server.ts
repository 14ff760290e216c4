/**
 * Starts the service: parse config → load the model in worker threads → open the SQLite store and
 * the product index (rebuilt from stored vectors if missing, corrupt or from another model) →
 * on an empty DATA_DIR, ingest WORLD_DIR (fixtures/) so a fresh clone serves real
 * recommendations → createApp → listen. SIGINT/SIGTERM close the server, flush the index, close
 * the database and stop the workers.
 *
 * `startServer(env)` is exported for tests and scripts that need a real listening server
 * (e2e, load benchmarks); `npm start` runs it on `process.env`.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { createTagger } from './affiliate/tagger.js';
import { createApp, type App } from './app.js';
import { ingestSettings, openProductIndex, openStore } from './data-dir.js';
import { loadConfig, type Config } from './config.js';
import { policyFromConfig } from './consent/policy.js';
import { demoMerchantPath } from './demo/merchant-page.js';
import type { Embedder } from './embed/types.js';
import { createWorkerEmbedder } from './embed/worker-pool.js';
import { ingestWorld } from './ingest/world.js';
import { createLogger, type Logger } from './log.js';
import { Merchant } from './world/schema.js';

export interface RunningServer extends App {
  config: Config;
  /** e.g. "http://127.0.0.1:3000" */
  url: string;
  /** Graceful shutdown: stop accepting, flush the index, close the DB and the model workers. */
  close(): Promise<void>;
}

/** Merchant programmes come with the world (merchants.json); none is fine (links get UTM tags). */
function loadMerchants(worldDir: string): Merchant[] {
  const file = join(worldDir, 'merchants.json');
  return existsSync(file) ? z.array(Merchant).parse(JSON.parse(readFileSync(file, 'utf8'))) : [];
}

export interface StartOptions {
  /** Use this embedder instead of loading MODEL_ID in workers (tests); the caller closes it. */
  embedder?: Embedder;
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
  const t0 = Date.now();
  const embedder =
    options.embedder ?? (await createWorkerEmbedder({ modelsDir: config.MODELS_DIR, modelId: config.MODEL_ID, threads: config.EMBED_THREADS }));
  log.info('model loaded', { model: embedder.modelId, dimension: embedder.dimension, ms: Date.now() - t0 });
  const store = openStore(config);
  const productIndex = await openProductIndex(config, store, embedder, log);
  const ingestDeps = { store, productIndex, embedder, log, config: ingestSettings(config) };

  const counts = await store.counts();
  if (counts.products + counts.creators + counts.users === 0) {
    log.info('empty DATA_DIR: loading the world first', { worldDir: config.WORLD_DIR });
    const t1 = Date.now();
    let lastLogged = 0;
    const summary = await ingestWorld(config.WORLD_DIR, ingestDeps, (p) => {
      if (Date.now() - lastLogged > 5_000 || p.done === p.total) {
        lastLogged = Date.now();
        log.info('ingesting', { ...p });
      }
    });
    for (const [stage, s] of Object.entries(summary)) {
      if (s.failed.length) log.warn('items not loaded', { stage, failed: s.failed.length, first: s.failed.slice(0, 3) });
    }
    await productIndex.flush();
    log.info('world loaded', { ...(await store.counts()), ms: Date.now() - t1 });
  }

  const tagger = createTagger({ merchants: loadMerchants(config.WORLD_DIR), secret: config.LINK_SECRET, tokenTtlSeconds: config.TOKEN_TTL });
  const built = await createApp({
    config, embedder, store, productIndex, tagger, log,
    consent: { policy: policyFromConfig(config) },
    landing: config.DEMO_MERCHANT_REDIRECT ? demoMerchantPath : undefined,
  });
  const server = built.app.listen(config.PORT, config.HOST);
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
      await productIndex.flush();
      await store.close();
      if (!options.embedder) await embedder.close();
      log.info('stopped cleanly');
    })());
  return { ...built, config, url, close };
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
