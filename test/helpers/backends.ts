/**
 * The two storage backends the contract suites run against. SQLite always; PostgreSQL when
 * TEST_DATABASE_URL (or DATABASE_URL) names a server with pgvector, e.g. one started by
 * `scripts/postgres/start.sh`. Without one the PostgreSQL half is skipped with that message,
 * so `npm test` passes with no database.
 *
 * Every PostgreSQL store or service gets a schema of its own (dropped when it closes), so test
 * files running in parallel share one database without seeing each other.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { describe } from 'vitest';
import { openPgStore } from '../../src/store/pg-store.js';
import { openSqliteStore } from '../../src/store/sqlite-store.js';
import type { Store } from '../../src/store/types.js';

export const PG_URL = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL || '';
export const PG_SKIP = 'PostgreSQL half skipped: set TEST_DATABASE_URL (scripts/postgres/start.sh prints one) to run it';

export type BackendName = 'sqlite' | 'postgres';

export interface TestStore extends Store {
  /** Runs SQL on a connection of its own, beside the store (to prove what the database itself refuses). */
  raw(sql: string): Promise<void>;
}

export interface Backend {
  name: BackendName;
  available: boolean;
  /** A fresh, empty store. */
  openStore(o?: { consentProofSalt?: string }): Promise<TestStore>;
  /** Env for `testService`/`loadConfig` that selects this backend on a fresh, empty schema. */
  env(): Record<string, string>;
}

export const freshSchema = () => `t_${randomBytes(6).toString('hex')}`;

/** Drops a test schema (after its service or store closed). */
export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await client.end();
  }
}

const sqlite: Backend = {
  name: 'sqlite',
  available: true,
  async openStore(o = {}) {
    const dir = mkdtempSync(join(tmpdir(), 'store-'));
    const path = join(dir, 'store.db');
    const s = openSqliteStore({ path, ...o });
    const close = s.close.bind(s);
    return Object.assign(s, {
      async raw(sql: string) {
        const db = new Database(path);
        try {
          db.exec(sql);
        } finally {
          db.close();
        }
      },
      async close() {
        await close();
        rmSync(dir, { recursive: true, force: true });
      },
    });
  },
  env: () => ({}),
};

const postgres: Backend = {
  name: 'postgres',
  available: PG_URL !== '',
  async openStore(o = {}) {
    const schema = freshSchema();
    const s = await openPgStore({ url: PG_URL, schema, max: 4, ...o });
    const close = s.close.bind(s);
    return Object.assign(s, {
      async raw(sql: string) {
        const client = new pg.Client({ connectionString: PG_URL, options: `-c search_path=${schema},public` });
        await client.connect();
        try {
          await client.query(sql);
        } finally {
          await client.end();
        }
      },
      async close() {
        await close();
        await dropSchema(schema);
      },
    });
  },
  env: () => ({ DATABASE_URL: PG_URL, DATABASE_SCHEMA: freshSchema(), DATABASE_POOL_MAX: '10' }),
};

export const BACKENDS: readonly Backend[] = [sqlite, postgres];

/**
 * `describe` once per backend; the PostgreSQL one is skipped (saying how to run it) when no
 * server is configured.
 */
export function describeBackends(title: string, fn: (backend: Backend) => void): void {
  for (const b of BACKENDS) {
    if (b.available) describe(`${title} [${b.name}]`, () => fn(b));
    else describe.skip(`${title} [${b.name}] (${PG_SKIP})`, () => fn(b));
  }
}

/** The backend `testService` uses: TEST_BACKEND=postgres runs the service suites on PostgreSQL. */
export function serviceBackend(): Backend {
  return process.env.TEST_BACKEND === 'postgres' ? postgres : sqlite;
}
