/**
 * The embedded default `Store`: one SQLite file (WAL mode, foreign keys on) through
 * better-sqlite3 12, schema brought up to date by `migrations.ts` on open.
 *
 * @example
 * const store = openSqliteStore({ path: join(config.dataDir, 'store.db') });
 * await store.upsertProducts(products);
 * await store.close();
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { AppError } from '../errors.js';
import { migrate } from './migrations.js';
import { sqliteCatalog } from './sqlite-catalog.js';
import { sqliteCategories } from './sqlite-categories.js';
import { sqliteClicks } from './sqlite-clicks.js';
import { sqliteFeedback } from './sqlite-feedback.js';
import { sqlitePeople } from './sqlite-people.js';
import { sqliteVectors } from './sqlite-vectors.js';
import type { Store } from './types.js';

export interface SqliteStoreOptions {
  /** Database file; ":memory:" for a throwaway store. Parent folders are created. */
  path: string;
  /**
   * Salt for the user-id hashes kept in consent proofs after erasure. Defaults to a random salt
   * generated once per database and kept in its `meta` table.
   */
  consentProofSalt?: string;
  /**
   * Refuse a database that has no schema yet instead of creating one: for a file that exists and
   * must be this service's store (src/store/data-dir.ts).
   */
  requireSchema?: boolean;
}

export interface SqliteStore extends Store {
  /** The schema version after migration (`PRAGMA user_version`). */
  readonly schemaVersion: number;
  /** `close`, synchronously (creating a store under a temporary name closes it before renaming). */
  closeSync(): void;
}

export function openSqliteStore(options: SqliteStoreOptions): SqliteStore {
  if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
  const db = new Database(options.path);
  if (options.requireSchema && db.pragma('user_version', { simple: true }) === 0) {
    db.close();
    throw new AppError('STORE_UNAVAILABLE', `${options.path} is an SQLite database without this service's schema`);
  }
  db.pragma('journal_mode = WAL'); // readers never block the writer during a big ingest
  db.pragma('synchronous = NORMAL'); // durable across app crashes in WAL mode, far fewer fsyncs
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  // Deleted content is overwritten with zeros instead of lingering in free pages: after an
  // erasure nothing about the shopper may stay readable in the file (the WAL is emptied too, in
  // sqlite-people.ts). Costs a little write I/O on deletes and updates.
  db.pragma('secure_delete = ON');
  const schemaVersion = migrate(db);
  const salt = options.consentProofSalt ?? metaValue(db, 'consent_proof_salt', () => randomBytes(16).toString('hex'));

  const getMeta = db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?');
  const setMeta = db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value');
  const counts = db.prepare<[], { products: number; creators: number; posts: number; users: number }>(
    `SELECT (SELECT COUNT(*) FROM products) AS products, (SELECT COUNT(*) FROM creators) AS creators,
            (SELECT COUNT(*) FROM posts) AS posts, (SELECT COUNT(*) FROM users) AS users`,
  );
  let closed = false;
  const closeSync = () => {
    if (closed) return;
    closed = true;
    db.close();
  };

  return {
    schemaVersion,
    ...sqliteCatalog(db),
    ...sqliteCategories(db),
    ...sqlitePeople(db, salt),
    ...sqliteClicks(db),
    ...sqliteFeedback(db),
    ...sqliteVectors(db),
    async counts() {
      return { ...counts.get()! };
    },
    async getMeta(key) {
      return getMeta.get(key)?.value;
    },
    async setMeta(key, value) {
      setMeta.run(key, value);
    },
    async close() {
      closeSync();
    },
    closeSync,
  };
}

/** Reads a meta value, creating it with `init()` the first time. */
function metaValue(db: Database.Database, key: string, init: () => string): string {
  db.prepare('INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)').run(key, init());
  return (db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string }).value;
}
