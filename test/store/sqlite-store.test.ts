import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../src/store/migrations.js';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite-store.js';
import { creator, post, product } from './fixtures.js';

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

describe('sqlite store: catalog', () => {
  it('upserts, reads copies, replaces and deletes products with their vectors', async () => {
    const s = fresh();
    const v = new Float32Array([1, 0]);
    await s.upsertProducts([{ entity: product('p1'), vector: v }, { entity: product('p2', { price: 10 }), vector: v }], 'm');
    const p1 = (await s.getProduct('p1'))!;
    p1.title = 'mutated';
    expect((await s.getProduct('p1'))!.title).toBe('Linen dress p1');
    await s.upsertProducts([{ entity: product('p2', { price: 12 }), vector: v }], 'm');
    expect((await s.getProduct('p2'))!.price).toBe(12);
    expect([...(await s.getProducts(['p2', 'nope', 'p1'])).keys()].sort()).toEqual(['p1', 'p2']);
    expect((await s.allVectors('product', 'm')).map((x) => x.id)).toEqual(['p1', 'p2']);
    expect(await s.deleteProduct('p1')).toBe(true);
    expect(await s.deleteProduct('p1')).toBe(false);
    expect(await s.getProduct('p1')).toBeUndefined();
    expect((await s.allVectors('product', 'm')).map((x) => x.id)).toEqual(['p2']);
    expect((await s.listProducts()).map((p) => p.id)).toEqual(['p2']);
  });

  it('keeps posts per creator newest first, and deleting a creator drops posts, vectors and follows', async () => {
    const s = fresh();
    await s.upsertCreators([creator('c1'), creator('c2')]);
    const v = new Float32Array([1]);
    await s.upsertPosts('c1', [{ entity: post('a', 'c1', { postedAt: '2026-01-01T00:00:00Z' }), vector: v }, { entity: post('b', 'c1', { postedAt: '2026-02-01T00:00:00Z' }), vector: v }], 'm');
    await s.upsertPosts('c2', [{ entity: post('x', 'c2'), vector: v }], 'm');
    await expect(s.upsertPosts('ghost', [{ entity: post('z', 'ghost'), vector: v }], 'm')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await s.listPosts(['c1'])).map((p) => p.id)).toEqual(['b', 'a']);
    await s.upsertUser({ id: 'u1', displayName: 'U', region: 'DE', ageBand: '25-34' });
    await s.setFollows('u1', ['c2', 'c1']);
    expect(await s.getFollows('u1')).toEqual(['c2', 'c1']);
    expect(await s.deleteCreator('c1')).toBe(true);
    expect(await s.getFollows('u1')).toEqual(['c2']);
    expect(await s.listPosts(['c1', 'c2'])).toHaveLength(1);
    expect((await s.allVectors('post', 'm')).map((x) => x.id)).toEqual(['x']);
    expect(await s.counts()).toEqual({ products: 0, creators: 1, posts: 1, users: 1 });
  });

  it('rejects follows of unknown users or creators', async () => {
    const s = fresh();
    await expect(s.setFollows('nobody', [])).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await s.upsertUser({ id: 'u1', displayName: 'U', region: 'DE', ageBand: '25-34' });
    await expect(s.setFollows('u1', ['ghost'])).rejects.toMatchObject({ code: 'VALIDATION_FAILED', details: [{ path: 'creatorIds.0' }] });
  });
});

describe('sqlite store: vectors', () => {
  it('round-trips Float32 vectors, including from unaligned buffers, and caches by model + hash', async () => {
    const s = fresh();
    const backing = new Float32Array([9, 0.25, -1.5, 3]);
    const view = backing.subarray(1); // byteOffset 4
    await s.putCachedEmbedding('m1', 'h1', view);
    expect(Array.from((await s.getCachedEmbedding('m1', 'h1'))!)).toEqual([0.25, -1.5, 3]);
    expect(await s.getCachedEmbedding('m2', 'h1')).toBeUndefined();
    await s.upsertProducts([{ entity: product('p1'), vector: view }], 'm1');
    await s.upsertProducts([{ entity: product('p1'), vector: new Float32Array([7]) }], 'm2');
    expect(Array.from((await s.getVectors('product', ['p1', 'px'], 'm1')).get('p1')!)).toEqual([0.25, -1.5, 3]);
    expect((await s.allVectors('product', 'm2')).map((v) => [v.id, Array.from(v.vector)])).toEqual([['p1', [7]]]);
  });
});

