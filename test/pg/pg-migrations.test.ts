/** PostgreSQL migrations: versioned, applied once even by replicas starting together, never downgraded. PostgreSQL only. */
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { vectorChecksum } from '../../src/embed/vectors.js';
import { migratePg, PG_MIGRATIONS } from '../../src/store/pg-migrations.js';
import { openPgStore } from '../../src/store/pg-store.js';
import { dropSchema, freshSchema, PG_SKIP, PG_URL } from '../helpers/backends.js';

describe.skipIf(!PG_URL)(`PostgreSQL migrations${PG_URL ? '' : ` (${PG_SKIP})`}`, () => {
  const schemas: string[] = [];
  afterAll(async () => {
    for (const s of schemas) await dropSchema(s);
  });
  const pool = (schema: string) => new pg.Pool({ connectionString: PG_URL, max: 4, options: `-c search_path=${schema},public` });

  it('applies only the missing migrations, once, even when several processes migrate at once, and refuses a newer database', async () => {
    const schema = freshSchema();
    schemas.push(schema);
    const p = pool(schema);
    try {
      await p.query(`CREATE SCHEMA ${schema}`);
      const steps = [
        { version: 1, description: 'a', sql: 'CREATE TABLE a (x int)' },
        { version: 2, description: 'b', sql: 'CREATE TABLE b (x int)' },
      ];
      expect(await migratePg(p, steps.slice(0, 1))).toBe(1);
      // Four at once: the advisory lock lets one run version 2; "table b already exists" otherwise.
      expect(await Promise.all([1, 2, 3, 4].map(() => migratePg(p, steps)))).toEqual([2, 2, 2, 2]);
      expect((await p.query('SELECT version FROM schema_migrations ORDER BY version')).rows).toEqual([{ version: 1 }, { version: 2 }]);
      await expect(migratePg(p, steps.slice(0, 1))).rejects.toThrow(/newer than this build/);
    } finally {
      await p.end();
    }
  });

  it('migration 4 brings a version-3 database to SQLite migrations 3 and 4: ISO regions, demo off, old clicks without a dedupe key, an empty taxonomy', async () => {
    const schema = freshSchema();
    schemas.push(schema);
    const p = pool(schema);
    try {
      await p.query(`CREATE SCHEMA ${schema}`);
      await migratePg(p, PG_MIGRATIONS.filter((m) => m.version <= 3));
      for (const [id, region] of [['a', 'EL'], ['b', 'uk'], ['c', ' de '], ['d', 'FR']]) {
        await p.query("INSERT INTO users (id, display_name, region, age_band) VALUES ($1, '', $2, '25-34')", [id, region]);
      }
      await p.query("INSERT INTO clicks (product_id, at, merchant, network) VALUES ('p1', '2026-01-01T00:00:00.000Z', 'm', 'utm'), ('p1', '2026-01-02T00:00:00.000Z', 'm', 'utm')");
      expect(await migratePg(p)).toBe(PG_MIGRATIONS.at(-1)!.version);
      expect((await p.query('SELECT id, region, demo FROM users ORDER BY id')).rows).toEqual([
        { id: 'a', region: 'GR', demo: false }, { id: 'b', region: 'GB', demo: false }, { id: 'c', region: 'DE', demo: false }, { id: 'd', region: 'FR', demo: false },
      ]);
      expect((await p.query('SELECT count(*)::int AS n FROM clicks WHERE dedupe_key IS NULL')).rows).toEqual([{ n: 2 }]);
      expect((await p.query('SELECT count(*)::int AS n FROM categories')).rows).toEqual([{ n: 0 }]);
    } finally {
      await p.end();
    }
  });

  it('migration 5: a vector written before it has no stored checksum, and vectorChecksums computes it; media versions start null', async () => {
    const schema = freshSchema();
    schemas.push(schema);
    const p = pool(schema);
    try {
      await p.query(`CREATE SCHEMA ${schema}`);
      await migratePg(p, PG_MIGRATIONS.filter((m) => m.version <= 4));
      await p.query("INSERT INTO products (id, category, merchant, network, price, sensitive, data) VALUES ('p1', 'dress', 'm', 'utm', 1, false, '{}')");
      await p.query("INSERT INTO product_vectors (id, model_id, vector) VALUES ('p1', 'm', '[0.6,0.8]')");
    } finally {
      await p.end();
    }
    const s = await openPgStore({ url: PG_URL, schema, max: 2 });
    try {
      expect(s.created).toBe(false);
      expect(await s.vectorChecksums('product', 'm')).toEqual(new Map([['p1', vectorChecksum(Float32Array.of(0.6, 0.8))]]));
      expect(await s.mediaVersions('product')).toEqual(new Map([['p1', null]]));
    } finally {
      await s.close();
    }
  });

  it('a store opens at the latest version, and two stores opening one fresh schema at once both succeed (exactly one created it)', async () => {
    const schema = freshSchema();
    schemas.push(schema);
    const [a, b] = await Promise.all([openPgStore({ url: PG_URL, schema, max: 2 }), openPgStore({ url: PG_URL, schema, max: 2 })]);
    expect(a.schemaVersion).toBe(PG_MIGRATIONS.at(-1)!.version);
    expect(b.schemaVersion).toBe(a.schemaVersion);
    // Only the first start against a database loads WORLD_DIR (server.ts).
    expect([a.created, b.created].filter(Boolean)).toHaveLength(1);
    await Promise.all([a.close(), b.close()]);
  });
});
