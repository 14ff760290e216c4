/**
 * `npm run ingest -- --products F [--merchants F] [--creators F] [--posts F] [--api URL --key KEY]
 * [--errors out.jsonl] [--batch N] [--images DIR] [--restart]`: the bulk load's command line.
 * Without --api it writes DATA_DIR in-process and, like `npm run ingest -- <world dir>`, refuses
 * while a server holds the folder; with --api it loads through that server instead.
 */
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../../config.js';
import type { Embedder } from '../../embed/types.js';
import { AppError } from '../../errors.js';
import { holdDataDirUnlessShared } from '../../ingest/data-lock.js';
import { createService } from '../../service.js';
import { apiSink } from './api-sink.js';
import { directSink } from './direct-sink.js';
import { KINDS, type Kind, type Sink } from './kinds.js';
import { formatOf } from './read-records.js';
import { runBulk, type BulkIo, type FileSummary } from './run-bulk.js';

export const BULK_USAGE = `usage: npm run ingest -- --products catalog.jsonl|catalog.csv [--merchants F] [--creators F] [--posts F]
         [--api http://host:port --key KEY] [--errors rejected.jsonl] [--batch N] [--images DIR] [--restart]
       npm run ingest -- <world dir>
Files are JSONL (.jsonl, .ndjson) or CSV (.csv); loaded merchants -> products -> creators -> posts.
Without --api, writes DATA_DIR (refused while a server holds it); with --api, loads through that server.
`;

export const BULK_OPTIONS = {
  merchants: { type: 'string' },
  products: { type: 'string' },
  creators: { type: 'string' },
  posts: { type: 'string' },
  api: { type: 'string' },
  key: { type: 'string' },
  errors: { type: 'string' },
  batch: { type: 'string' },
  images: { type: 'string' },
  restart: { type: 'boolean' },
  help: { type: 'boolean' },
} as const;

export interface BulkCliOptions {
  /** Use this embedder instead of starting the model workers (tests). */
  embedder?: Embedder;
  progressEveryMs?: number;
}

type Values = ReturnType<typeof parseArgs<{ options: typeof BULK_OPTIONS; allowPositionals: true }>>['values'];

/** Runs a parsed bulk command line; resolves with the exit code (1 when anything was rejected). */
export async function runBulkCli(values: Values, env: Record<string, string | undefined>, io: BulkIo, o: BulkCliOptions = {}): Promise<number> {
  const files: Partial<Record<Kind, string>> = {};
  for (const kind of KINDS) {
    const f = values[kind];
    if (f === undefined) continue;
    if (!formatOf(f)) throw new AppError('VALIDATION_FAILED', `--${kind} ${f}: the file must end in .jsonl, .ndjson or .csv`);
    files[kind] = f;
  }
  const batch = values.batch === undefined ? undefined : Number(values.batch);
  if (batch !== undefined && !(Number.isInteger(batch) && batch >= 1 && batch <= 10_000)) throw new AppError('VALIDATION_FAILED', '--batch must be a whole number from 1 to 10000');
  if (values.api !== undefined && !values.key) throw new AppError('VALIDATION_FAILED', '--api needs --key KEY (an admin key of that server)');
  const config = loadConfig(env);
  const checkpointDir = join(config.DATA_DIR, 'ingest-checkpoints');
  let sink: Sink;
  let release = () => {};
  if (values.api !== undefined) {
    sink = apiSink({ base: values.api, key: values.key!, onWait: (s, why) => io.stderr.write(`${why}: waiting ${s} s\n`) });
  } else {
    // Refused, naming --api, while a server holds this DATA_DIR (it would overwrite the index on shutdown).
    const lock = holdDataDirUnlessShared(config, 'ingest');
    try {
      sink = directSink(await createService(config, { embedder: o.embedder }));
    } catch (err) {
      lock.release();
      throw err;
    }
    release = () => lock.release();
  }
  const t0 = Date.now();
  let summary: FileSummary[];
  try {
    summary = await runBulk(
      { files, sink, checkpointDir, batch: batch ?? (values.api ? 100 : 256), imagesDir: values.images && resolve(values.images), errorsFile: values.errors, restart: values.restart, progressEveryMs: o.progressEveryMs },
      io,
    );
  } finally {
    await sink.close();
    release();
  }
  let rejected = 0;
  for (const s of summary) {
    rejected += s.rejected + s.rejectedBefore;
    const before = s.rejectedBefore ? ` (${s.rejectedBefore} of them rejected then)` : '';
    io.stdout.write(`${s.kind.padEnd(9)} ${s.file}: ${s.ok} ok, ${s.rejected} rejected, ${s.skipped} skipped as already done${before}\n`);
  }
  const seconds = (Date.now() - t0) / 1000;
  const records = summary.reduce((n, s) => n + s.ok + s.rejected, 0);
  io.stdout.write(`done in ${seconds.toFixed(1)} s (${(records / Math.max(seconds, 0.001)).toFixed(0)} records/s)\n`);
  return rejected > 0 ? 1 : 0;
}