describe('sqlite store: vector counts', () => {
  it('counts vectors per kind and model', async () => {
    const s = fresh();
    const one = new Float32Array([1]);
    await s.upsertProducts([{ entity: product('a'), vector: one }, { entity: product('b'), vector: one }], 'm1');
    await s.upsertProducts([{ entity: product('a'), vector: one }], 'm2');
    await s.upsertCreators([creator('c1')]);
    await s.upsertPosts('c1', [{ entity: post('x', 'c1'), vector: one }], 'm1');
    expect(await s.countVectors('product', 'm1')).toBe(2);
    expect(await s.countVectors('post', 'm2')).toBe(0);
  });
});

describe('sqlite store: merchants, link codes and pseudonyms', () => {
  it('stores merchants and counts a merchant\'s products per network', async () => {
    const s = fresh();
    await s.upsertMerchants([{ id: 'm-test', name: 'Test', network: 'utm', settings: {} }]);
    await s.upsertMerchants([{ id: 'm-test', name: 'Renamed', network: 'utm', settings: { source: 'x' } }]);
    expect(await s.listMerchants()).toEqual([{ id: 'm-test', name: 'Renamed', network: 'utm', settings: { source: 'x' } }]);
    await s.upsertProducts([{ entity: product('p1'), vector: new Float32Array([1]) }], 'm');
    expect(await s.productNetworks('m-test')).toEqual(new Map([['utm', 1]]));
    expect(await s.productNetworks('m-none')).toEqual(new Map());
  });

  it('gives each creator a random code that updates keep and removal retires', async () => {
    const s = fresh();
    await s.upsertCreators([creator('c1'), creator('c2')]);
    const codes = await s.creatorCodes(['c1', 'c2', 'ghost']);
    expect([...codes.keys()].sort()).toEqual(['c1', 'c2']);
    expect(codes.get('c1')).toMatch(/^[0-9a-f]{16}$/);
    expect(codes.get('c1')).not.toBe(codes.get('c2'));
    await s.upsertCreators([creator('c1', { displayName: 'New name' })]);
    expect((await s.creatorCodes(['c1'])).get('c1')).toBe(codes.get('c1'));
    expect((await s.creatorByCode(codes.get('c1')!))?.displayName).toBe('New name');
    await s.deleteCreator('c1');
    expect(await s.creatorByCode(codes.get('c1')!)).toBeUndefined();
    await s.upsertCreators([creator('c1')]);
    expect((await s.creatorCodes(['c1'])).get('c1')).not.toBe(codes.get('c1'));
  });

  it('gives each shopper a random link pseudonym that erasure retires; a new shopper with the same id gets another', async () => {
    const s = fresh();
    await s.upsertUser({ id: 'u1', displayName: 'U', region: 'DE', ageBand: '25-34' });
    const ref = (await s.linkRefOf('u1'))!;
    expect(ref).toMatch(/^[\w-]{20,}$/);
    expect(ref).not.toContain('u1');
    await s.upsertUser({ id: 'u1', displayName: 'Renamed', region: 'DE', ageBand: '25-34' });
    expect(await s.linkRefOf('u1')).toBe(ref);
    expect(await s.userOfLinkRef(ref)).toBe('u1');
    await s.recordClick({ at: '2026-05-01T00:00:00Z', productId: 'p1', merchant: 'm', network: 'utm', creatorCode: null, userRef: ref });
    expect(await s.eraseUser('u1')).toBe(true);
    expect(await s.userOfLinkRef(ref)).toBeUndefined();
    expect((await s.listClicks())[0]!.userRef).toBeNull();
    await s.upsertUser({ id: 'u1', displayName: 'U', region: 'DE', ageBand: '25-34' });
    expect(await s.linkRefOf('u1')).not.toBe(ref);
  });

  it('deletes one post of its own creator with its vector', async () => {
    const s = fresh();
    await s.upsertCreators([creator('c1'), creator('c2')]);
    const v = new Float32Array([1]);
    await s.upsertPosts('c1', [{ entity: post('a', 'c1'), vector: v }, { entity: post('b', 'c1'), vector: v }], 'm');
    expect(await s.deletePost('c2', 'a')).toBe(false);
    expect(await s.deletePost('c1', 'a')).toBe(true);
    expect(await s.getPost('a')).toBeUndefined();
    expect((await s.allVectors('post', 'm')).map((x) => x.id)).toEqual(['b']);
  });

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
