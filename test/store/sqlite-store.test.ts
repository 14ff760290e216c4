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
    await s.upsertProducts([product('p1')]);
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
    await s.upsertProducts([product('p1'), product('p2', { price: 10 })]);
    const p1 = (await s.getProduct('p1'))!;
    p1.title = 'mutated';
    expect((await s.getProduct('p1'))!.title).toBe('Linen dress p1');
    await s.upsertProducts([product('p2', { price: 12 })]);
    expect((await s.getProduct('p2'))!.price).toBe(12);
    expect([...(await s.getProducts(['p2', 'nope', 'p1'])).keys()].sort()).toEqual(['p1', 'p2']);
    await s.setVector('product', 'p1', 'm', new Float32Array([1, 0]));
    expect(await s.deleteProduct('p1')).toBe(true);
    expect(await s.deleteProduct('p1')).toBe(false);
    expect(await s.getProduct('p1')).toBeUndefined();
    expect(await s.allVectors('product', 'm')).toEqual([]);
    expect((await s.listProducts()).map((p) => p.id)).toEqual(['p2']);
  });

  it('keeps posts per creator newest first, and deleting a creator drops posts, vectors and follows', async () => {
    const s = fresh();
    await s.upsertCreators([creator('c1'), creator('c2')]);
    await s.upsertPosts('c1', [post('a', 'c1', { postedAt: '2026-01-01T00:00:00Z' }), post('b', 'c1', { postedAt: '2026-02-01T00:00:00Z' })]);
    await s.upsertPosts('c2', [post('x', 'c2')]);
    await expect(s.upsertPosts('ghost', [post('z', 'ghost')])).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await s.listPosts(['c1'])).map((p) => p.id)).toEqual(['b', 'a']);
    await s.setVector('post', 'a', 'm', new Float32Array([1]));
    await s.upsertUser({ id: 'u1', displayName: 'U', region: 'DE', ageBand: '25-34' });
    await s.setFollows('u1', ['c2', 'c1']);
    expect(await s.getFollows('u1')).toEqual(['c2', 'c1']);
    expect(await s.deleteCreator('c1')).toBe(true);
    expect(await s.getFollows('u1')).toEqual(['c2']);
    expect(await s.listPosts(['c1', 'c2'])).toHaveLength(1);
    expect(await s.allVectors('post', 'm')).toEqual([]);
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
    await s.setVector('product', 'p1', 'm1', view);
    await s.setVector('product', 'p1', 'm2', new Float32Array([7]));
    expect(Array.from((await s.getVectors('product', ['p1', 'px'], 'm1')).get('p1')!)).toEqual([0.25, -1.5, 3]);
    expect((await s.allVectors('product', 'm2')).map((v) => [v.id, Array.from(v.vector)])).toEqual([['p1', [7]]]);
  });
});

describe('sqlite store: vector counts', () => {
  it('counts vectors per kind and model', async () => {
    const s = fresh();
    await s.setVector('product', 'a', 'm1', new Float32Array([1]));
    await s.setVector('product', 'b', 'm1', new Float32Array([1]));
    await s.setVector('product', 'a', 'm2', new Float32Array([1]));
    await s.setVector('post', 'x', 'm1', new Float32Array([1]));
    expect(await s.countVectors('product', 'm1')).toBe(2);
    expect(await s.countVectors('post', 'm2')).toBe(0);
  });
});
