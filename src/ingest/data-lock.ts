/**
 * One writer process per DATA_DIR. The server holds the folder while it runs (it keeps the index
 * in memory and writes it back on shutdown), so `npm run ingest` must not write behind its back:
 * both take `DATA_DIR/.lock` (the holder's pid), and the second is refused with a message saying
 * what to do. A lock left by a process that no longer runs (a crash, kill -9) is taken over.
 */
import { readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../errors.js';

export interface DataLock {
  release(): void;
}

interface Holder {
  pid: number;
  who: string;
  since: string;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0); // signal 0: only asks whether the process exists
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * The lock for a service's configuration: none with DATABASE_URL, where the store is a shared
 * database written by every replica and worker at once (the change feed keeps them in step) and
 * the index is never written to DATA_DIR, so there is nothing for a second writer to clobber.
 */
export function holdDataDirUnlessShared(config: { DATA_DIR: string; DATABASE_URL?: string }, who: 'server' | 'ingest'): DataLock {
  return config.DATABASE_URL ? { release() {} } : holdDataDir(config.DATA_DIR, who);
}

/** @throws AppError DATA_DIR_IN_USE when a running process holds `dataDir`. */
export function holdDataDir(dataDir: string, who: 'server' | 'ingest'): DataLock {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, '.lock');
  const mine: Holder = { pid: process.pid, who, since: new Date().toISOString() };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, JSON.stringify(mine), { flag: 'wx' }); // atomic: fails if the file exists
      let released = false;
      return {
        release() {
          if (released) return;
          released = true;
          rmSync(file, { force: true });
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      let holder: Holder | undefined;
      try {
        holder = JSON.parse(readFileSync(file, 'utf8')) as Holder;
      } catch {
        holder = undefined; // unreadable: half-written by a crashed process
      }
      if (holder && Number.isInteger(holder.pid) && alive(holder.pid)) {
        throw new AppError(
          'DATA_DIR_IN_USE',
          `${dataDir} is in use by a running ${holder.who} (pid ${holder.pid}, since ${holder.since}). ${
            holder.who === 'server' ? 'Stop the server first, or load the data through its API: npm run ingest -- --api http://<host>:<port> --key <admin key> --products ... (or PUT /v1/products, ...).' : 'Wait for it to finish.'
          }`,
        );
      }
      rmSync(file, { force: true }); // stale: its process is gone
    }
  }
  throw new AppError('DATA_DIR_IN_USE', `Could not take the lock on ${dataDir}: another process keeps taking it.`);
}
