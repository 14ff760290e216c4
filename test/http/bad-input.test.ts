import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { addShopper, grant } from '../service/world.js';
import { ADMIN, APP, buildTestApp } from './harness.js';

let app: Awaited<ReturnType<typeof buildTestApp>>['app'];
beforeAll(async () => {
  const built = await buildTestApp();
  app = built.app;
  await addShopper(built.w, 'u1', ['c-red'], [grant('personalization')]);
});

const expectError = (res: request.Response, status: number, code: string) => {
  expect(res.status).toBe(status);
  expect(res.body.error.code).toBe(code);
  expect(typeof res.body.error.message).toBe('string');
};

describe('bad input never yields a 500', () => {
  it('malformed JSON is 400 INVALID_JSON', async () => {
    const res = await request(app).post('/v1/search').set(APP).set('content-type', 'application/json').send('{"text": "red"');
    expectError(res, 400, 'INVALID_JSON');
  });

  it('a JSON scalar where an object belongs is 400 INVALID_JSON', async () => {
    const res = await request(app).post('/v1/search').set(APP).set('content-type', 'application/json').send('"red"');
    expectError(res, 400, 'INVALID_JSON');
  });

  it('schema errors are 400 VALIDATION_FAILED with every field path', async () => {
    const res = await request(app).put('/v1/users/u2').set(APP).send({ region: 'Germany', ageBand: 'old' });
    expectError(res, 400, 'VALIDATION_FAILED');
    expect(res.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['ageBand', 'region']);
  });

  it('nested body paths and query paths are named', async () => {
    const body = await request(app).post('/v1/search').set(APP).send({ text: 'red', filters: { minPrice: -1 } });
    expectError(body, 400, 'VALIDATION_FAILED');
    expect(body.body.error.details[0].path).toBe('filters.minPrice');
    const query = await request(app).get('/v1/users/u1/recommendations?limit=0&diversity=2').set(APP);
    expect(query.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['query.diversity', 'query.limit']);
    const repeated = await request(app).get('/v1/users/u1/recommendations?limit=1&limit=2').set(APP);
    expectError(repeated, 400, 'VALIDATION_FAILED');
  });

  it('empty query parameters count as not given', async () => {
    const res = await request(app).get('/v1/users/u1/recommendations?limit=3&category=&minPrice=&maxPrice=&diversity=').set(APP);
    expect(res.status).toBe(200);
    expect(res.body.items).toHaveLength(3);
    expect(res.body.diversity).toBe(0.3);
  });

  it('a search with neither text nor image is a validation error', async () => {
    const res = await request(app).post('/v1/search').set(APP).send({ limit: 5 });
    expectError(res, 400, 'VALIDATION_FAILED');
    expect(res.body.error.details[0].path).toBe('text');
  });

  it('a missing body on a PUT validates as empty and names what is missing', async () => {
    const res = await request(app).put('/v1/users/u1/follows').set(APP);
    expectError(res, 400, 'VALIDATION_FAILED');
    expect(res.body.error.details[0].path).toBe('creatorIds');
  });

  it('batches over 1,000 items are refused as a whole', async () => {
    const res = await request(app).put('/v1/creators').set(ADMIN).send({ items: Array(1001).fill(1) });
    expectError(res, 400, 'VALIDATION_FAILED');
    expect(res.body.error.details[0].path).toBe('items');
  });

  it('unknown ids are 404', async () => {
    for (const [method, path, headers] of [
      ['get', '/v1/users/nobody/recommendations', APP],
      ['get', '/v1/users/nobody', APP],
      ['get', '/v1/products/nope', APP],
      ['get', '/v1/products/nope/similar', APP],
      ['delete', '/v1/products/nope', ADMIN],
      ['get', '/v1/creators/nope', APP],
      ['delete', '/v1/creators/nope', ADMIN],
      ['get', '/media/products/nope', {}],
      ['get', '/no/such/route', {}],
    ] as const) {
      const res = await request(app)[method](path).set(headers);
      expectError(res, 404, 'NOT_FOUND');
    }
  });

  it('following an unknown creator is a validation error naming the entry', async () => {
    const res = await request(app).put('/v1/users/u1/follows').set(APP).send({ creatorIds: ['c-red', 'c-nobody'] });
    expectError(res, 400, 'VALIDATION_FAILED');
    expect(res.body.error.details).toEqual([{ path: 'creatorIds.1', message: 'no creator with id "c-nobody"' }]);
  });

  it('bodies over BODY_LIMIT are 413', async () => {
    const res = await request(app).post('/v1/search').set(APP).send({ text: 'x'.repeat(70 * 1024) });
    expectError(res, 413, 'PAYLOAD_TOO_LARGE');
  });

  it('a non-JSON content type is 415', async () => {
    const res = await request(app).post('/v1/search').set(APP).set('content-type', 'text/plain').send('text=red');
    expectError(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('a malformed %-escape in the path is 400, not 500', async () => {
    const res = await request(app).get('/v1/users/%E0%A4%A/recommendations').set(APP);
    expectError(res, 400, 'VALIDATION_FAILED');
  });

  it('an image host off the allowlist and an undecodable image are 400', async () => {
    const host = await request(app).post('/v1/search').set(APP).send({ image: 'http://169.254.169.254/latest' });
    expectError(host, 400, 'IMAGE_HOST_NOT_ALLOWED');
    const escape = await request(app).post('/v1/search').set(APP).send({ image: '../../../etc/passwd' });
    expectError(escape, 400, 'VALIDATION_FAILED');
  });
});
