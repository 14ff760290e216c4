/**
 * The real server (`startServer` from src/server.ts) as a child process for the crash test, with
 * the fake embedder loaded in worker threads through the pool's factory mechanism (the real model
 * is not what is under test, and restarting it a dozen times on two shared cores would take
 * minutes). Prints one JSON line `{"url": ...}` on stdout once it listens; the rest of its
 * configuration comes from the environment, exactly as `npm start` reads it.
 */
import { createWorkerEmbedder } from '../../src/embed/worker-pool.js';
import { createLogger } from '../../src/log.js';
import { startServer } from '../../src/server.js';

const embedder = await createWorkerEmbedder({
  modelsDir: 'unused',
  modelId: process.env.MODEL_ID ?? 'fake-crash',
  threads: 1,
  factory: { module: new URL('../helpers/fake-embedder.ts', import.meta.url).href, exportName: 'createFakeEmbedder' },
});
try {
  const server = await startServer(process.env, createLogger((process.env.LOG_LEVEL as 'info') ?? 'warn'), { embedder });
  process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);
  process.once('SIGTERM', () => void server.close().then(() => embedder.close()).then(() => process.exit(0)));
} catch (err) {
  process.stderr.write(`${JSON.stringify({ level: 'error', msg: 'start-up failed', error: err instanceof Error ? err.message : String(err), code: (err as { code?: string }).code })}\n`);
  await embedder.close();
  process.exit(1);
}
