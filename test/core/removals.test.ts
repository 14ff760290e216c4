/**
 * Removals through the write commands take an entity out of everything it was written to: the
 * store (entity and vectors), the index, the media folder, and what the API serves.
 */
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { ADMIN, APP, testService } from '../helpers/service.js';
import { creator, post, product } from '../store/fixtures.js';

describe('removals', () => {
  it('remove a product from store, vectors, index and media; /media stops serving it', async () => {
    const r = await testService();
    await r.commands.upsertProducts([product('p1', { image: r.image('images/products/p1.png') }), product('p2', { image: r.image('images/products/p2.png') })]);
    await request(r.app).get('/media/products/p1').expect(200);
    await r.commands.removeProduct('p1');
    await expect(r.commands.removeProduct('p1')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(r.service.productIndex.has('p1')).toBe(false);
    expect(await r.store.getProduct('p1')).toBeUndefined();
    expect(await r.store.getVectors('product', ['p1'], r.service.embedder.modelId)).toEqual(new Map());
    expect(await r.service.media.get('product', 'p1')).toBeUndefined();
    expect(await r.service.media.get('product', 'p2')).toBeDefined();
    await request(r.app).get('/media/products/p1').expect(404);
    await request(r.app).get('/media/products/p2').expect(200);
  });

  it("DELETE /v1/creators/:id removes the creator's posts everywhere, including the served images", async () => {
    const r = await testService();
    await r.commands.upsertCreators([creator('c1')]);
    await r.commands.upsertPosts('c1', [post('a', 'c1', { image: r.image('images/posts/a.png') }), post('b', 'c1', { image: r.image('images/posts/b.png') })]);
    await request(r.app).get('/media/posts/a').expect(200);
    await request(r.app).delete('/v1/creators/c1').set(ADMIN).expect(204);
    expect(await r.store.listPosts(['c1'])).toEqual([]);
    expect(await r.store.allVectors('post', r.service.embedder.modelId)).toEqual([]);
    expect(await r.service.media.get('post', 'a')).toBeUndefined();
    await request(r.app).get('/media/posts/a').expect(404);
    await request(r.app).get('/media/posts/b').expect(404);
    await request(r.app).get('/v1/creators/c1').set(APP).expect(404);
  });

  it('DELETE /v1/products/:id: the image is no longer served and its file is gone', async () => {
    const r = await testService();
    await r.commands.upsertProducts([product('p42', { image: r.image('images/products/p42.png') })]);
    await request(r.app).delete('/v1/products/p42').set(ADMIN).expect(204);
    await request(r.app).get('/media/products/p42').expect(404);
    expect(await r.service.media.get('product', 'p42')).toBeUndefined();
    await request(r.app).delete('/v1/products/p42').set(ADMIN).expect(404);
  });

  it('DELETE /v1/creators/:id/posts/:postId removes one post, its vector and image, and leaves the others', async () => {
    const r = await testService();
    await r.commands.upsertCreators([creator('c1'), creator('c2')]);
    await r.commands.upsertPosts('c1', [post('a', 'c1', { image: r.image('images/posts/a.png') }), post('b', 'c1', { image: r.image('images/posts/b.png') })]);
    await request(r.app).delete('/v1/creators/c2/posts/a').set(ADMIN).expect(404); // not c2's post
    await request(r.app).delete('/v1/creators/c1/posts/a').set(ADMIN).expect(204);
    await request(r.app).delete('/v1/creators/c1/posts/a').set(ADMIN).expect(404);
    await request(r.app).delete('/v1/creators/c1/posts/b').set(APP).expect(403);
    expect((await r.store.listPosts(['c1'])).map((p) => p.id)).toEqual(['b']);
    expect((await r.store.allVectors('post', r.service.embedder.modelId)).map((v) => v.id)).toEqual(['b']);
    await request(r.app).get('/media/posts/a').expect(404);
    await request(r.app).get('/media/posts/b').expect(200);
    expect((await request(r.app).get('/v1/creators/c1').set(APP)).body.posts.map((p: { id: string }) => p.id)).toEqual(['b']);
  });
});
