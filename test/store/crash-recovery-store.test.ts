/**
 * What start-up recovery reads from the store (migration 5): the checksum beside every vector,
 * the media version committed with every product and post, and the meta markers.
 */
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { vectorChecksum } from '../../src/embed/vectors.js';
import { MIGRATIONS, migrate } from '../../src/store/migrations.js';
import { toBlob } from '../../src/store/vector-blob.js';
import { describeBackends, type TestStore } from '../helpers/backends.js';
import { creator, post, product } from './fixtures.js';

const v = (...xs: number[]) => Float32Array.from(xs);

describe('sqlite store: what crash recovery reads', () => {
  it('migration 5 backfills the checksum of every vector written before it', () => {
    const db = new Database(':memory:');
    migrate(db, MIGRATIONS.filter((m) => m.version < 5));
    db.prepare("INSERT INTO products (id, category, merchant, price, data) VALUES ('p1', 'dress', 'm', 1, '{}')").run();
    db.prepare("INSERT INTO entity_vectors (kind, id, model_id, vector) VALUES ('product', 'p1', 'm', ?)").run(toBlob(v(0.6, 0.8)));
    migrate(db);
    expect(db.prepare('SELECT checksum FROM entity_vectors').get()).toEqual({ checksum: vectorChecksum(v(0.6, 0.8)) });
    expect(db.prepare('SELECT media_version FROM products').get()).toEqual({ media_version: null });
    db.close();
  });
});

describeBackends('store: what crash recovery reads', (backend) => {
  const open: TestStore[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
  });
  const fresh = async () => {
    const s = await backend.openStore();
    open.push(s);
    return s;
  };

  it('keeps vector checksums and media versions in step with every write and delete', async () => {
    const s = await fresh();
    await s.upsertProducts([{ entity: product('p1'), vector: v(1, 0), mediaVersion: 'a'.repeat(64) }, { entity: product('p2'), vector: v(0, 1) }], 'm');
    expect(await s.vectorChecksums('product', 'm')).toEqual(new Map([['p1', vectorChecksum(v(1, 0))], ['p2', vectorChecksum(v(0, 1))]]));
    await s.upsertProducts([{ entity: product('p1'), vector: v(0.6, 0.8), mediaVersion: 'b'.repeat(64) }], 'm');
    expect((await s.vectorChecksums('product', 'm')).get('p1')).toBe(vectorChecksum(v(0.6, 0.8)));
    expect(await s.mediaVersions('product')).toEqual(new Map([['p1', 'b'.repeat(64)], ['p2', null]]));
    await s.deleteProduct('p2');
    expect([...(await s.vectorChecksums('product', 'm')).keys()]).toEqual(['p1']);
    expect([...(await s.mediaVersions('product')).keys()]).toEqual(['p1']);
    expect((await s.vectorChecksums('product', 'other-model')).size).toBe(0);

    await s.upsertCreators([creator('c1')]);
    await s.upsertPosts('c1', [{ entity: post('c1-a', 'c1'), vector: v(1, 0), mediaVersion: 'c'.repeat(64) }], 'm');
    expect(await s.mediaVersions('post')).toEqual(new Map([['c1-a', 'c'.repeat(64)]]));
    expect((await s.vectorChecksums('post', 'm')).get('c1-a')).toBe(vectorChecksum(v(1, 0)));
    await s.deleteCreator('c1');
    expect((await s.mediaVersions('post')).size).toBe(0);
  });

  it('stores meta markers', async () => {
    const s = await fresh();
    expect(await s.getMeta('world_load')).toBeUndefined();
    await s.setMeta('world_load', 'started');
    await s.setMeta('world_load', 'done');
    expect(await s.getMeta('world_load')).toBe('done');
  });
});
