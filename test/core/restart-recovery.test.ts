/**
 * Start-up after a crash inside a product write (issue 14, item 7), in-process: the store holds
 * what it committed and the index and media folder are left as a kill -9 leaves them. The next
 * start makes both agree with the store. Before, an index whose entry count still matched was
 * trusted with stale vectors on every restart (1,000 of 1,000 after a killed update batch).
 * The same windows are tried with a real server and real SIGKILLs by `npm run test:crash`.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fuse } from '../../src/embed/fusion.js';
import { toRaster } from '../../src/ingest/raster.js';
import { silentLogger } from '../../src/log.js';
import { createService, type Service } from '../../src/service.js';
import { openSqliteStore } from '../../src/store/sqlite-store.js';
import { fileMediaStore, mediaFileName } from '../../src/store/media-files.js';
import { createFakeEmbedder, fakePng } from '../helpers/fake-embedder.js';
import { testService } from '../helpers/service.js';
import { product } from '../store/fixtures.js';

const DIM = 16;
const embedder = () => createFakeEmbedder({ dimension: DIM });
/** Services started by `restart`, closed after the file's tests. */
const live: Service[] = [];
afterAll(async () => {
  for (const s of live) await s.close();
});

/** A service whose first life wrote 20 products and shut down cleanly. */
async function afterFirstLife() {
  const t = await testService({ embedder: embedder() });
  const items = Array.from({ length: 20 }, (_, i) => product(`p${i}`, { image: t.image(`images/products/p${i}.png`) }));
  expect((await t.commands.upsertProducts(items)).every((r) => r.ok)).toBe(true);
  await t.service.close();
  const restart = async () => {
    const s = await createService(t.config, { embedder: embedder(), log: silentLogger });
    live.push(s);
    return s;
  };
  return { t, restart, modelId: t.service.embedder.modelId };
}

/** Every stored product's index entry is its stored vector. */
async function indexAgreesWithStore(s: Service): Promise<{ products: number; wrong: string[] }> {
  const products = await s.store.listProducts();
  const vectors = await s.store.getVectors('product', products.map((p) => p.id), s.embedder.modelId);
  const wrong = products.filter((p) => {
    const hit = s.productIndex.search(vectors.get(p.id)!, 1, (id) => id === p.id)[0];
    return !hit || hit.score < 0.9999;
  });
  return { products: products.length, wrong: wrong.map((p) => p.id) };
}

describe('start-up after a crash inside a product write', () => {
  it('rewrites index entries the store committed after the last flush (updates, inserts, deletes)', async () => {
    const { t, restart, modelId } = await afterFirstLife();
    // Killed after the store commit, before the index flush: three updates, one insert, one delete.
    const store = openSqliteStore({ path: join(t.config.DATA_DIR, 'store.db') });
    const moved = (seed: string) => fuse(bytesVector(seed), bytesVector(`${seed}-t`), { imageWeight: 0.7, textWeight: 0.3 });
    await store.upsertProducts(['p1', 'p2', 'p3', 'new'].map((id) => ({ entity: product(id, { title: `${id} v2` }), vector: moved(id) })), modelId);
    await store.deleteProduct('p4');
    await store.close();

    const s = await restart();
    expect(await indexAgreesWithStore(s)).toEqual({ products: 20, wrong: [] });
    expect(s.productIndex.size()).toBe(20);
    expect(s.productIndex.has('p4')).toBe(false);
    const found = await s.core.search({ image: `data:image/png;base64,${fakePng('anything').toString('base64')}`, limit: 50 });
    expect(found.items.map((i) => i.product.id)).not.toContain('p4');
    expect((await s.core.similar('new', 5)).items.length).toBe(5);
  });

  it('promotes media the store committed, drops media it did not, and removes orphans and temp files', async () => {
    const { t, restart, modelId } = await afterFirstLife();
    const media = fileMediaStore(join(t.config.DATA_DIR, 'media'));
    const store = openSqliteStore({ path: join(t.config.DATA_DIR, 'store.db') });
    // p1: new image staged and committed, killed before the promotion.
    const committed = await media.stage('product', 'p1', { bytes: fakePng('p1-v2'), contentType: 'image/png' });
    const [v1] = (await store.getVectors('product', ['p1'], modelId)).values();
    await store.upsertProducts([{ entity: product('p1', { title: 'p1 v2' }), vector: v1!, mediaVersion: committed.version }], modelId);
    // p2: new image staged, killed before the store commit.
    await media.stage('product', 'p2', { bytes: fakePng('p2-v2'), contentType: 'image/png' });
    // p3: removed from the store, killed before its image was deleted.
    await store.deleteProduct('p3');
    await store.close();

    const s = await restart();
    expect(Buffer.from((await s.core.media('product', 'p1')).bytes).equals(fakePng('p1-v2'))).toBe(true);
    // p2 keeps the image its first life stored: the service's own re-encoding of the world file.
    expect(Buffer.from((await s.core.media('product', 'p2')).bytes).equals((await toRaster(fakePng('images/products/p2.png'))).bytes)).toBe(true);
    const files = readdirSync(join(t.config.DATA_DIR, 'media', 'products'));
    expect(files.filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(files).not.toContain(mediaFileName('product', 'p3'));
    expect(files.filter((f) => !f.endsWith('.type'))).toHaveLength(19);
  });
});

/** The fake embedder's image vector for `seed` (a stand-in for "some other vector"). */
function bytesVector(seed: string): Float32Array {
  let s = [...seed].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7);
  const v = Float32Array.from({ length: DIM }, () => (s = (s * 1664525 + 1013904223) >>> 0) / 0xffffffff - 0.5);
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}
