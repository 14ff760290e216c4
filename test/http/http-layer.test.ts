/**
 * The HTTP layer's own behaviour where it was made cheaper (bench/http-overhead.ts): routes are
 * matched through per-prefix routers (same matching as Express's one Router: any case, a trailing
 * slash, HEAD for GET, 405 and the access table first), the access log writes only the lines its
 * level lets through, and JSON bodies carry no ETag while media keep theirs.
 */
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import type { Core } from '../../src/core/core.js';
import { createLogger, silentLogger } from '../../src/log.js';
import { addShopper, grant } from '../service/world.js';
import { APP, buildTestApp } from './harness.js';

let t: Awaited<ReturnType<typeof buildTestApp>>;
beforeAll(async () => {
  t = await buildTestApp();
  await addShopper(t.w, 'u1', ['c-red'], [grant('personalization')]);
});

describe('routing through per-prefix routers', () => {
  it('matches a path in any case and with a trailing slash, as Express does', async () => {
    for (const path of ['/v1/users/u1', '/V1/USERS/u1', '/v1/users/u1/', '/v1/Users/u1/recommendations?limit=1']) {
      const res = await request(t.app).get(path).set(APP);
      expect(res.status, path).toBe(200);
    }
    expect((await request(t.app).get('/HEALTH')).status).toBe(200);
  });

  it('answers HEAD like GET without a body, and keeps 405 and the access table ahead of the routes', async () => {
    const head = await request(t.app).head('/v1/users/u1').set(APP).expect(200);
    expect(head.headers['content-type']).toMatch(/^application\/json/);
    expect(head.text ?? '').toBe('');
    const wrong = await request(t.app).post('/V1/users/u1').set(APP).expect(405);
    expect(wrong.headers.allow).toBe('GET, HEAD, PUT, DELETE');
    await request(t.app).get('/v1/users/u1').expect(401); // no key
    await request(t.app).delete('/v1/users/u1').set(APP).expect(403); // admin only
    await request(t.app).get('/v1/users/u1/nothing-here').set(APP).expect(404);
    await request(t.app).get('/v1/nothing/here').expect(401); // any /v1 path needs a key first
    await request(t.app).get('/media/products/r0/extra').expect(404);
  });
});

describe('the access log', () => {
  /** The test world's core, with getShopper failing as a fault would (a 500). */
  const failing = () => new Proxy(t.core, { get: (core, k) => (k === 'getShopper' ? () => Promise.reject(new Error('disk on fire')) : Reflect.get(core, k)) }) as Core;

  it('at LOG_LEVEL=error writes only the failed requests, with their route and status', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const app = createApp({ config: t.config, core: failing(), log: createLogger('error', (l) => lines.push(JSON.parse(l))), demo: false }).app;
    await request(app).get('/v1/users').set(APP).expect(200);
    const res = await request(app).get('/v1/users/u1').set(APP).expect(500);
    const access = lines.filter((l) => l.req !== undefined); // the error mapping writes its own line too
    expect(access).toEqual([expect.objectContaining({
      level: 'error', msg: 'request failed', route: '/v1/users/:id',
      req: { id: res.headers['x-request-id'], method: 'GET', url: '/v1/users/u1' }, res: { statusCode: 500 },
    })]);
  });

  it('gives a request id even when nothing is logged', async () => {
    const app = createApp({ config: t.config, core: t.core, log: silentLogger, demo: false }).app;
    const res = await request(app).get('/v1/users/u1').set(APP).set('x-request-id', 'trace-1').expect(200);
    expect(res.headers['x-request-id']).toBe('trace-1');
    expect((await request(app).get('/health')).headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('ETags', () => {
  it('are not computed for JSON bodies (per key, freshly signed links: nothing to revalidate)', async () => {
    const res = await request(t.app).get('/v1/users/u1/recommendations').set(APP).expect(200);
    expect(res.headers.etag).toBeUndefined();
    expect(res.headers['content-length']).toBe(String(Buffer.byteLength(res.text)));
  });

  it('still let a client revalidate an image (304)', async () => {
    const first = await request(t.app).get('/media/products/r0').expect(200);
    expect(first.headers.etag).toBeDefined();
    await request(t.app).get('/media/products/r0').set('if-none-match', first.headers.etag!).expect(304);
  });
});
