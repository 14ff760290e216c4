/**
 * Every way an image reaches the service, tried as an attacker would, through the real write
 * commands and routes: only raster images that decode are accepted and they are re-encoded (no
 * stored script, no client content type); world images never through a symlink; remote images
 * streamed with a cap, ports 80/443 only, no redirects, one error for every failure.
 */
import { once } from 'node:events';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import request from 'supertest';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakePng } from '../helpers/fake-embedder.js';
import { ADMIN, APP, testService, type TestService } from '../helpers/service.js';
import { product } from '../service/world.js';

const SVG_SCRIPT = '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>fetch("/demo-api/v1/users")</script><rect width="9" height="9"/></svg>';
const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64');
const put = (t: TestService, items: unknown[]) => request(t.app).put('/v1/products').set(ADMIN).send({ items });
const resultsOf = (res: request.Response) => res.body.results as Array<{ id: string; ok: boolean; error?: { code: string; message: string } }>;

let t: TestService;
beforeAll(async () => {
  t = await testService();
});

describe('only raster images that decode, re-encoded', () => {
  it.each([
    ['an SVG with script as text/html', `data:text/html;base64,${b64(SVG_SCRIPT)}`],
    ['an SVG with script as image/svg+xml', `data:image/svg+xml;base64,${b64(SVG_SCRIPT)}`],
    ['an SVG claiming to be a PNG', `data:image/png;base64,${b64(SVG_SCRIPT)}`],
    ['HTML', `data:text/html,${encodeURIComponent('<script>alert(1)</script>')}`],
    ['a PDF header', `data:application/pdf;base64,${b64('%PDF-1.4\n%...')}`],
    ['a PNG signature and nothing else', `data:image/png;base64,${b64(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))}`],
  ])('%s is refused per item (IMAGE_UNREADABLE), stores nothing and serves nothing', async (_name, image) => {
    const res = await put(t, [product('bad', 'dress', 10, { image }), product('fine', 'dress', 10, { image: `data:image/png;base64,${b64(fakePng('fine'))}` })]);
    expect(res.status).toBe(200);
    expect(resultsOf(res).map((r) => [r.id, r.ok, r.error?.code])).toEqual([['bad', false, 'IMAGE_UNREADABLE'], ['fine', true, undefined]]);
    expect((await request(t.app).get('/media/products/bad')).status).toBe(404);
    expect(await t.service.media.get('product', 'bad')).toBeUndefined();
  });

  it('an SVG data URL is refused by search too (it is never rasterised)', async () => {
    const res = await request(t.app).post('/v1/search').set(APP).send({ image: `data:image/svg+xml;base64,${b64(SVG_SCRIPT)}` });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('IMAGE_UNREADABLE');
  });

  it('a PNG with HTML appended is stored re-encoded: the script is gone, the pixels stay', async () => {
    const polyglot = Buffer.concat([fakePng('poly'), Buffer.from('<html><script>alert(document.domain)</script></html>')]);
    expect(resultsOf(await put(t, [product('poly', 'dress', 10, { image: `data:text/html;base64,${b64(polyglot)}` })]))[0]!.ok).toBe(true);
    const res = await request(t.app).get('/media/products/poly').expect(200);
    expect(res.headers['content-type']).toBe('image/png');
    expect(res.body.includes('<script>')).toBe(false);
    expect([...(await sharp(res.body).raw().toBuffer())]).toEqual([...(await sharp(fakePng('poly')).raw().toBuffer())]);
  });

  it('a CR/LF in a data: URL\'s type poisons nothing: stored and served as the image it is', async () => {
    const image = `data:image/png\r\nX-Injected: 1\r\n;base64,${b64(fakePng('crlf'))}`;
    expect(resultsOf(await put(t, [product('crlf', 'dress', 10, { image })]))[0]!.ok).toBe(true);
    for (let i = 0; i < 2; i++) {
      const res = await request(t.app).get('/media/products/crlf').expect(200);
      expect(res.headers['content-type']).toBe('image/png');
      expect(res.headers['x-injected']).toBeUndefined();
    }
  });

  it('JPEG stays JPEG, WebP and GIF become PNG; EXIF (GPS included) is dropped', async () => {
    const rgb = { create: { width: 8, height: 8, channels: 3 as const, background: { r: 200, g: 30, b: 30 } } };
    const jpeg = await sharp(rgb).jpeg().withMetadata({ exif: { IFD0: { Copyright: 'secret-location 48.85N 2.35E' } } }).toBuffer();
    const webp = await sharp(rgb).webp().toBuffer();
    const gif = await sharp(rgb).gif().toBuffer();
    const items = [['j', jpeg], ['w', webp], ['g', gif]].map(([id, b]) => product(id as string, 'dress', 10, { image: `data:application/octet-stream;base64,${b64(b as Buffer)}` }));
    expect(resultsOf(await put(t, items)).every((r) => r.ok)).toBe(true);
    const types = [];
    for (const id of ['j', 'w', 'g']) types.push((await request(t.app).get(`/media/products/${id}`).expect(200)).headers['content-type']);
    expect(types).toEqual(['image/jpeg', 'image/png', 'image/png']);
    const stored = (await request(t.app).get('/media/products/j')).body as Buffer;
    expect((await sharp(stored).metadata()).exif).toBeUndefined();
    expect(stored.includes('secret-location')).toBe(false);
  });

  it('a decompression bomb (a huge, tiny PNG) is refused, not decoded', async () => {
    const bomb = await sharp({ create: { width: 10_000, height: 10_000, channels: 3, background: { r: 0, g: 0, b: 0 } } }).png({ compressionLevel: 9 }).toBuffer();
    expect(bomb.length).toBeLessThan(1_000_000);
    const res = await put(t, [product('bomb', 'dress', 10, { image: `data:image/png;base64,${b64(bomb)}` })]);
    expect(resultsOf(res)[0]).toMatchObject({ ok: false, error: { code: 'IMAGE_UNREADABLE' } });
  });
});

