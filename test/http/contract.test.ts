/**
 * The HTTP contract around the routes: 404 for paths that are no route (even with an app key),
 * 405 with Allow for a known path and the wrong method, 422 for a batch in which nothing was
 * accepted, security headers on every response, and an OpenAPI document that says what the
 * routes really answer.
 */
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { ACCESS } from '../../src/http/auth.js';
import { API_CSP, MEDIA_CSP } from '../../src/http/security-headers.js';
import { ADMIN, APP, buildTestApp } from './harness.js';

let t: Awaited<ReturnType<typeof buildTestApp>>;
beforeAll(async () => {
  t = await buildTestApp();
});

describe('unknown paths and wrong methods', () => {
  it.each([
    ['post', '/v1/users/u1', 'GET, HEAD, PUT, DELETE'],
    ['delete', '/health', 'GET, HEAD'],
    ['patch', '/v1/products', 'GET, HEAD, PUT'],
    ['put', '/v1/search', 'POST'],
    ['post', '/media/products/r0', 'GET, HEAD'],
    ['delete', '/r/sometoken', 'GET, HEAD'],
    ['post', '/v1/reports/clicks/', 'GET, HEAD'],
  ])('%s %s → 405, Allow: %s (no key needed to learn that)', async (method, path, allow) => {
    const res = await request(t.app)[method as 'post'](path);
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe(allow);
    expect(res.body.error.code).toBe('METHOD_NOT_ALLOWED');
  });

  it('OPTIONS on a known path answers 204 with Allow', async () => {
    const res = await request(t.app).options('/v1/users/u1/consents');
    expect(res.status).toBe(204);
    expect(res.headers.allow).toBe('GET, HEAD, PUT');
  });

  it('an app key on a /v1 path that is no route gets 404, not 403', async () => {
    for (const path of ['/v1/nothing', '/v1/users/u1/nothing', '/v1/products/r0/nothing/else']) {
      const res = await request(t.app).get(path).set(APP);
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('NOT_FOUND');
    }
  });
});

describe('a batch in which every item failed', () => {
  it('answers 422 BATCH_REJECTED with every item\'s result; a partly accepted batch stays 200', async () => {
    const bad = { items: [{ id: 'x1' }, { id: 'x2', handle: '' }, 7] };
    const res = await request(t.app).put('/v1/creators').set(ADMIN).send(bad);
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('BATCH_REJECTED');
    expect(res.body).toMatchObject({ ok: 0, failed: 3 });
    expect(res.body.results.map((r: { id: string; ok: boolean }) => [r.id, r.ok])).toEqual([['x1', false], ['x2', false], ['#2', false]]);
    expect(res.body.error.details.map((d: { path: string }) => d.path)).toEqual(['items.0', 'items.1', 'items.2']);

    const mixed = await request(t.app).put('/v1/creators').set(ADMIN).send({ items: [{ id: 'c-ok', handle: '@ok', displayName: 'OK', optIns: { styleSource: true, affiliate: true } }, 7] });
    expect(mixed.status).toBe(200);
    expect(mixed.body).toMatchObject({ ok: 1, failed: 1 });
  });

  it.each(['/v1/products', '/v1/merchants', '/v1/creators/c-red/posts'])('PUT %s with only bad items is 422', async (path) => {
    const res = await request(t.app).put(path).set(ADMIN).send({ items: [{ id: 'nope' }] });
    expect(res.status).toBe(422);
    expect(res.body.results[0]).toMatchObject({ id: 'nope', ok: false });
  });
});

describe('security headers on every response', () => {
  it.each([
    ['get', '/health', {}],
    ['get', '/v1/users', APP],
    ['get', '/v1/nothing', APP],
    ['get', '/no/such/page', {}],
    ['post', '/health', {}],
    ['get', '/v1/users', {}],
    ['get', '/r/not-a-token', {}],
  ] as const)('%s %s', async (method, path, headers) => {
    const res = await request(t.app)[method](path).set(headers);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toBe(API_CSP);
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['cross-origin-opener-policy']).toBe('same-origin');
  });

  it('media: the stored verified type, nosniff and a sandboxing CSP', async () => {
    const res = await request(t.app).get('/media/products/r0').expect(200);
    expect(res.headers['content-type']).toBe('image/png');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toBe(MEDIA_CSP);
    expect(MEDIA_CSP).toMatch(/default-src 'none'.*sandbox/);
  });
});

describe('the OpenAPI document says what the routes answer', () => {
  let doc: { paths: Record<string, Record<string, { operationId?: string; 'x-scope': string; responses: Record<string, { content?: Record<string, unknown> }> }>> };
  beforeAll(async () => {
    doc = (await request(t.app).get('/openapi.json').expect(200)).body;
  });
  const operations = () => Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ path, method, op })));

  it('every operation has a unique operationId', () => {
    const ids = operations().map((o) => o.op.operationId);
    expect(ids.every((id) => typeof id === 'string' && id.length > 0)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBe(ACCESS.length);
  });

  it('/openapi.json and /media/* document their 200 (not 204)', () => {
    expect(Object.keys(doc.paths['/openapi.json']!.get!.responses)).toContain('200');
    expect(doc.paths['/openapi.json']!.get!.responses['200']!.content).toHaveProperty('application/json');
    for (const p of ['/media/products/{id}', '/media/posts/{id}']) {
      const r = doc.paths[p]!.get!.responses;
      expect(Object.keys(r)).not.toContain('204');
      expect(Object.keys(r['200']!.content!)).toEqual(['image/jpeg', 'image/png']);
    }
    expect(Object.keys(doc.paths['/r/{token}']!.get!.responses)).toEqual(expect.arrayContaining(['302', '400', '404', '410']));
  });

  it('public routes list no 401/403; every keyed route both (each scope but admin is refused somewhere)', () => {
    for (const { path, method, op } of operations()) {
      const statuses = Object.keys(op.responses);
      const where = `${method} ${path}`;
      if (op['x-scope'] === 'public') expect(statuses, where).not.toEqual(expect.arrayContaining(['401']));
      // app routes refuse reports keys, reports routes app keys, admin and metrics routes both.
      if (op['x-scope'] !== 'public') expect(statuses, where).toEqual(expect.arrayContaining(['401', '403']));
      if (op['x-scope'] === 'public') expect(statuses, where).not.toContain('403');
    }
  });

  it('bulk writes document their 422 with the per-item results', () => {
    const r = doc.paths['/v1/products']!.put!.responses['422'] as { content: Record<string, { schema: { $ref: string } }> };
    expect(r.content['application/json']!.schema.$ref).toBe('#/components/schemas/BatchRejected');
  });
});
