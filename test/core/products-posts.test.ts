/**
 * The product and post write commands through the real service (fake embedder, temp folders):
 * per-item results, the embedding cache, image rules and media copies.
 */
import { readdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { mediaFileName } from '../../src/store/media-files.js';
import { createFakeEmbedder, fakePng, type FakeEmbedder } from '../helpers/fake-embedder.js';
import { testService, type TestServiceOptions } from '../helpers/service.js';
import { creator, post, product } from '../store/fixtures.js';

const pixels = async (bytes: Uint8Array) => [...(await sharp(bytes).raw().toBuffer())];

/** The service with a fake embedder that counts calls, embedding 4 items per call. */
async function rig(o: TestServiceOptions = {}) {
  const embedder: FakeEmbedder = createFakeEmbedder({ dimension: 16 });
  const t = await testService({ embedder, ...o, env: { EMBED_BATCH: '4', ...o.env } });
  return { ...t, embedder, media: t.service.media, productIndex: t.service.productIndex };
}

describe('upsertProducts', () => {
  it('saves the good items when others in the batch are bad, with a per-item error each', async () => {
    const r = await rig();
    const items = [
      product('good1', { image: r.image('images/products/good1.png') }),
      { ...product('noprice'), price: 'cheap' },
      product('undecodable', { image: r.image('images/products/bad.png', Buffer.from('not an image at all')) }),
      product('missing', { image: 'images/products/nope.png' }),
      product('good2', { image: r.image('images/products/good2.png') }),
      42,
    ];
    const results = await r.commands.upsertProducts(items);
    expect(results.map((x) => [x.id, x.ok ? 'ok' : x.error.code])).toEqual([
      ['good1', 'ok'], ['noprice', 'VALIDATION_FAILED'], ['undecodable', 'IMAGE_UNREADABLE'],
      ['missing', 'IMAGE_UNREADABLE'], ['good2', 'ok'], ['#5', 'VALIDATION_FAILED'],
    ]);
    expect(results[1]).toMatchObject({ error: { message: expect.stringContaining('items.1.price') } });
    expect((await r.store.listProducts()).map((p) => p.id)).toEqual(['good1', 'good2']);
    expect(r.productIndex.size()).toBe(2);
    expect([...(await r.store.getVectors('product', ['good1', 'good2', 'undecodable'], r.embedder.modelId)).keys()].sort()).toEqual(['good1', 'good2']);
    const media = await r.media.get('product', 'good1');
    expect(media?.contentType).toBe('image/png');
    // Stored re-encoded (never the client's bytes), with exactly the pixels that were sent.
    expect(Buffer.from(media!.bytes).equals(fakePng('images/products/good1.png'))).toBe(false);
    expect(await pixels(media!.bytes)).toEqual(await pixels(fakePng('images/products/good1.png')));
    expect(await r.media.get('product', 'undecodable')).toBeUndefined();
  });

  it('embeds nothing on a second ingest of unchanged content, and only the text when a title changes', async () => {
    const r = await rig();
    const items = [1, 2, 3, 4, 5].map((i) => product(`p${i}`, { image: r.image(`images/products/p${i}.png`) }));
    await r.commands.upsertProducts(items);
    expect(r.embedder.imagesEmbedded).toBe(5);
    expect(r.embedder.textsEmbedded).toBe(5);
    const before = { images: r.embedder.imageCalls, texts: r.embedder.textCalls };
    const again = await r.commands.upsertProducts(items);
    expect(again.every((x) => x.ok)).toBe(true);
    expect({ images: r.embedder.imageCalls, texts: r.embedder.textCalls }).toEqual(before);
    await r.commands.upsertProducts([{ ...items[0]!, title: 'Velvet blazer' }]);
    expect(r.embedder.imagesEmbedded).toBe(5);
    expect(r.embedder.textsEmbedded).toBe(6);
  });

  it('rejects an image path that escapes the world folder', async () => {
    const r = await rig();
    const results = await r.commands.upsertProducts([product('esc', { image: '../store.db' }), product('abs', { image: '/etc/passwd' })]);
    expect(results.map((x) => !x.ok && x.error.code)).toEqual(['VALIDATION_FAILED', 'VALIDATION_FAILED']);
    expect(results[0]).toMatchObject({ error: { message: expect.stringContaining('inside') } });
    expect(r.embedder.imageCalls).toBe(0);
  });

  it('fetches http(s) images only from allowlisted hosts, and serves data: URL images from media', async () => {
    const fetched: string[] = [];
    const r = await rig({
      env: { ALLOWED_IMAGE_HOSTS: 'img.example' },
      fetchImage: async (url) => {
        fetched.push(url.href);
        return fakePng(url.href);
      },
    });
    const dataUrl = `data:image/png;base64,${fakePng('inline').toString('base64')}`;
    const results = await r.commands.upsertProducts([
      product('remote-ok', { image: 'https://img.example/a.png' }),
      product('remote-no', { image: 'https://evil.example/a.png' }),
      product('inline', { image: dataUrl }),
    ]);
    expect(results.map((x) => (x.ok ? 'ok' : x.error.code))).toEqual(['ok', 'IMAGE_HOST_NOT_ALLOWED', 'ok']);
    expect(fetched).toEqual(['https://img.example/a.png']);
    expect((await r.store.getProduct('inline'))!.image).toBe('/media/products/inline');
    expect((await r.media.get('product', 'inline'))!.contentType).toBe('image/png');
  });
});

describe('upsertPosts', () => {
  it('stores fused post vectors, taking the owner from the path', async () => {
    const r = await rig();
    await expect(r.commands.upsertPosts('ghost', [])).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await r.commands.upsertCreators([creator('c1'), { id: '' }]);
    const { creatorId: _omit, ...noOwner } = post('a', 'c1', { image: r.image('images/posts/a.png') });
    const results = await r.commands.upsertPosts('c1', [noOwner, post('b', 'c2', { image: r.image('images/posts/b.png') })]);
    expect(results.map((x) => (x.ok ? 'ok' : x.error.code))).toEqual(['ok', 'VALIDATION_FAILED']);
    expect((await r.store.listPosts(['c1'])).map((p) => [p.id, p.creatorId])).toEqual([['a', 'c1']]);
    const vectors = await r.store.allVectors('post', r.embedder.modelId);
    expect(vectors.map((x) => x.id)).toEqual(['a']);
    expect(Math.hypot(...vectors[0]!.vector)).toBeCloseTo(1, 5);
    expect((await r.media.get('post', 'a'))?.contentType).toBe('image/png');
  });
});

describe('media copies', () => {
  it('survive duplicate ids in one batch; ids are never paths, and files are named by a hash', async () => {
    const r = await rig();
    const img = r.image('images/products/x.png');
    const results = await r.commands.upsertProducts([product('dup', { image: img }), product('dup', { image: img }), product('../../evil', { image: img })]);
    expect(results.map((x) => x.ok)).toEqual([true, true, false]);
    expect(results[2]).toMatchObject({ id: '#2', error: { code: 'VALIDATION_FAILED' } });
    expect((await r.media.get('product', 'dup'))?.contentType).toBe('image/png');
    if (r.service.backend === 'sqlite') {
      expect(readdirSync(r.config.DATA_DIR).sort()).toEqual(['index', 'media', 'store.db', 'store.db-shm', 'store.db-wal']);
      expect(readdirSync(join(r.config.DATA_DIR, 'media', 'products'))).toEqual([mediaFileName('product', 'dup')]);
    }
  });

  // The media folder's own history: PostgreSQL keeps media as bytea and never had such a folder.
  it.skipIf(process.env.TEST_BACKEND === 'postgres')('still serve (and then replace) files a folder from before hashed names holds', async () => {
    const r = await rig();
    const img = r.image('images/products/x.png');
    expect((await r.commands.upsertProducts([product('old.1', { image: img })]))[0]!.ok).toBe(true);
    const dir = join(r.config.DATA_DIR, 'media', 'products');
    // What an old folder looked like: the percent-encoded id (dots escaped) and a .type file.
    renameSync(join(dir, mediaFileName('product', 'old.1')), join(dir, 'old%2E1'));
    writeFileSync(join(dir, 'old%2E1.type'), 'image/png');
    expect((await r.media.get('product', 'old.1'))?.contentType).toBe('image/png');
    await r.media.promote(await r.media.stage('product', 'old.1', { bytes: fakePng('new'), contentType: 'image/png' }));
    expect(readdirSync(dir)).toEqual([mediaFileName('product', 'old.1')]);
    await r.media.remove('product', 'old.1');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('never serve stored bytes that are not a raster image (an old folder\'s HTML "image", a row written around the service)', async () => {
    const r = await rig();
    const img = r.image('images/products/x.png');
    expect((await r.commands.upsertProducts([product('p1', { image: img })]))[0]!.ok).toBe(true);
    const html = '<svg onload="alert(1)"/>';
    if (r.service.pg) await r.service.pg.pools.primary.query("UPDATE media SET bytes = $1, content_type = 'image/png' WHERE kind = 'product' AND id = 'p1'", [Buffer.from(html)]);
    else writeFileSync(join(r.config.DATA_DIR, 'media', 'products', mediaFileName('product', 'p1')), html);
    expect(await r.media.get('product', 'p1')).toBeUndefined();
  });
});
