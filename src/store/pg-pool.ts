/**
 * Connection pools for the PostgreSQL backend (node-postgres). One pool for the primary (every
 * write, and every read that decides consent, crediting or visibility) and, when
 * `DATABASE_READ_URL` is set, one for a streaming replica that serves reports and other reads
 * whose staleness decides nothing. Each pool parses pgvector's `vector` type into Float32Arrays.
 *
 * `schema` puts everything in one schema (search_path), so parallel test files share one
 * database without seeing each other; production leaves it unset (`public`).
 */
import pg from 'pg';
import { AppError } from '../errors.js';
import { parseVector } from './pg-vector-text.js';

export interface PgPools {
  primary: pg.Pool;
  /** The replica pool, or the primary when there is none. */
  read: pg.Pool;
  schema: string;
  end(): Promise<void>;
}

export interface PgPoolOptions {
  url: string;
  readUrl?: string;
  schema?: string;
  /** Connections per pool (node-postgres default 10). */
  max?: number;
}

const SCHEMA = /^[a-z_][a-z0-9_]{0,62}$/;

export async function openPools(o: PgPoolOptions): Promise<PgPools> {
  const schema = o.schema ?? 'public';
  if (!SCHEMA.test(schema)) throw new AppError('CONFIG_INVALID', `Schema name "${schema}" must be lower-case letters, digits and _.`);
  const vectorOid = new Map<pg.Pool, number>();
  const make = (url: string) => {
    let pool: pg.Pool;
    // Per pool, not pg's global registry: the type's oid differs between databases.
    const types = {
      getTypeParser: (oid: number, format?: 'text' | 'binary') =>
        oid === vectorOid.get(pool) ? parseVector : (pg.types.getTypeParser as (o: number, f?: string) => unknown)(oid, format),
    };
    // pgvector lives in public; the service's tables in `schema`.
    pool = new pg.Pool({ connectionString: url, max: o.max ?? 10, options: `-c search_path=${schema},public`, types: types as pg.CustomTypesConfig });
    // An idle client losing its connection must not crash the process; the next query reconnects.
    pool.on('error', () => {});
    return pool;
  };
  const primary = make(o.url);
  const read = o.readUrl ? make(o.readUrl) : primary;
  try {
    // IF NOT EXISTS is not safe against a concurrent creator (two replicas starting on a fresh
    // database): the loser fails on pg_namespace's unique index (23505) instead of finding the
    // schema. The schema exists either way, which is all this needs.
    await primary.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`).catch((err: { code?: string }) => {
      if (err.code !== '23505' && err.code !== '42P06') throw err;
    });
    for (const pool of new Set([primary, read])) {
      const { rows } = await pool.query<{ oid: number }>("SELECT oid FROM pg_type WHERE typname = 'vector'");
      if (rows.length === 0) {
        throw new AppError('STORE_UNAVAILABLE', 'The pgvector extension is not installed in this database: run CREATE EXTENSION vector (scripts/postgres/start.sh does).');
      }
      // Text-format vectors ("[0.1,0.2]") straight into Float32Array: no number[] in between.
      vectorOid.set(pool, rows[0]!.oid);
    }
  } catch (err) {
    await primary.end();
    if (read !== primary) await read.end();
    if (err instanceof AppError) throw err;
    throw new AppError('STORE_UNAVAILABLE', `Could not connect to PostgreSQL: ${(err as Error).message}`, undefined, { cause: err });
  }
  return {
    primary, read, schema,
    async end() {
      await primary.end();
      if (read !== primary) await read.end();
    },
  };
}

/** Runs `fn` in one transaction on one client; rolls back on any error. */
export async function tx<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const out = await fn(client);
    await client.query('COMMIT');
    return out;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}
