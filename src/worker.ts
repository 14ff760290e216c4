/**
 * `npm run worker`: an embedding worker. Runs on any machine that reaches the database (and the
 * image sources: world paths, data: URLs, allowlisted hosts), as many as the embedding load needs.
 * It builds the same service as the API (createService: same model, fusion, store) and loops:
 * claim up to EMBED_BATCH queued items under a JOB_LEASE_S lease → run them through the
 * `upsertProducts` command (embed → media → store → index; the change feed tells every API
 * replica) → record each item's result on its job. SIGTERM finishes the batch in hand and stops;
 * a worker killed mid-batch loses nothing: its items go back to the queue when the lease ends.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { pathToFileURL } from 'node:url';
import { loadConfig, type Config } from './config.js';
import { AppError } from './errors.js';
import { failResult, type ItemResult } from './ingest/item-result.js';
import { createLogger, type Logger } from './log.js';
import { createService, type Service, type ServiceOverrides } from './service.js';

export interface RunningWorker {
  id: string;
  service: Service;
  /** Items this worker completed (ok or failed). */
  readonly completed: number;
  /** Finishes the batch in hand, then closes the service. */
  stop(): Promise<void>;
}

export interface WorkerOptions extends ServiceOverrides {
  /** Wait between empty polls (ms, default 500). */
  idleMs?: number;
}

export async function startWorker(config: Config, o: WorkerOptions = {}): Promise<RunningWorker> {
  if (!config.DATABASE_URL) throw new AppError('CONFIG_INVALID', 'The embedding worker needs DATABASE_URL: jobs live in PostgreSQL.');
  const service = await createService(config, o);
  const jobs = service.deps.jobs!;
  const log = service.log;
  const id = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  let stopping = false;
  let completed = 0;
  let wake: (() => void) | undefined;

  async function runBatch(): Promise<number> {
    const claimed = await jobs.claim(id, config.EMBED_BATCH, config.JOB_LEASE_S);
    if (claimed.length === 0) return 0;
    let results: ItemResult[];
    try {
      results = await service.core.commands.upsertProducts(claimed.map((c) => c.item));
    } catch (err) {
      // A failure of the whole batch (database, model) is recorded per item rather than retried
      // forever; per-item failures (bad image, unknown merchant) come back as results anyway.
      const message = err instanceof Error ? err.message : String(err);
      log.warn('batch failed', { worker: id, items: claimed.length, error: message });
      results = claimed.map((c) => failResult(String((c.item as { id?: unknown } | null)?.id ?? `items.${c.index}`), err instanceof AppError ? err.code : 'INTERNAL', message));
    }
    const done = await jobs.complete(id, claimed.map((c, i) => ({ jobId: c.jobId, index: c.index, result: results[i]! })));
    completed += done;
    return claimed.length;
  }

  const loop = (async () => {
    while (!stopping) {
      let n = 0;
      try {
        n = await runBatch();
      } catch (err) {
        log.warn('worker loop error', { worker: id, error: String(err) });
      }
      if (n === 0 && !stopping) await new Promise<void>((resolve) => ((wake = resolve), setTimeout(resolve, o.idleMs ?? 500)));
    }
  })();
  log.info('embedding worker started', { worker: id, batch: config.EMBED_BATCH, leaseS: config.JOB_LEASE_S });

  return {
    id,
    service,
    get completed() {
      return completed;
    },
    async stop() {
      stopping = true;
      wake?.();
      await loop;
      await service.close();
    },
  };
}

async function main(log: Logger): Promise<void> {
  let worker: RunningWorker;
  try {
    worker = await startWorker(loadConfig(process.env), { log });
  } catch (err) {
    log.error('worker start-up failed', { error: err instanceof Error ? err.message : String(err) });
    process.exit(1);
  }
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      log.info('worker stopping', { signal });
      worker.stop().then(() => process.exit(0), () => process.exit(1));
    });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) void main(createLogger((process.env.LOG_LEVEL as 'info') || 'info'));