describe('world images never through a symbolic link', () => {
  it('a link to a file outside the world, or a linked folder inside it, is refused and copies nothing', async () => {
    const outside = join(t.root, 'secret.png');
    writeFileSync(outside, fakePng('secret'));
    symlinkSync(outside, join(t.worldDir, 'images', 'products', 'link.png'));
    mkdirSync(join(t.root, 'elsewhere'));
    writeFileSync(join(t.root, 'elsewhere', 'x.png'), fakePng('x'));
    symlinkSync(join(t.root, 'elsewhere'), join(t.worldDir, 'images', 'linked-dir'));
    const res = await put(t, [
      product('via-link', 'dress', 10, { image: 'images/products/link.png' }),
      product('via-dir', 'dress', 10, { image: 'images/linked-dir/x.png' }),
      product('plain', 'dress', 10, { image: t.image('images/products/plain.png') }),
    ]);
    expect(resultsOf(res).map((r) => [r.id, r.ok, r.error?.code])).toEqual([['via-link', false, 'VALIDATION_FAILED'], ['via-dir', false, 'VALIDATION_FAILED'], ['plain', true, undefined]]);
    expect(resultsOf(res)[0]!.error!.message).toMatch(/symbolic link/);
    expect(await t.service.media.get('product', 'via-link')).toBeUndefined();
  });
});

