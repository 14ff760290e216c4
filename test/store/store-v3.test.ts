/**
 * The Store methods and migration added for issue 14 (items 1, 2, 11): the category taxonomy,
 * clicks by link pseudonym, and migration 3, which brings stored regions to their ISO form.
 * A second backend must pass the same expectations.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { MIGRATIONS, migrate } from '../../src/store/migrations.js';
import { describeBackends, type Backend, type TestStore } from '../helpers/backends.js';

const open: TestStore[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

// On every backend (PostgreSQL when TEST_DATABASE_URL is set); migration 3 below is SQLite's own.
describeBackends('store: categories and clicks by pseudonym', (backend: Backend) => {
  const fresh = async () => {
    const s = await backend.openStore();
    open.push(s);
    return s;
  };
  it('upserts categories whole and lists them by id', async () => {
    const s = await fresh();
    expect(await s.listCategories()).toEqual([]);
    await s.upsertCategories([{ id: 'vase', group: 'home' }, { id: 'supplements', group: 'health', sensitive: 'health' }]);
    await s.upsertCategories([{ id: 'vase', group: 'home', sensitive: 'health' }, { id: 'supplements' }]);
    expect(await s.listCategories()).toEqual([{ id: 'supplements' }, { id: 'vase', group: 'home', sensitive: 'health' }]);
  });

  it("lists one pseudonym's clicks, oldest first, and nobody else's", async () => {
    const s = await fresh();
    const click = (at: string, productId: string, userRef: string | null) =>
      s.recordClick({ at, productId, merchant: 'm', network: 'utm', creatorCode: null, userRef });
    await click('2026-05-02T00:00:00Z', 'p2', 'ref-a');
    await click('2026-05-01T00:00:00Z', 'p1', 'ref-a');
    await click('2026-05-01T12:00:00Z', 'p3', 'ref-b');
    await click('2026-05-01T13:00:00Z', 'p4', null);
    expect((await s.clicksByUserRef('ref-a')).map((c) => [c.productId, c.userRef])).toEqual([['p1', 'ref-a'], ['p2', 'ref-a']]);
    expect(await s.clicksByUserRef('ref-c')).toEqual([]);
  });
});

describe('migration 3', () => {
  it('creates the taxonomy table and stores regions in their ISO form (EL as GR, UK as GB)', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'store-v3-')), 'store.db');
    const db = new Database(path);
    migrate(db, MIGRATIONS.filter((m) => m.version <= 2));
    const add = db.prepare("INSERT INTO users (id, display_name, region, age_band) VALUES (?, '', ?, '25-34')");
    for (const [id, region] of [['a', 'EL'], ['b', 'uk'], ['c', 'de'], ['d', 'FR']]) add.run(id, region);
    expect(migrate(db)).toBe(MIGRATIONS.at(-1)!.version);
    expect(db.prepare('SELECT id, region FROM users ORDER BY id').all()).toEqual([
      { id: 'a', region: 'GR' }, { id: 'b', region: 'GB' }, { id: 'c', region: 'DE' }, { id: 'd', region: 'FR' },
    ]);
    expect(db.prepare('SELECT COUNT(*) AS n FROM categories').get()).toEqual({ n: 0 });
    db.close();
  });
});
