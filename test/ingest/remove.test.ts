import { describe, expect, it } from 'vitest';
import { ingestPosts, ingestProducts } from '../../src/ingest/catalog.js';
import { readMedia } from '../../src/ingest/media.js';
import { ingestCreators } from '../../src/ingest/people.js';
import { removeCreator, removeProduct } from '../../src/ingest/remove.js';
import { creator, post, product } from '../store/fixtures.js';
import { ingestRig } from './helpers.js';

describe('removals', () => {
  it('remove a product from store, index and media', async () => {
    const r = ingestRig();
    await ingestProducts([product('p1', { image: r.image('images/products/p1.png') }), product('p2', { image: r.image('images/products/p2.png') })], r.deps);
    expect(await removeProduct('p1', r.deps)).toBe(true);
    expect(await removeProduct('p1', r.deps)).toBe(false);
    expect(r.productIndex.has('p1')).toBe(false);
    expect(await r.store.getProduct('p1')).toBeUndefined();
    expect(await readMedia(r.deps.config.mediaDir, 'product', 'p1')).toBeUndefined();
    expect(await readMedia(r.deps.config.mediaDir, 'product', 'p2')).toBeDefined();
  });

  it("remove a creator's posts everywhere, including the served images", async () => {
    const r = ingestRig();
    await ingestCreators([creator('c1')], r.deps);
    await ingestPosts('c1', [post('a', 'c1', { image: r.image('images/posts/a.png') })], r.deps);
    expect(await readMedia(r.deps.config.mediaDir, 'post', 'a')).toBeDefined();
    expect(await removeCreator('c1', r.deps)).toBe(true);
    expect(r.postIndex.has('a')).toBe(false);
    expect(await r.store.listPosts(['c1'])).toEqual([]);
    expect(await readMedia(r.deps.config.mediaDir, 'post', 'a')).toBeUndefined();
  });
});
