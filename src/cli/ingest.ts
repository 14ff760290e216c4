/**
 * `npm run ingest -- <world dir>`, or the bulk load of JSONL/CSV files
 * (`--products F ...`, src/cli/bulk/): loads a world folder into DATA_DIR through the same write
 * commands as the API and start-up (the service built by src/service.ts), with the real model in
 * worker threads and a progress bar.
 * Settings (DATA_DIR, MODELS_DIR, MODEL_ID, EMBED_THREADS, IMAGE_WEIGHT, ...) come from the
 * environment via `loadConfig`, exactly as for `npm start`.
 *
 * It refuses to run while a server holds the DATA_DIR (`DATA_DIR/.lock`, src/ingest/data-lock.ts):
 * a running server keeps its own copy of the index and would overwrite the file on shutdown.
 * Load through the running server's API instead (`--api URL --key KEY`), or stop it first.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { loadConfig } from '../config.js';
import type { WorldProgress, WorldSummary } from '../core/commands/index.js';
import type { Embedder } from '../embed/types.js';
import { AppError } from '../errors.js';
import { holdDataDirUnlessShared } from '../ingest/data-lock.js';
import { createService } from '../service.js';
import { BULK_OPTIONS, BULK_USAGE, runBulkCli, type BulkCliOptions } from './bulk/command.js';
import { KINDS } from './bulk/kinds.js';
import type { BulkIo } from './bulk/run-bulk.js';

export interface RunIngestOptions {
  /** Use this embedder instead of starting the model workers (tests). */
  embedder?: Embedder;
  /** Draw a progress bar (default: when stderr is a TTY). */
  progress?: boolean;
}

/** Loads `worldDir` into the DATA_DIR named by `env`; resolves with per-stage results. */
export async function runIngest(worldDir: string, env: Record<string, string | undefined>, options: RunIngestOptions = {}): Promise<WorldSummary> {
  const config = loadConfig(env);
  // Refused, with what to do, while a server holds this DATA_DIR (it would overwrite the index on shutdown).
  const lock = holdDataDirUnlessShared(config, 'ingest');
  let service: Awaited<ReturnType<typeof createService>>;
  try {
    service = await createService(config, { embedder: options.embedder });
  } catch (err) {
    lock.release();
    throw err;
  }
  const bar = new cliProgress.SingleBar(
    { format: '{stage} [{bar}] {value}/{total} | ETA {eta_formatted}', noTTYOutput: false, stream: process.stderr },
    cliProgress.Presets.shades_classic,
  );
  const draw = options.progress ?? process.stderr.isTTY === true;
  let stage: string | undefined;
  const onProgress = (p: WorldProgress) => {
    if (!draw) return;
    if (p.stage !== stage) {
      if (stage) bar.stop();
      stage = p.stage;
      bar.start(p.total, p.done, { stage: p.stage.padEnd(9) });
    } else bar.update(p.done);
  };
  try {
    return await service.core.commands.loadWorld(resolve(worldDir), onProgress);
  } finally {
    if (stage) bar.stop();
    await service.close();
    lock.release();
  }
}

/**
 * The command line, as `npm run ingest` runs it (tests call it with a fake embedder): a world
 * folder as the one positional argument, or the bulk options (src/cli/bulk/command.ts).
 * Resolves with the exit code: 0 done, 1 something was rejected or failed, 2 usage.
 */
export async function ingestCli(argv: string[], env: Record<string, string | undefined>, io: BulkIo, options: BulkCliOptions & RunIngestOptions = {}): Promise<number> {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof BULK_OPTIONS; allowPositionals: true }>>;
  try {
    parsed = parseArgs({ args: argv, options: BULK_OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    io.stderr.write(`${(err as Error).message}\n${BULK_USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const bulk = KINDS.some((k) => values[k] !== undefined);
  if (values.help || (bulk ? positionals.length > 0 : positionals.length !== 1)) {
    io.stderr.write(BULK_USAGE);
    return 2;
  }
  const t0 = Date.now();
  try {
    if (bulk) return await runBulkCli(values, env, io, options);
    const summary = await runIngest(positionals[0]!, env, { embedder: options.embedder, progress: options.progress });
    const failed = Object.values(summary).reduce((n, s) => n + s.failed.length, 0);
    for (const [stage, s] of Object.entries(summary)) {
      io.stdout.write(`${stage.padEnd(9)} ${String(s.ok).padStart(6)} ok ${String(s.failed.length).padStart(5)} rejected\n`);
      for (const f of s.failed.slice(0, 5)) if (!f.ok) io.stdout.write(`  ${f.id}: ${f.error.code} ${f.error.message}\n`);
    }
    io.stdout.write(`done in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
    return failed > 0 ? 1 : 0;
  } catch (err) {
    io.stderr.write(`ingest failed: ${err instanceof AppError ? `${err.code}: ${err.message}` : String(err)}\n`);
    return 1;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.exitCode = await ingestCli(process.argv.slice(2), process.env, process);
}
