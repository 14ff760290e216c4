/**
 * The PostgreSQL media store's two-phase writes (pg-media.ts) on a real server: a staged image is
 * invisible until promoted, and promoted only while the entity's committed version is the staged
 * one (two replicas writing one product end with the image of the write committed last, whatever
 * order their promotions run in); start-up recovery, which every replica runs while others keep
 * writing, promotes committed stages, keeps young uncommitted ones (a live write's), drops stale
 * ones and the images of entities that are gone. PostgreSQL only.
 */
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { pgMediaStore, STALE_STAGE_S } from '../../src/store/pg-media.js';
import { openPgStore, type PgStore } from '../../src/store/pg-store.js';
import { dropSchema, freshSchema, PG_SKIP, PG_URL } from '../helpers/backends.js';
import { fakePng } from '../helpers/fake-embedder.js';
import { product } from '../store/fixtures.js';

const png = (s: string) => ({ bytes: fakePng(s), contentType: 'image/png' });
const is = (m: { bytes: Uint8Array } | undefined, s: string) => m !== undefined && Buffer.from(m.bytes).equals(fakePng(s));
const version = (s: string) => createHash('sha256').update(fakePng(s)).digest('hex');
const v = Float32Array.of(1, 0);

describe.skipIf(!PG_URL)(`PostgreSQL media store${PG_URL ? '' : ` (${PG_SKIP})`}`, () => {
  const open: Array<{ store: PgStore; schema: string }> = [];
  afterEach(async () => {
    for (const { store, schema } of open.splice(0)) {
      await store.close();
      await dropSchema(schema);
    }
  });
  async function fresh() {
    const schema = freshSchema();
    const store = await openPgStore({ url: PG_URL, schema, max: 4 });
    open.push({ store, schema });
    return { store, media: pgMediaStore(store.pools) };
  }
  const commit = (store: PgStore, id: string, mediaVersion: string) => store.upsertProducts([{ entity: product(id), vector: v, mediaVersion }], 'm');

  it('serves the old image until the committed stage is promoted; discard leaves nothing behind', async () => {
    const { store, media } = await fresh();
    const s1 = await media.stage('product', 'p1', png('v1'));
    expect(s1.version).toBe(version('v1'));
    await commit(store, 'p1', s1.version);
    await media.promote(s1);
    const s2 = await media.stage('product', 'p1', png('v2'));
    expect(is(await media.get('product', 'p1'), 'v1')).toBe(true);
    await commit(store, 'p1', s2.version);
    await media.promote(s2);
    expect(is(await media.get('product', 'p1'), 'v2')).toBe(true);
    await media.discard(await media.stage('product', 'p1', png('v3')));
    const { rows } = await store.pools.primary.query('SELECT count(*)::int AS n FROM media_staged');
    expect(rows[0].n).toBe(0);
  });

  it('of two concurrent writes, the one committed last is the image, whatever order promotions run in', async () => {
    const { store, media } = await fresh();
    const a = await media.stage('product', 'p1', png('a'));
    const b = await media.stage('product', 'p1', png('b'));
    await commit(store, 'p1', a.version);
    await commit(store, 'p1', b.version); // b committed last
    await media.promote(b);
    await media.promote(a); // a's late promotion must not overwrite b
    expect(is(await media.get('product', 'p1'), 'b')).toBe(true);
  });

  it('recovery promotes committed stages, keeps a live write, drops stale stages and orphans', async () => {
    const { store, media } = await fresh();
    const kept = await media.stage('product', 'kept', png('k1'));
    await commit(store, 'kept', kept.version);
    await media.promote(kept);
    const gone = await media.stage('product', 'gone', png('g1'));
    await commit(store, 'gone', gone.version);
    await media.promote(gone);
    await store.deleteProduct('gone'); // its media removal "cut short"
    const committed = await media.stage('product', 'kept', png('k2'));
    await commit(store, 'kept', committed.version); // the process died before promote
    const live = await media.stage('product', 'kept', png('k3')); // another replica, not committed yet
    const dead = await media.stage('product', 'kept', png('k4')); // died long ago before its commit
    await store.pools.primary.query(`UPDATE media_staged SET staged_at = now() - make_interval(secs => $1) WHERE token = $2`, [STALE_STAGE_S + 60, dead.token]);

    const r = await media.recover({ product: await store.mediaVersions('product'), post: await store.mediaVersions('post') });
    expect(r).toEqual({ promoted: 1, discarded: 1, orphans: 1 });
    expect(is(await media.get('product', 'kept'), 'k2')).toBe(true);
    expect(await media.get('product', 'gone')).toBeUndefined();
    const { rows } = await store.pools.primary.query<{ token: string }>('SELECT token FROM media_staged');
    expect(rows.map((x) => x.token)).toEqual([live.token]);
    // The live write then commits and promotes as usual.
    await commit(store, 'kept', live.version);
    await media.promote(live);
    expect(is(await media.get('product', 'kept'), 'k3')).toBe(true);
  });
});
