/**
 * Versioned schema migrations for the SQLite store, tracked with `PRAGMA user_version`.
 *
 * Append new migrations to the end; never edit one that has shipped (a database that already
 * ran it would silently diverge). Each runs in its own transaction together with the version bump.
 */
import type Database from 'better-sqlite3';
import { vectorChecksum } from '../embed/vectors.js';
import { AppError } from '../errors.js';

export interface Migration {
  version: number;
  /** Why this migration exists, for whoever reads the history. */
  description: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'Catalog, creators, shoppers, consent ledger, clicks, embedding cache and entity vectors',
    sql: `
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

      -- Full entities are kept as JSON (the zod schema is the type); hot filter fields are columns.
      CREATE TABLE products (
        id TEXT PRIMARY KEY,
        category TEXT NOT NULL,
        merchant TEXT NOT NULL,
        price REAL NOT NULL,
        data TEXT NOT NULL
      );
      CREATE TABLE creators (id TEXT PRIMARY KEY, data TEXT NOT NULL);
      CREATE TABLE posts (
        id TEXT PRIMARY KEY,
        creator_id TEXT NOT NULL REFERENCES creators(id) ON DELETE CASCADE,
        posted_at TEXT NOT NULL,
        data TEXT NOT NULL
      );
      CREATE INDEX posts_by_creator ON posts(creator_id, posted_at);

      CREATE TABLE users (
        id TEXT PRIMARY KEY,
        display_name TEXT NOT NULL,
        region TEXT NOT NULL,
        age_band TEXT NOT NULL
      );
      CREATE TABLE follows (
        user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        creator_id TEXT NOT NULL REFERENCES creators(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        PRIMARY KEY (user_id, creator_id)
      );

      -- Consent ledger: append-only. No UPDATE ever; DELETE only while an erasure moves a user's
      -- events into consent_proofs (guarded by a row in erasure_guard inside the same transaction).
      CREATE TABLE consent_events (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        user_id TEXT NOT NULL,
        purpose TEXT NOT NULL,
        granted INTEGER NOT NULL,
        at TEXT NOT NULL,
        source TEXT NOT NULL,
        policy_version TEXT NOT NULL
      );
      CREATE INDEX consent_by_user ON consent_events(user_id, seq);
      CREATE TABLE erasure_guard (user_id TEXT PRIMARY KEY);
      CREATE TRIGGER consent_events_no_update BEFORE UPDATE ON consent_events
        BEGIN SELECT RAISE(ABORT, 'consent ledger is append-only'); END;
      CREATE TRIGGER consent_events_no_delete BEFORE DELETE ON consent_events
        WHEN NOT EXISTS (SELECT 1 FROM erasure_guard WHERE user_id = OLD.user_id)
        BEGIN SELECT RAISE(ABORT, 'consent ledger is append-only'); END;

      -- What survives an erasure: proof that consent was given/withdrawn, not who gave it.
      CREATE TABLE consent_proofs (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        subject_hash TEXT NOT NULL,
        purpose TEXT NOT NULL,
        granted INTEGER NOT NULL,
        at TEXT NOT NULL,
        policy_version TEXT NOT NULL
      );
      CREATE TRIGGER consent_proofs_no_update BEFORE UPDATE ON consent_proofs
        BEGIN SELECT RAISE(ABORT, 'consent proofs are append-only'); END;
      CREATE TRIGGER consent_proofs_no_delete BEFORE DELETE ON consent_proofs
        BEGIN SELECT RAISE(ABORT, 'consent proofs are append-only'); END;

      -- Clicks outlive products and users: no foreign keys; erasure nulls user_ref.
      CREATE TABLE clicks (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL,
        product_id TEXT NOT NULL,
        merchant TEXT NOT NULL,
        network TEXT NOT NULL,
        creator_code TEXT,
        user_ref TEXT
      );
      CREATE INDEX clicks_by_at ON clicks(at);
      CREATE INDEX clicks_by_user ON clicks(user_ref);

      CREATE TABLE embedding_cache (
        model_id TEXT NOT NULL,
        content_hash TEXT NOT NULL,
        vector BLOB NOT NULL,
        PRIMARY KEY (model_id, content_hash)
      );
      CREATE TABLE entity_vectors (
        kind TEXT NOT NULL CHECK (kind IN ('product', 'post')),
        id TEXT NOT NULL,
        model_id TEXT NOT NULL,
        vector BLOB NOT NULL,
        PRIMARY KEY (kind, model_id, id)
      );
    `,
  },
  {
    version: 2,
    description:
      'Merchants as service data; opaque random link codes for creators and link pseudonyms for shoppers, which removal and erasure retire, so links issued earlier can never credit a later account with the same id',
    sql: `
      CREATE TABLE merchants (id TEXT PRIMARY KEY, network TEXT NOT NULL, data TEXT NOT NULL);
      CREATE INDEX products_by_merchant ON products(merchant);

      ALTER TABLE creators ADD COLUMN code TEXT;
      UPDATE creators SET code = lower(hex(randomblob(8)));
      CREATE UNIQUE INDEX creators_by_code ON creators(code);

      CREATE TABLE link_refs (
        ref TEXT PRIMARY KEY,
        user_id TEXT NOT NULL UNIQUE REFERENCES users(id) ON DELETE CASCADE
      );
      INSERT INTO link_refs (ref, user_id) SELECT lower(hex(randomblob(16))), id FROM users;
      -- Clicks were linked by user id; link them by the new pseudonym instead (unknown ids unlink).
      UPDATE clicks SET user_ref = (SELECT ref FROM link_refs WHERE link_refs.user_id = clicks.user_ref)
        WHERE user_ref IS NOT NULL;
    `,
  },
  {
    version: 3,
    description:
      'The category taxonomy as service data (health status of products and posts comes from it; the core seeds it on first start); shopper regions in their stored form (upper-case ISO, EL as GR, UK as GB)',
    sql: `
      CREATE TABLE categories (id TEXT PRIMARY KEY, data TEXT NOT NULL);

      UPDATE users SET region = upper(trim(region)) WHERE region <> upper(trim(region));
      UPDATE users SET region = 'GR' WHERE region = 'EL';
      UPDATE users SET region = 'GB' WHERE region = 'UK';
    `,
  },
  {
    version: 4,
    description:
      'Demo personas (the only shoppers the demo proxy may reach, set by the world loader) and a click dedupe key (one counted click per link token per CLICK_DEDUPE_WINDOW_S window)',
    sql: `
      ALTER TABLE users ADD COLUMN demo INTEGER NOT NULL DEFAULT 0;
      -- NULL for clicks recorded before this version (UNIQUE allows any number of NULLs).
      ALTER TABLE clicks ADD COLUMN dedupe_key TEXT;
      CREATE UNIQUE INDEX clicks_by_dedupe_key ON clicks(dedupe_key);
    `,
  },
  {
    version: 5,
    description:
      'Crash consistency: a checksum beside every entity vector (so start-up can find index entries that disagree with the store without reading vectors) and the version (SHA-256) of the media each product and post was committed with (so start-up can finish or undo a media write a crash interrupted)',
    // vector_checksum: registered by `migrate`, the same checksum the index keeps per label.
    sql: `
      ALTER TABLE entity_vectors ADD COLUMN checksum INTEGER NOT NULL DEFAULT 0;
      UPDATE entity_vectors SET checksum = vector_checksum(vector);
      ALTER TABLE products ADD COLUMN media_version TEXT;
      ALTER TABLE posts ADD COLUMN media_version TEXT;
    `,
  },
  // Versions 3-5 belong to parallel work (issue 14 and 16); this one was assigned 6 so the numbers
  // never collide when the branches meet.
  {
    version: 6,
    description:
      "Shoppers' feedback events (view, click, save, add_to_cart, purchase, hide, not_interested on a product or a post): profiling data, so they go with the shopper (ON DELETE CASCADE) and the core deletes them when personalization is withdrawn",
    sql: `
      CREATE TABLE feedback_events (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        type TEXT NOT NULL,
        product_id TEXT,
        post_id TEXT,
        at TEXT NOT NULL,
        CHECK ((product_id IS NULL) <> (post_id IS NULL))
      );
      CREATE INDEX feedback_by_user ON feedback_events(user_id, seq);
    `,
  },
  // Each backend numbers its migrations on its own, gap-free: this 7 is not PostgreSQL's 7 (base
  // prices for indexed price bands), which has no SQLite counterpart because the embedded backend
  // filters prices in process.
  {
    version: 7,
    description:
      "Entity vectors by (kind, id): deleting a product or a post removes its vectors under every model id, and the primary key (kind, model_id, id) cannot serve that, so each delete scanned every product's vector (~35 ms at 100k products, on the event loop)",
    sql: `
      CREATE INDEX entity_vectors_by_id ON entity_vectors(kind, id);
    `,
  },
];

/** Brings `db` up to the latest version; returns the version it ended at. */
export function migrate(db: Database.Database, migrations: readonly Migration[] = MIGRATIONS): number {
  let current = db.pragma('user_version', { simple: true }) as number;
  const latest = migrations.at(-1)?.version ?? 0;
  if (current > latest) {
    throw new AppError('STORE_UNAVAILABLE', `Database schema version ${current} is newer than this build supports (${latest}); upgrade the service.`);
  }
  db.function('vector_checksum', { deterministic: true }, (blob) => vectorChecksum(blob as Buffer));
  for (const m of migrations) {
    if (m.version <= current) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    })();
    current = m.version;
  }
  return current;
}
