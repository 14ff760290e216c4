/**
 * The PostgreSQL `Store` (node-postgres + pgvector), chosen when `DATABASE_URL` is set. The same
 * contract as the SQLite store, proven by the same suite (test/store/contract.ts). Split by area
 * like the SQLite store: pg-catalog, pg-categories, pg-people, pg-clicks, pg-vectors; a new Store method goes in
 * the file of its area, for both backends.
 *
 * @example
 * const store = await openPgStore({ url: config.DATABASE_URL });
 * await store.upsertProducts(items, embedder.modelId);
 * await store.close();
 */
import { randomBytes } from 'node:crypto';
import { pgCatalog } from './pg-catalog.js';
import { pgCategories } from './pg-categories.js';
import { pgClicks } from './pg-clicks.js';
import { pgFeedback } from './pg-feedback.js';
import { migratePgFrom } from './pg-migrations.js';
import { pgPeople } from './pg-people.js';
import { syncCurrencyRates, type PriceRates } from './pg-prices.js';
import { openPools, type PgPoolOptions, type PgPools } from './pg-pool.js';
import { pgVectors } from './pg-vectors.js';
import type { Store } from './types.js';

export interface PgStoreOptions extends PgPoolOptions {
  /** Salt of consent-proof hashes; default: random, generated once per database (meta table). */
  consentProofSalt?: string;
  /**
   * The service's rate table (CURRENCY_RATES): products' base prices are recomputed when it
   * differs from the one they were computed with (pg-prices.ts). Without it they stay as stored.
   */
  currencyRates?: PriceRates;
}

export interface PgStore extends Store {
  readonly schemaVersion: number;
  /** This open created the schema (the first start against this database): the server loads WORLD_DIR only then. */
  readonly created: boolean;
  /** The pools, for the other PostgreSQL adapters of one service (change feed, jobs, media, vector search). */
  readonly pools: PgPools;
}

export async function openPgStore(options: PgStoreOptions): Promise<PgStore> {
  const pools = await openPools(options);
  try {
    const { from, version: schemaVersion } = await migratePgFrom(pools.primary);
    if (options.currencyRates) await syncCurrencyRates(pools, options.currencyRates);
    const salt = options.consentProofSalt ?? (await metaValue(pools, 'consent_proof_salt', () => randomBytes(16).toString('hex')));
    let closed = false;
    return {
      schemaVersion,
      created: from === 0,
      pools,
      ...pgCatalog(pools),
      ...pgCategories(pools),
      ...pgPeople(pools, salt),
      ...pgClicks(pools),
      ...pgVectors(pools),
      ...pgFeedback(pools),
      async getMeta(key) {
        return (await pools.primary.query<{ value: string }>('SELECT value FROM meta WHERE key = $1', [key])).rows[0]?.value;
      },
      async setMeta(key, value) {
        await pools.primary.query('INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [key, value]);
      },
      async counts() {
        const { rows } = await pools.read.query<{ products: number; creators: number; posts: number; users: number }>(
          `SELECT (SELECT count(*) FROM products)::int AS products, (SELECT count(*) FROM creators)::int AS creators,
                  (SELECT count(*) FROM posts)::int AS posts, (SELECT count(*) FROM users)::int AS users`,
        );
        return { ...rows[0]! };
      },
      async close() {
        if (closed) return;
        closed = true;
        await pools.end();
      },
    };
  } catch (err) {
    await pools.end();
    throw err;
  }
}

/** Reads a meta value, creating it with `init()` the first time (first writer wins across replicas). */
async function metaValue(pools: PgPools, key: string, init: () => string): Promise<string> {
  await pools.primary.query('INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING', [key, init()]);
  return (await pools.primary.query<{ value: string }>('SELECT value FROM meta WHERE key = $1', [key])).rows[0]!.value;
}
