/** PostgreSQL migrations: versioned, applied once even by replicas starting together, never downgraded. PostgreSQL only. */
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
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

  it('a store opens at the latest version, and two stores opening one fresh schema at once both succeed', async () => {
    const schema = freshSchema();
    schemas.push(schema);
    const [a, b] = await Promise.all([openPgStore({ url: PG_URL, schema, max: 2 }), openPgStore({ url: PG_URL, schema, max: 2 })]);
    expect(a.schemaVersion).toBe(PG_MIGRATIONS.at(-1)!.version);
    expect(b.schemaVersion).toBe(a.schemaVersion);
    await Promise.all([a.close(), b.close()]);
  });
});