describe('ids and text at the edge', () => {
  it.each([
    ['a lone surrogate', 'p\ud800'],
    ['slashes', '/'.repeat(85)],
    ['é × 42', 'é'.repeat(42)],
    ['201 characters', 'p'.repeat(201)],
    ['a dot segment', '..'],
    ['a NUL', 'p\u0000x'],
  ])('an id with %s is a per-item 400 that sinks nothing and writes no media', async (_name, id) => {
    const res = await put(t, [product(id, 'dress', 10, { image: t.image('images/products/idrule.png') }), product('ok-neighbour', 'dress', 10, { image: t.image('images/products/idrule.png') })]);
    expect(res.status).toBe(200);
    expect(resultsOf(res)[0]).toMatchObject({ id: '#0', ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(resultsOf(res)[1]!.ok).toBe(true);
    expect(await t.service.media.get('product', id)).toBeUndefined();
  });

  it('an id the rule accepts is reachable by GET and DELETE', async () => {
    const id = `A${'z'.repeat(126)}~`;
    expect(resultsOf(await put(t, [product(id, 'dress', 10, { image: t.image('images/products/long.png') })]))[0]!.ok).toBe(true);
    await request(t.app).get(`/v1/products/${id}`).set(APP).expect(200);
    await request(t.app).get(`/media/products/${id}`).expect(200);
    await request(t.app).delete(`/v1/products/${id}`).set(ADMIN).expect(204);
  });

  it('a 1 MB title is refused, naming the field and the limit', async () => {
    const res = await request(t.app).put('/v1/products').set(ADMIN).send({ items: [product('huge', 'dress', 10, { title: 'x'.repeat(1_000_000), image: t.image('images/products/huge.png') })] });
    expect(res.status).toBe(422);
    expect(res.body.results[0].error.message).toMatch(/items\.0\.title: must be at most 200 characters/);
  });

  it('text limits are in the OpenAPI document', async () => {
    const doc = (await request(t.app).get('/openapi.json')).body;
    // Bodies are named components ($ref), nested named schemas too: follow the refs.
    const deref = (s: { $ref?: string }): any => (s.$ref ? deref(doc.components.schemas[s.$ref.replace('#/components/schemas/', '')]) : s);
    const body = (path: string, method: string) => deref(doc.paths[path][method].requestBody.content['application/json'].schema);
    const itemsOf = (path: string) => {
      const props = deref(body(path, 'put').properties.items.items).properties;
      return Object.fromEntries(Object.entries(props).map(([k, v]) => [k, deref(v as { $ref?: string })]));
    };
    const item = itemsOf('/v1/products') as any;
    expect([item.title.maxLength, item.description.maxLength, item.brand.maxLength, item.url.maxLength, item.id.maxLength]).toEqual([200, 5000, 100, 2048, 128]);
    const post = itemsOf('/v1/creators/{id}/posts') as any;
    expect(post.caption.maxLength).toBe(2200);
    expect(deref(body('/v1/search', 'post').properties.text).maxLength).toBe(500);
  });
});

describe('remote images (ALLOWED_IMAGE_HOSTS) against a local server', () => {
  let server: Server;
  let port: number;
  let sentOfHuge = 0;
  let hugeClosed: Promise<void> = Promise.resolve();
  let r: TestService;
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/ok.png') return void res.end(fakePng('remote'));
      if (req.url === '/missing.png') return void res.writeHead(404).end('no');
      if (req.url === '/redirect.png') return void res.writeHead(302, { location: '/ok.png' }).end();
      if (req.url === '/garbage.png') return void res.end('this is not an image');
      if (req.url === '/slow.png') return void setTimeout(() => res.end(fakePng('slow')), 5000);
      if (req.url === '/huge.png') {
        // A chunked body with no declared length that never ends on its own: 64 KiB at a time.
        res.writeHead(200, { 'content-type': 'image/png' });
        const chunk = Buffer.alloc(64 * 1024, 1);
        sentOfHuge = 0;
        hugeClosed = new Promise((done) => res.on('close', () => done()));
        const pump = () => {
          for (let more = true; more && sentOfHuge < 300 * 1024 * 1024; ) {
            more = res.write(chunk);
            sentOfHuge += chunk.length;
          }
          if (sentOfHuge >= 300 * 1024 * 1024) res.end();
        };
        res.on('drain', pump);
        return pump();
      }
      res.writeHead(500).end();
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    port = (server.address() as AddressInfo).port;
    r = await testService({ realFetch: true, env: { ALLOWED_IMAGE_HOSTS: `127.0.0.1:${port},localhost`, IMAGE_MAX_BYTES: '1mb', IMAGE_FETCH_TIMEOUT_MS: '10000' } }); // generous: a loaded CI machine
  });
  afterAll(() => new Promise<void>((done) => { server.closeAllConnections(); server.close(() => done()); }));

  it('an allowed host:port serves a real image', async () => {
    const res = await put(r, [product('remote', 'dress', 10, { image: `http://127.0.0.1:${port}/ok.png` })]);
    expect(resultsOf(res)[0]!.ok).toBe(true);
  });

  it('a never-ending chunked body is aborted past IMAGE_MAX_BYTES, not buffered', async () => {
    const res = await put(r, [product('huge', 'dress', 10, { image: `http://127.0.0.1:${port}/huge.png` })]);
    expect(resultsOf(res)[0]).toMatchObject({ ok: false, error: { code: 'IMAGE_UNREADABLE' } });
    await hugeClosed; // the client hung up...
    expect(sentOfHuge).toBeLessThan(32 * 1024 * 1024); // ...after ~1 MiB (plus socket buffers), not 300 MiB
  });

  it('refused, timed out, bad status, redirected, too large and undecodable all answer the same message', async () => {
    const closed = await new Promise<number>((done) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as AddressInfo).port;
        s.close(() => done(p));
      });
    });
    const r2 = await testService({ realFetch: true, env: { ALLOWED_IMAGE_HOSTS: `127.0.0.1:${port},127.0.0.1:${closed}`, IMAGE_MAX_BYTES: '1mb', IMAGE_FETCH_TIMEOUT_MS: '1000' } });
    const urls = [`http://127.0.0.1:${closed}/x.png`, `http://127.0.0.1:${port}/slow.png`, `http://127.0.0.1:${port}/missing.png`, `http://127.0.0.1:${port}/redirect.png`, `http://127.0.0.1:${port}/huge.png`, `http://127.0.0.1:${port}/garbage.png`];
    const res = await put(r2, urls.map((image, i) => product(`f${i}`, 'dress', 10, { image })));
    const errors = resultsOf(res).map((x) => x.error);
    expect(new Set(errors.map((e) => e?.code))).toEqual(new Set(['IMAGE_UNREADABLE']));
    expect(new Set(errors.map((e) => e?.message.replace(/:\d+/, ':PORT')))).toEqual(new Set([`Could not fetch a usable image from 127.0.0.1:PORT.`]));
  });

  it('a "host" entry allows ports 80/443 only; any other port is refused before connecting', async () => {
    const res = await put(r, [product('port', 'dress', 10, { image: `http://localhost:${port}/ok.png` }), product('ssh', 'dress', 10, { image: 'http://localhost:22/' })]);
    expect(resultsOf(res).map((x) => x.error?.code)).toEqual(['IMAGE_HOST_NOT_ALLOWED', 'IMAGE_HOST_NOT_ALLOWED']);
  });
});
