/** SQLite-only checks (WAL, its migration history); the shared Store contract is contract.test.ts. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../src/store/migrations.js';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite-store.js';
import { product } from './fixtures.js';

const open: SqliteStore[] = [];
function fresh(path = ':memory:') {
  const s = openSqliteStore({ path });
  open.push(s);
  return s;
}
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

describe('sqlite store: schema', () => {
  it('migrates an empty file to the latest version in WAL mode, and reopening is a no-op', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'store-')), 'sub', 'store.db');
    const s = fresh(path);
    expect(s.schemaVersion).toBe(MIGRATIONS.at(-1)!.version);
    await s.upsertProducts([{ entity: product('p1'), vector: new Float32Array([1, 0]) }], 'm');
    await s.close();
    const raw = new Database(path, { readonly: true });
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(raw.pragma('user_version', { simple: true })).toBe(MIGRATIONS.at(-1)!.version);
    raw.close();
    const again = fresh(path);
    expect((await again.counts()).products).toBe(1);
  });
});

describe('sqlite store: deletes use an index', () => {
  // Regression: the vectors' primary key is (kind, model_id, id), so deleting by (kind, id) scanned
  // every product's vector (~35 ms per product delete at 100k products, on the event loop).
  it('finds the vectors of one product or post without a scan of the table', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'store-')), 'store.db');
    fresh(path);
    const raw = new Database(path, { readonly: true });
    const plan = raw
      .prepare('EXPLAIN QUERY PLAN DELETE FROM entity_vectors WHERE kind = ? AND id = ?')
      .all('product', 'p1')
      .map((r) => (r as { detail: string }).detail)
      .join('; ');
    raw.close();
    expect(plan).toMatch(/USING (COVERING )?INDEX entity_vectors_by_id \(kind=\? AND id=\?\)/);
  });
});

describe('sqlite store: migrations', () => {
  it('applies only the missing migrations, and refuses a database from a newer build', async () => {
    const { migrate } = await import('../../src/store/migrations.js');
    const db = new Database(':memory:');
    const steps = [
      { version: 1, description: 'a', sql: 'CREATE TABLE a (x)' },
      { version: 2, description: 'b', sql: 'CREATE TABLE b (x)' },
    ];
    expect(migrate(db, steps.slice(0, 1))).toBe(1);
    expect(migrate(db, steps)).toBe(2); // would throw "table a already exists" if re-run
    expect(() => migrate(db, steps.slice(0, 1))).toThrow(/newer than this build/);
    db.close();
  });
});

describe('sqlite store: migration history', () => {
  it('migration 2 links existing clicks by the new pseudonyms and codes existing creators', async () => {
    const { migrate, MIGRATIONS: all } = await import('../../src/store/migrations.js');
    const db = new Database(':memory:');
    migrate(db, all.slice(0, 1));
    db.prepare("INSERT INTO users (id, display_name, region, age_band) VALUES ('u1', 'U', 'DE', '25-34')").run();
    db.prepare("INSERT INTO creators (id, data) VALUES ('c1', '{}')").run();
    db.prepare("INSERT INTO clicks (at, product_id, merchant, network, creator_code, user_ref) VALUES ('2026-01-01', 'p', 'm', 'utm', NULL, 'u1'), ('2026-01-01', 'p', 'm', 'utm', NULL, 'gone')").run();
    migrate(db);
    const ref = (db.prepare('SELECT ref FROM link_refs WHERE user_id = ?').get('u1') as { ref: string }).ref;
    expect(db.prepare('SELECT user_ref FROM clicks ORDER BY seq').all()).toEqual([{ user_ref: ref }, { user_ref: null }]);
    expect((db.prepare('SELECT code FROM creators').get() as { code: string }).code).toMatch(/^[0-9a-f]{16}$/);
    db.close();
  });
});
