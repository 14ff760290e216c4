/**
 * Resume points of `npm run ingest`: one small file per input file under
 * `DATA_DIR/ingest-checkpoints/`, named by a hash of the input's absolute path and valid only for
 * the same size and modification time (an edited file is loaded from the start; the embedding
 * cache keeps that cheap). It records the last line whose batch was COMMITTED, so it is written
 * only after a batch's write returned, atomically (temp file + rename): a kill at any moment
 * leaves either the previous or the next checkpoint, never one ahead of the store.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface Checkpoint {
  /** Last line (1-based) of the last committed batch; 0 = nothing yet. */
  line: number;
  ok: number;
  rejected: number;
  complete: boolean;
}

interface Stored extends Checkpoint {
  path: string;
  size: number;
  mtimeMs: number;
  at: string;
}

export interface CheckpointFile {
  /** What an earlier run committed for this very file (same path, size and mtime), if anything. */
  read(): Checkpoint | undefined;
  write(c: Checkpoint): void;
  remove(): void;
}

export function checkpointFor(dir: string, input: string): CheckpointFile {
  const path = resolve(input);
  const { size, mtimeMs } = statSync(path);
  const file = join(dir, `${createHash('sha256').update(path).digest('hex').slice(0, 32)}.json`);
  return {
    read() {
      let s: Stored;
      try {
        s = JSON.parse(readFileSync(file, 'utf8')) as Stored;
      } catch {
        return undefined; // none yet (or unreadable: start over, which is always safe)
      }
      if (s.path !== path || s.size !== size || s.mtimeMs !== mtimeMs) return undefined;
      return { line: s.line, ok: s.ok, rejected: s.rejected, complete: s.complete };
    },
    write(c) {
      mkdirSync(dir, { recursive: true });
      const tmp = `${file}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify({ ...c, path, size, mtimeMs, at: new Date().toISOString() } satisfies Stored));
      renameSync(tmp, file);
    },
    remove() {
      rmSync(file, { force: true });
    },
  };
}
