/**
 * The API's bulk writes through the real write commands (fake embedder, temp DATA_DIR):
 * an image that fails to decode is a per-item error while the other items are saved, indexed,
 * searchable and their images served.
 */
import request from 'supertest';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { fakePng } from '../helpers/fake-embedder.js';
import { ADMIN, testService, type TestService } from '../helpers/service.js';
import { product } from '../service/world.js';

const dataUrl = (b: Buffer) => `data:image/png;base64,${b.toString('base64')}`;
let t: TestService;

beforeAll(async () => {
  t = await testService();
});

describe('bulk writes through ingest', () => {
  it('saves the good items when one image does not decode, and serves their images', async () => {
    const items = [
      product('ok1', 'dress', 30, { title: 'red dress', image: dataUrl(fakePng('a')) }),
      product('broken', 'dress', 30, { title: 'red dress', image: 'data:image/png;base64,bm90IGFuIGltYWdl' }),
      product('ok2', 'handbag', 50, { title: 'red bag', image: dataUrl(fakePng('b')) }),
    ];
    const res = await request(t.app).put('/v1/products').set(ADMIN).send({ items });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ok: 2, failed: 1 });
    expect(res.body.results.find((r: { id: string }) => r.id === 'broken').error.code).toBe('IMAGE_UNREADABLE');
    const found = await request(t.app).post('/v1/search').set(ADMIN).send({ text: 'red dress', limit: 10 });
    expect(found.body.items.map((i: { product: { id: string } }) => i.product.id).sort()).toEqual(['ok1', 'ok2']);
    const img = await request(t.app).get('/media/products/ok1');
    expect(img.status).toBe(200);
    expect(img.headers['content-type']).toBe('image/png');
    // Re-encoded by the service: the same pixels, never the client's bytes.
    expect(Buffer.compare(img.body, fakePng('a'))).not.toBe(0);
    expect([...(await sharp(img.body).raw().toBuffer())]).toEqual([...(await sharp(fakePng('a')).raw().toBuffer())]);
    expect((await request(t.app).get('/media/products/broken')).status).toBe(404);
  });

  it('rejects images from hosts off the allowlist, per item', async () => {
    const res = await request(t.app).put('/v1/products').set(ADMIN).send({ items: [product('remote', 'handbag', 10, { image: 'https://example.com/x.png' })] });
    expect(res.body.results[0]).toMatchObject({ id: 'remote', ok: false, error: { code: 'IMAGE_HOST_NOT_ALLOWED' } });
  });

  it('creators are validated per item; posts need an existing creator', async () => {
    const res = await request(t.app).put('/v1/creators').set(ADMIN).send({
      items: [{ id: 'c1', handle: '@one', displayName: 'One', aesthetics: ['boho'], optIns: { styleSource: true, affiliate: true } }, { id: 'c2' }],
    });
    expect(res.body.results.map((r: { ok: boolean }) => r.ok)).toEqual([true, false]);
    const posts = await request(t.app).put('/v1/creators/c1/posts').set(ADMIN).send({
      items: [{ id: 'c1-p1', image: dataUrl(fakePng('p')), caption: 'boho', postedAt: '2026-05-01T00:00:00Z', engagement: { likes: 1, comments: 0, saves: 0 } }],
    });
    expect(posts.body).toMatchObject({ ok: 1, failed: 0 });
    expect((await request(t.app).put('/v1/creators/nobody/posts').set(ADMIN).send({ items: [{}] })).status).toBe(404);
    const c = await request(t.app).get('/v1/creators/c1').set(ADMIN);
    expect(c.body.posts[0].imageUrl).toBe('/media/posts/c1-p1');
    expect((await request(t.app).get('/media/posts/c1-p1')).status).toBe(200);
  });
});
