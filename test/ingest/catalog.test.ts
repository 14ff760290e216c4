import { describe, expect, it } from 'vitest';
import { ingestPosts, ingestProducts } from '../../src/ingest/catalog.js';
import { readMedia } from '../../src/ingest/media.js';
import { ingestCreators } from '../../src/ingest/people.js';
import { fakePng } from '../helpers/fake-embedder.js';
import { creator, post, product } from '../store/fixtures.js';
import { ingestRig } from './helpers.js';

describe('ingestProducts', () => {
  it('saves the good items when others in the batch are bad, with a per-item error each', async () => {
    const r = ingestRig();
    const items = [
      product('good1', { image: r.image('images/products/good1.png') }),
      { ...product('noprice'), price: 'cheap' },
      product('undecodable', { image: r.image('images/products/bad.png', Buffer.from('not an image at all')) }),
      product('missing', { image: 'images/products/nope.png' }),
      product('good2', { image: r.image('images/products/good2.png') }),
      42,
    ];
    const results = await ingestProducts(items, r.deps);
    expect(results.map((x) => [x.id, x.ok ? 'ok' : x.error.code])).toEqual([
      ['good1', 'ok'], ['noprice', 'VALIDATION_FAILED'], ['undecodable', 'IMAGE_UNREADABLE'],
      ['missing', 'IMAGE_UNREADABLE'], ['good2', 'ok'], ['#5', 'VALIDATION_FAILED'],
    ]);
    expect(results[1]).toMatchObject({ error: { message: expect.stringContaining('items.1.price') } });
    expect((await r.store.listProducts()).map((p) => p.id)).toEqual(['good1', 'good2']);
    expect(r.productIndex.size()).toBe(2);
    expect([...(await r.store.getVectors('product', ['good1', 'good2', 'undecodable'], r.embedder.modelId)).keys()].sort()).toEqual(['good1', 'good2']);
    const media = await readMedia(r.deps.config.mediaDir, 'product', 'good1');
    expect(media?.contentType).toBe('image/png');
    expect(Buffer.from(media!.bytes).equals(fakePng('images/products/good1.png'))).toBe(true);
    expect(await readMedia(r.deps.config.mediaDir, 'product', 'undecodable')).toBeUndefined();
  });

  it('embeds nothing on a second ingest of unchanged content, and only the text when a title changes', async () => {
    const r = ingestRig();
    const items = [1, 2, 3, 4, 5].map((i) => product(`p${i}`, { image: r.image(`images/products/p${i}.png`) }));
    await ingestProducts(items, r.deps);
    expect(r.embedder.imagesEmbedded).toBe(5);
    expect(r.embedder.textsEmbedded).toBe(5);
    const before = { images: r.embedder.imageCalls, texts: r.embedder.textCalls };
    const again = await ingestProducts(items, r.deps);
    expect(again.every((x) => x.ok)).toBe(true);
    expect({ images: r.embedder.imageCalls, texts: r.embedder.textCalls }).toEqual(before);
    await ingestProducts([{ ...items[0]!, title: 'Velvet blazer' }], r.deps);
    expect(r.embedder.imagesEmbedded).toBe(5);
    expect(r.embedder.textsEmbedded).toBe(6);
  });

  it('rejects an image path that escapes the world folder', async () => {
    const r = ingestRig();
    const results = await ingestProducts([product('esc', { image: '../store.db' }), product('abs', { image: '/etc/passwd' })], r.deps);
    expect(results.map((x) => !x.ok && x.error.code)).toEqual(['VALIDATION_FAILED', 'VALIDATION_FAILED']);
    expect(results[0]).toMatchObject({ error: { message: expect.stringContaining('inside') } });
    expect(r.embedder.imageCalls).toBe(0);
  });

  it('fetches http(s) images only from allowlisted hosts, and serves data: URL images from media', async () => {
    const r = ingestRig({ allowedImageHosts: ['img.example'] });
    const fetched: string[] = [];
    r.deps.fetchImage = async (url) => {
      fetched.push(url.href);
      return fakePng(url.href);
    };
    const dataUrl = `data:image/png;base64,${fakePng('inline').toString('base64')}`;
    const results = await ingestProducts([
      product('remote-ok', { image: 'https://img.example/a.png' }),
      product('remote-no', { image: 'https://evil.example/a.png' }),
      product('inline', { image: dataUrl }),
    ], r.deps);
    expect(results.map((x) => (x.ok ? 'ok' : x.error.code))).toEqual(['ok', 'IMAGE_HOST_NOT_ALLOWED', 'ok']);
    expect(fetched).toEqual(['https://img.example/a.png']);
    expect((await r.store.getProduct('inline'))!.image).toBe('/media/products/inline');
    expect((await readMedia(r.deps.config.mediaDir, 'product', 'inline'))!.contentType).toBe('image/png');
  });
});

describe('ingestPosts', () => {
  it('stores and indexes fused post vectors, taking the owner from the path', async () => {
    const r = ingestRig();
    await expect(ingestPosts('ghost', [], r.deps)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await ingestCreators([creator('c1'), { id: '' }], r.deps);
    const { creatorId: _omit, ...noOwner } = post('a', 'c1', { image: r.image('images/posts/a.png') });
    const results = await ingestPosts('c1', [noOwner, post('b', 'c2', { image: r.image('images/posts/b.png') })], r.deps);
    expect(results.map((x) => (x.ok ? 'ok' : x.error.code))).toEqual(['ok', 'VALIDATION_FAILED']);
    expect((await r.store.listPosts(['c1'])).map((p) => [p.id, p.creatorId])).toEqual([['a', 'c1']]);
    expect(r.postIndex.has('a')).toBe(true);
    const [v] = (await r.store.allVectors('post', r.embedder.modelId)).map((x) => x.vector);
    expect(r.postIndex.search(v!, 1)[0]).toMatchObject({ id: 'a' });
    expect(r.postIndex.search(v!, 1)[0]!.score).toBeCloseTo(1, 5);
  });
});

describe('media copies', () => {
  it('survive duplicate ids in one batch, and ids never become paths', async () => {
    const r = ingestRig();
    const img = r.image('images/products/x.png');
    const results = await ingestProducts([product('dup', { image: img }), product('dup', { image: img }), product('../../evil', { image: img })], r.deps);
    expect(results.every((x) => x.ok)).toBe(true);
    expect((await readMedia(r.deps.config.mediaDir, 'product', 'dup'))?.contentType).toBe('image/png');
    expect((await readMedia(r.deps.config.mediaDir, 'product', '../../evil'))?.contentType).toBe('image/png');
    const { readdirSync } = await import('node:fs');
    expect(readdirSync(r.root).sort()).toEqual(['media', 'store.db', 'store.db-shm', 'store.db-wal', 'world']);
    expect(readdirSync(`${r.deps.config.mediaDir}/products`).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});
