/**
 * The bulk load: each input file streamed in dependency order (merchants → products → creators →
 * posts), each record checked against the API's own schema (unknown fields refused by name),
 * good records written in batches through a sink (the core commands, or a running server's
 * API), each refused record reported as `file:line: field: message` without stopping, and a
 * checkpoint written after every committed batch so a rerun skips what is done.
 */
import { createWriteStream, statSync, type WriteStream } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseItem } from '../../ingest/validate.js';
import { checkpointFor } from './checkpoint.js';
import { KINDS, SCHEMAS, problemsOf, type Kind, type Sink } from './kinds.js';
import { fileProgress, type ProgressIo } from './progress.js';
import { readRecords, type Problem } from './read-records.js';

export interface BulkIo extends ProgressIo {
  stdout: { write(s: string): unknown };
}

export interface BulkOptions {
  files: Partial<Record<Kind, string>>;
  sink: Sink;
  checkpointDir: string;
  /** Records per write (default 256; each is one command call or one PUT). */
  batch?: number;
  /** Base of relative image paths (default: each input file's folder). */
  imagesDir?: string;
  /** Rejected records as JSON lines ({ file, line, errors, record }). */
  errorsFile?: string;
  /** Ignore (and replace) earlier checkpoints. */
  restart?: boolean;
  /** Plain progress lines this often when stderr is not a terminal (default 10 s). */
  progressEveryMs?: number;
}

export interface FileSummary {
  kind: Kind;
  file: string;
  ok: number;
  rejected: number;
  /** Records an earlier run committed (ok or rejected), passed over. */
  skipped: number;
  /** Of the skipped, how many that earlier run rejected. */
  rejectedBefore: number;
}

export async function runBulk(o: BulkOptions, io: BulkIo): Promise<FileSummary[]> {
  const errors: WriteStream | undefined = o.errorsFile ? createWriteStream(o.errorsFile) : undefined;
  const out: FileSummary[] = [];
  try {
    for (const kind of KINDS) {
      const file = o.files[kind];
      if (!file) continue;
      out.push(await loadFile(kind, file, o, io, errors));
      await o.sink.flush();
    }
  } finally {
    if (errors) await new Promise((r) => errors.end(r));
  }
  return out;
}

async function loadFile(kind: Kind, file: string, o: BulkOptions, io: BulkIo, errors: WriteStream | undefined): Promise<FileSummary> {
  const schema = SCHEMAS[kind];
  const imagesDir = o.imagesDir ?? dirname(resolve(file));
  const size = statSync(file).size;
  const checkpoint = checkpointFor(o.checkpointDir, file);
  const before = o.restart ? undefined : checkpoint.read();
  const s: FileSummary = { kind, file, ok: 0, rejected: 0, skipped: before ? before.ok + before.rejected : 0, rejectedBefore: before?.rejected ?? 0 };
  if (before?.complete) return s;
  const progress = fileProgress(io, file, size, o.progressEveryMs);
  const reject = (line: number, problems: Problem[], record: unknown) => {
    s.rejected++;
    for (const p of problems) io.stdout.write(`${file}:${line}: ${p.field}: ${p.message}\n`);
    errors?.write(`${JSON.stringify({ file, line, errors: problems, record })}\n`);
  };
  const size_ = Math.max(1, o.batch ?? 256);
  let batch: Array<{ line: number; value: unknown }> = [];
  let lastLine = before?.line ?? 0;
  const commit = async () => {
    if (batch.length > 0) {
      const outcomes = await o.sink.write(kind, batch.map((b) => b.value), { imagesDir });
      outcomes.forEach((r, i) => (r.ok ? s.ok++ : reject(batch[i]!.line, r.problems, batch[i]!.value)));
      batch = [];
    }
    // Only now is every line up to lastLine committed or reported: the resume point moves.
    checkpoint.write({ line: lastLine, ok: s.skipped - s.rejectedBefore + s.ok, rejected: s.rejectedBefore + s.rejected, complete: false });
  };
  try {
    let k = 0;
    for await (const r of readRecords(file, schema, before?.line ?? 0, (m) => io.stderr.write(`${m}\n`))) {
      if ('problem' in r) reject(r.line, [r.problem], r.raw);
      else {
        // The API's own schema and unknown-field rule, before anything is sent; the command checks again.
        const parsed = parseItem(schema, r.value, k++, 'refuse');
        if (parsed.ok) batch.push({ line: r.line, value: r.value });
        else if (!parsed.result.ok) reject(r.line, problemsOf(parsed.result.error.code, parsed.result.error.message), r.value);
      }
      lastLine = r.line;
      progress.update(r.bytes, s.ok + s.rejected + batch.length);
      if (batch.length >= size_) await commit();
    }
    await commit();
    checkpoint.write({ line: lastLine, ok: s.skipped - s.rejectedBefore + s.ok, rejected: s.rejectedBefore + s.rejected, complete: true });
  } finally {
    progress.update(size, s.ok + s.rejected);
    progress.stop();
  }
  return s;
}
