/**
 * Versioned schema migrations for the PostgreSQL store, tracked in `schema_migrations`. Replicas
 * starting at once serialise on an advisory lock, so each migration runs exactly once.
 *
 * The schema is laid out for sharding with Citus (docs/sharding.md): every primary key and
 * unique constraint includes its table's distribution column, and foreign keys only join tables
 * distributed on the same key. Lookups that would need a global unique index on another column
 * (creator code, link pseudonym) are tables of their own, keyed by that column.
 *
 * Append new migrations to the end; never edit one that has shipped.
 */
import type pg from 'pg';
import { AppError } from '../errors.js';
import type { Migration } from './migrations.js';

export const PG_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'Catalog, merchants, creators with codes, posts, shoppers with link pseudonyms, follows, consent ledger and proofs, clicks, embedding cache and entity vectors (pgvector)',
    sql: `
      CREATE TABLE meta (key text PRIMARY KEY, value text NOT NULL);
      CREATE TABLE merchants (id text PRIMARY KEY, network text NOT NULL, data json NOT NULL);

      -- Whole entities as json (the zod schema is the type; json keeps the text as written);
      -- the fields filters and joins need are columns. Distribution key: id.
      CREATE TABLE products (
        id text PRIMARY KEY,
        category text NOT NULL,
        merchant text NOT NULL,
        network text NOT NULL,
        price double precision NOT NULL,
        sensitive boolean NOT NULL,
        data json NOT NULL
      );
      CREATE INDEX products_by_merchant ON products (merchant);
      CREATE INDEX products_by_category ON products (category);

      -- Distribution key: id. A creator's code lives in creator_codes (keyed by code).
      CREATE TABLE creators (id text PRIMARY KEY, data json NOT NULL);
      CREATE TABLE creator_codes (code text PRIMARY KEY, creator_id text NOT NULL UNIQUE);
      -- Distribution key: creator_id (co-located with creators).
      CREATE TABLE posts (
        creator_id text NOT NULL REFERENCES creators (id) ON DELETE CASCADE,
        id text NOT NULL,
        posted_at text NOT NULL,
        data json NOT NULL,
        PRIMARY KEY (creator_id, id)
      );
      CREATE INDEX posts_by_id ON posts (id);

      -- Distribution key: id; link pseudonyms keyed by ref (no foreign key across keys).
      CREATE TABLE users (id text PRIMARY KEY, display_name text NOT NULL, region text NOT NULL, age_band text NOT NULL);
      CREATE TABLE link_refs (ref text PRIMARY KEY, user_id text NOT NULL UNIQUE);
      -- Distribution key: user_id. No foreign key to creators (another key): the commands check them.
      CREATE TABLE follows (
        user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        creator_id text NOT NULL,
        position integer NOT NULL,
        PRIMARY KEY (user_id, creator_id)
      );
      CREATE INDEX follows_by_creator ON follows (creator_id);

      -- Consent ledger, append-only: no UPDATE ever; DELETE only inside an erasure, which sets
      -- app.erasing to the user id for its own transaction. Distribution key: user_id.
      CREATE TABLE consent_events (
        user_id text NOT NULL,
        seq bigserial NOT NULL,
        purpose text NOT NULL,
        granted boolean NOT NULL,
        at text NOT NULL,
        source text NOT NULL,
        policy_version text NOT NULL,
        PRIMARY KEY (user_id, seq)
      );
      CREATE FUNCTION consent_events_guard() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' AND OLD.user_id = current_setting('app.erasing', true) THEN RETURN OLD; END IF;
        RAISE EXCEPTION 'consent ledger is append-only';
      END $$;
      CREATE TRIGGER consent_events_append_only BEFORE UPDATE OR DELETE ON consent_events
        FOR EACH ROW EXECUTE FUNCTION consent_events_guard();

      -- What survives an erasure. Distribution key: subject_hash.
      CREATE TABLE consent_proofs (
        subject_hash text NOT NULL,
        seq bigserial NOT NULL,
        purpose text NOT NULL,
        granted boolean NOT NULL,
        at text NOT NULL,
        policy_version text NOT NULL,
        PRIMARY KEY (subject_hash, seq)
      );
      CREATE FUNCTION consent_proofs_guard() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'consent proofs are append-only'; END $$;
      CREATE TRIGGER consent_proofs_append_only BEFORE UPDATE OR DELETE ON consent_proofs
        FOR EACH ROW EXECUTE FUNCTION consent_proofs_guard();

      -- Clicks outlive products and users: no foreign keys; erasure nulls user_ref.
      -- Distribution key: product_id.
      CREATE TABLE clicks (
        product_id text NOT NULL,
        seq bigserial NOT NULL,
        at text NOT NULL,
        merchant text NOT NULL,
        network text NOT NULL,
        creator_code text,
        user_ref text,
        PRIMARY KEY (product_id, seq)
      );
      CREATE INDEX clicks_by_at ON clicks (at);
      CREATE INDEX clicks_by_user ON clicks (user_ref);

      -- Distribution key: content_hash.
      CREATE TABLE embedding_cache (
        model_id text NOT NULL,
        content_hash text NOT NULL,
        vector vector NOT NULL,
        PRIMARY KEY (content_hash, model_id)
      );
      -- Untyped vector columns: one table serves every model; the HNSW index is a partial
      -- expression index per model with its dimension (pg-vector-index.ts).
      CREATE TABLE product_vectors (
        id text NOT NULL REFERENCES products (id) ON DELETE CASCADE,
        model_id text NOT NULL,
        vector vector NOT NULL,
        PRIMARY KEY (id, model_id)
      );
      CREATE TABLE post_vectors (
        creator_id text NOT NULL,
        id text NOT NULL,
        model_id text NOT NULL,
        vector vector NOT NULL,
        PRIMARY KEY (creator_id, id, model_id),
        FOREIGN KEY (creator_id, id) REFERENCES posts (creator_id, id) ON DELETE CASCADE
      );
    `,
  },
  {
    version: 2,
    description: 'Image bytes in the database (pg-media.ts) and the change feed outbox that keeps replicas in step (pg-change-feed.ts)',
    sql: `
      -- Distribution key: id (co-located with products; posts' images by post id).
      CREATE TABLE media (kind text NOT NULL, id text NOT NULL, content_type text NOT NULL, bytes bytea NOT NULL, PRIMARY KEY (id, kind));
      -- Local to the coordinator under Citus: one ordered log for every replica.
      CREATE TABLE changes (seq bigserial PRIMARY KEY, origin text NOT NULL, change json NOT NULL, at timestamptz NOT NULL DEFAULT now());
      CREATE INDEX changes_by_at ON changes (at);
    `,
  },
  {
    version: 3,
    description: 'Embedding jobs: large product batches queued for workers, per-item state, leases and results (pg-jobs.ts)',
    sql: `
      CREATE TABLE jobs (id text PRIMARY KEY, kind text NOT NULL, total integer NOT NULL, created_at timestamptz NOT NULL DEFAULT now());
      -- Distribution key: job_id (co-located with jobs).
      CREATE TABLE job_items (
        job_id text NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
        k integer NOT NULL,
        item json NOT NULL,
        status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'ok', 'failed')),
        worker text,
        lease_until timestamptz,
        attempts integer NOT NULL DEFAULT 0,
        result json,
        finished_at timestamptz,
        PRIMARY KEY (job_id, k)
      );
      CREATE INDEX job_items_open ON job_items (job_id, k) WHERE status IN ('queued', 'running');
    `,
  },
  {
    version: 4,
    description:
      'What SQLite migrations 3 and 4 added: the category taxonomy (health comes from it), shopper regions in their stored form (upper-case ISO, EL as GR, UK as GB), demo personas, and the click dedupe key',
    sql: `
      -- A reference table under Citus (small, read by every shard's joins). \`sensitive\` is a
      -- column so filtered vector search can join it; data holds the category whole.
      CREATE TABLE categories (id text PRIMARY KEY, sensitive boolean NOT NULL, data json NOT NULL);

      UPDATE users SET region = upper(trim(region)) WHERE region <> upper(trim(region));
      UPDATE users SET region = 'GR' WHERE region = 'EL';
      UPDATE users SET region = 'GB' WHERE region = 'UK';

      ALTER TABLE users ADD COLUMN demo boolean NOT NULL DEFAULT false;

      -- NULL for clicks recorded before this version (NULLs never conflict). Unique with the
      -- distribution column, as Citus requires: a key hashes a link token, which names one
      -- product, so (product_id, dedupe_key) is as unique as the key alone.
      ALTER TABLE clicks ADD COLUMN dedupe_key text;
      CREATE UNIQUE INDEX clicks_by_dedupe_key ON clicks (product_id, dedupe_key);
    `,
  },
  {
    version: 5,
    description:
      "What SQLite migration 5 added (crash consistency): a checksum beside every entity vector, the media version each product and post was committed with, and staged images (pg-media.ts: written, not yet current)",
    sql: `
      -- NULL for vectors written before this version: vectorChecksums computes those from the
      -- vector itself (the checksum is SHA-256 based, which SQL would have to re-implement).
      ALTER TABLE product_vectors ADD COLUMN checksum bigint;
      ALTER TABLE post_vectors ADD COLUMN checksum bigint;
      ALTER TABLE products ADD COLUMN media_version text;
      ALTER TABLE posts ADD COLUMN media_version text;
      -- One row per write in flight (token), keyed like media: distribution key id.
      CREATE TABLE media_staged (
        kind text NOT NULL,
        id text NOT NULL,
        token text NOT NULL,
        version text NOT NULL,
        content_type text NOT NULL,
        bytes bytea NOT NULL,
        staged_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (id, kind, token)
      );
      CREATE INDEX media_staged_by_at ON media_staged (staged_at);
    `,
  },
  {
    version: 6,
    description:
      "What SQLite migration 6 added: shoppers' feedback events, profiling data that goes with the shopper (ON DELETE CASCADE)",
    sql: `
      -- Distribution key: user_id (co-located with users, so the cascade stays on one shard).
      -- seq is one increasing sequence: ids are never reused and page stably.
      CREATE TABLE feedback_events (
        user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        seq bigserial NOT NULL,
        type text NOT NULL,
        product_id text,
        post_id text,
        at text NOT NULL,
        CHECK ((product_id IS NULL) <> (post_id IS NULL)),
        PRIMARY KEY (user_id, seq)
      );
    `,
  },
  {
    version: 7,
    description:
      'PostgreSQL only (SQLite filters prices in process, from the catalog): each product\'s price in the rate table\'s base currency with a B-tree index, so a price band is an index range instead of a sequential scan, and the rate table those prices were computed with (pg-prices.ts)',
    sql: `
      -- A reference table under Citus. Written at start-up from CURRENCY_RATES (syncCurrencyRates),
      -- which also recomputes base_price and records the table's fingerprint in meta.
      CREATE TABLE currency_rates (code text PRIMARY KEY, per double precision NOT NULL);
      -- NULL until the first sync, and for a currency the table does not hold (such a product never
      -- passes a price filter, as in the embedded backend).
      ALTER TABLE products ADD COLUMN base_price double precision;
      CREATE INDEX products_by_base_price ON products (base_price);
    `,
  },
];
/** Brings the schema up to date; returns the version it ended at. */
export async function migratePg(pool: pg.Pool, migrations: readonly Migration[] = PG_MIGRATIONS): Promise<number> {
  return (await migratePgFrom(pool, migrations)).version;
}

/** As `migratePg`, also saying the version found (0: this call created the schema). */
export async function migratePgFrom(pool: pg.Pool, migrations: readonly Migration[] = PG_MIGRATIONS): Promise<{ from: number; version: number }> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    // One migrator at a time across every replica and worker (key: this schema's name).
    await client.query("SELECT pg_advisory_xact_lock(hashtext(current_schema() || ':migrate'))");
    await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, description text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())');
    const { rows } = await client.query<{ v: number | null }>('SELECT max(version) AS v FROM schema_migrations');
    const from = rows[0]?.v ?? 0;
    let current = from;
    const latest = migrations.at(-1)?.version ?? 0;
    if (current > latest) {
      throw new AppError('STORE_UNAVAILABLE', `Database schema version ${current} is newer than this build supports (${latest}); upgrade the service.`);
    }
    for (const m of migrations) {
      if (m.version <= current) continue;
      await client.query(m.sql);
      await client.query('INSERT INTO schema_migrations (version, description) VALUES ($1, $2)', [m.version, m.description]);
      current = m.version;
    }
    await client.query('COMMIT');
    return { from, version: current };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}
