/**
 * Opens DATA_DIR's store, refusing to start on one that cannot be the store this data folder had:
 * a zero-length or damaged `store.db`, one without this service's schema, or a missing or empty
 * one while the index or media files say data existed. Each of those used to pass for a fresh
 * install and silently load the fixtures over a folder that held data. A fresh install is only a
 * data folder without `store.db` (and without index or media files); its store is created under a
 * temporary name and renamed into place once its schema exists, so a crash during the very first
 * start never leaves a `store.db` that this check would refuse.
 *
 * @example
 * const { store, fresh } = openDataDirStore(config.DATA_DIR); // throws AppError STORE_UNAVAILABLE with what to do
 */
import { closeSync, existsSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../errors.js';
import { decodeSidecar } from '../index/hnsw-files.js';
import { openSqliteStore, type SqliteStore } from './sqlite-store.js';

export const STORE_FILE = 'store.db';
const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');

export interface OpenedStore {
  store: SqliteStore;
  /** True when this start created the store: the only case in which the server loads WORLD_DIR. */
  fresh: boolean;
}

export function openDataDirStore(dataDir: string): OpenedStore {
  const path = join(dataDir, STORE_FILE);
  if (!existsSync(path)) {
    const evidence = dataEvidence(dataDir);
    if (evidence.length > 0) throw refusal(dataDir, `${path} is missing, but ${evidence.join(' and ')} say this data folder held data`);
    return { store: createStore(path), fresh: true };
  }
  const size = statSync(path).size;
  if (size === 0) throw refusal(dataDir, `${path} is empty (0 bytes): it was truncated or replaced`);
  if (!readHead(path, SQLITE_MAGIC.length).equals(SQLITE_MAGIC)) throw refusal(dataDir, `${path} is not an SQLite database (damaged or replaced)`);
  let store: SqliteStore;
  try {
    store = openSqliteStore({ path, requireSchema: true });
  } catch (err) {
    throw storeDamage(err, dataDir) ?? err;
  }
  return { store, fresh: false };
}

/**
 * After the store opened: an existing store with no entities at all while the index or media say
 * data existed was replaced by an empty one (a restored wrong backup, another install's file).
 */
export async function checkNotEmptied(store: SqliteStore, dataDir: string): Promise<void> {
  const c = await store.counts();
  if (c.products + c.creators + c.posts + c.users > 0) return;
  const evidence = dataEvidence(dataDir, false);
  if (evidence.length > 0) throw refusal(dataDir, `${join(dataDir, STORE_FILE)} holds no products, creators, posts or shoppers, but ${evidence.join(' and ')} say it did`);
}

/** SQLite's own "this file is damaged" errors, turned into a refusal that says what to do. */
export function storeDamage(err: unknown, dataDir: string): AppError | undefined {
  const code = (err as { code?: unknown })?.code;
  if (typeof code !== 'string' || !/^SQLITE_(CORRUPT|NOTADB)/.test(code)) return undefined;
  return refusal(dataDir, `${join(dataDir, STORE_FILE)} is damaged (SQLite: ${(err as Error).message})`, err);
}

function refusal(dataDir: string, what: string, cause?: unknown): AppError {
  return new AppError(
    'STORE_UNAVAILABLE',
    `Refusing to start: ${what}. Nothing was changed. Restore ${STORE_FILE} from a backup (stop the service, copy the backup to ` +
      `${join(dataDir, STORE_FILE)}, start again: the index and media are checked against it at start-up), or, to start over ` +
      `with an empty service that loads WORLD_DIR again, move the whole data folder ${dataDir} away.`,
    undefined,
    { cause },
  );
}

/** A new store: migrated under a temporary name, then renamed, so `store.db` never exists without its schema. */
function createStore(path: string): SqliteStore {
  const tmp = `${path}.new`;
  for (const f of [tmp, `${tmp}-wal`, `${tmp}-shm`]) rmSync(f, { force: true });
  openSqliteStore({ path: tmp }).closeSync();
  renameSync(tmp, path);
  return openSqliteStore({ path });
}

/** Files that only exist once the store held data: a non-empty index, stored media, a WAL. */
function dataEvidence(dataDir: string, withWal = true): string[] {
  const found: string[] = [];
  const wal = join(dataDir, `${STORE_FILE}-wal`);
  if (withWal && existsSync(wal) && statSync(wal).size > 0) found.push(`${STORE_FILE}-wal`);
  const indexDir = join(dataDir, 'index');
  for (const f of list(indexDir).filter((f) => f.endsWith('.meta.json'))) {
    try {
      const s = decodeSidecar(readFileSync(join(indexDir, f), 'utf8'));
      if (s.ids.length > s.deleted.length) found.push(`index/${f} (${s.ids.length - s.deleted.length} vectors)`);
    } catch {
      found.push(`index/${f}`); // unreadable, but an index was written
    }
  }
  for (const kind of ['products', 'posts']) {
    const n = list(join(dataDir, 'media', kind)).filter((f) => !/\.(tmp|type)$/.test(f)).length;
    if (n > 0) found.push(`media/${kind} (${n} images)`);
  }
  return found;
}

function list(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function readHead(path: string, bytes: number): Buffer {
  const buf = Buffer.alloc(bytes);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, buf, 0, bytes, 0);
  } finally {
    closeSync(fd);
  }
  return buf;
}
