/**
 * Operations through the HTTP API: a request id on every response and one structured access-log
 * line per request (through the service's one pino logger, no keys, no link tokens); /metrics
 * guarded by the admin key or METRICS_TOKEN; per-key rate limits with RateLimit headers and 429;
 * the CORS allowlist (a preflight never gets 401); one rule for unknown query and body fields on
 * every route.
 */
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp, routeSpecs } from '../../src/app.js';
import type { Core } from '../../src/core/core.js';
import { createLogger } from '../../src/log.js';
import { ADMIN, APP, testService, type TestService } from '../helpers/service.js';
import { addShopper, grant } from '../service/world.js';
import { buildTestApp } from './harness.js';

/**
 * Routes that declare every query parameter known and ignore it: links collect the parameters
 * mail and chat apps append, image URLs the cache-busting ones pages add (test/http/api.test.ts).
 */
const IGNORES_QUERY = new Set(['/r/:token', '/media/products/:id', '/media/posts/:id']);

describe('request ids and the access log', () => {
  let t: Awaited<ReturnType<typeof buildTestApp>>;
  const lines: Array<Record<string, any>> = [];
  let app: ReturnType<typeof createApp>['app'];
  beforeAll(async () => {
    t = await buildTestApp();
    await addShopper(t.w, 'u1', ['c-red'], [grant('personalization'), grant('clickTracking')]);
    const log = createLogger('info', (line) => lines.push(JSON.parse(line)));
    app = createApp({ config: t.config, core: t.core, log, demo: false }).app;
  });

  it('gives every response an x-request-id, keeping a sane one the caller sent', async () => {
    for (const res of [await request(app).get('/health'), await request(app).get('/v1/users'), await request(app).get('/nowhere').set(APP)]) {
      expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    }
    expect((await request(app).get('/health').set('x-request-id', 'trace-abc.123')).headers['x-request-id']).toBe('trace-abc.123');
    expect((await request(app).get('/health').set('x-request-id', 'bad id with spaces and {braces}')).headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('writes one line per request with the route pattern, status and time, never a key or a link token', async () => {
    lines.length = 0;
    const recs = await request(app).get('/v1/users/u1/recommendations?limit=1').set(APP).expect(200);
    const token = recs.body.items[0].affiliateUrl as string;
    await request(app).get(token).expect(302);
    await request(app).get('/v1/users').expect(401);
    const access = lines.filter((l) => l.msg === 'request' || l.msg === 'request failed');
    expect(access).toHaveLength(3);
    expect(access[0]).toMatchObject({
      level: 'info', route: '/v1/users/:id/recommendations',
      req: { id: recs.headers['x-request-id'], method: 'GET', url: '/v1/users/u1/recommendations?limit=1' },
      res: { statusCode: 200 }, responseTime: expect.any(Number), time: expect.any(String),
    });
    expect(access[1]).toMatchObject({ route: '/r/:token', req: { url: '/r/<token>' }, res: { statusCode: 302 } });
    expect(access[2]).toMatchObject({ res: { statusCode: 401 } });
    const all = JSON.stringify(lines);
    expect(all).not.toContain(APP['x-api-key']);
    expect(all).not.toContain(token.slice(3, 40));
  });
});

describe('GET /metrics', () => {
  let t: TestService;
  beforeAll(async () => {
    t = await testService({ env: { METRICS_TOKEN: 'scraper-token-0123456789' } });
  });

  it('needs the admin key or METRICS_TOKEN', async () => {
    await request(t.app).get('/metrics').expect(401);
    await request(t.app).get('/metrics').set(APP).expect(403);
    await request(t.app).get('/metrics').set(ADMIN).expect(200);
    await request(t.app).get('/metrics').set('authorization', 'Bearer scraper-token-0123456789').expect(200);
    await request(t.app).get('/v1/users').set('authorization', 'Bearer scraper-token-0123456789').expect(401); // nothing else
  });

  it('exposes per-route latency histograms, embed queue depth, index size and cache hits', async () => {
    await t.commands.upsertShopper('u1', { region: 'DE', ageBand: '25-34' });
    await request(t.app).get('/v1/users/u1/recommendations').set(APP).expect(200);
    await request(t.app).get('/v1/users/u1/recommendations').set(APP).expect(200); // a response-cache hit
    const res = await request(t.app).get('/metrics').set(ADMIN).expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    const text = res.text;
    expect(text).toMatch(/http_request_duration_seconds_bucket\{le="0\.005",method="GET",route="\/v1\/users\/:id\/recommendations",status="200"\} \d+/);
    expect(text).toMatch(/http_request_duration_seconds_count\{method="GET",route="\/v1\/users\/:id\/recommendations",status="200"\} 2/);
    expect(text).toMatch(/^embed_queue_depth 0$/m);
    expect(text).toMatch(/^index_size 0$/m);
    expect(text).toMatch(/^cache_lookups_total\{cache="response",result="hit"\} 1$/m);
    expect(text).toMatch(/^cache_lookups_total\{cache="embedding",result="miss"\} 0$/m);
    expect(text).toMatch(/^exact_scan_backlog 0$/m);
    expect(text).toMatch(/^exact_scans_abandoned_total\{when="queued"\} 0$/m);
  });
});

describe('rate limits', () => {
  let t: TestService;
  beforeAll(async () => {
    t = await testService({ env: { RATE_LIMIT_PER_MINUTE: '3' } });
  });

  it('limits each key per minute with RateLimit headers, then 429 RATE_LIMITED with Retry-After', async () => {
    const first = await request(t.app).get('/v1/users').set(APP).expect(200);
    expect(first.headers['ratelimit-policy']).toMatch(/^"3-per-minute"; q=3; w=60; pk=:[A-Za-z0-9+/=]+:$/);
    expect(first.headers.ratelimit).toMatch(/^"3-per-minute"; r=2; t=\d+$/);
    await request(t.app).get('/v1/users').set(APP).expect(200);
    await request(t.app).get('/v1/users').set(APP).expect(200);
    const limited = await request(t.app).get('/v1/users').set(APP).expect(429);
    expect(limited.body.error.code).toBe('RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // Another key has its own budget; health and images are never limited.
    await request(t.app).get('/v1/users').set(ADMIN).expect(200);
    for (let i = 0; i < 5; i++) await request(t.app).get('/health').expect(200);
  });

  it('limits requests without a valid key per client address too', async () => {
    for (let i = 0; i < 3; i++) await request(t.app).get('/v1/users').set('x-api-key', `guess-${i}-xxxxxxxx`).expect(401);
    await request(t.app).get('/v1/users').set('x-api-key', 'guess-9-xxxxxxxx').expect(429);
  });
});

describe('CORS', () => {
  let t: TestService;
  let closed: TestService;
  beforeAll(async () => {
    t = await testService({ env: { CORS_ORIGINS: 'https://shop.example' } });
    closed = await testService();
  });
  const preflight = (app: TestService['app'], origin: string) =>
    request(app).options('/v1/users/u1/recommendations').set('origin', origin).set('access-control-request-method', 'GET').set('access-control-request-headers', 'authorization');

  it('answers an allowed origin\'s preflight with the allow headers, and never with 401', async () => {
    const ok = await preflight(t.app, 'https://shop.example').expect(204);
    expect(ok.headers['access-control-allow-origin']).toBe('https://shop.example');
    expect(ok.headers['access-control-allow-headers']).toContain('authorization');
    const other = await preflight(t.app, 'https://evil.example').expect(204);
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
    const none = await preflight(closed.app, 'https://shop.example').expect(204);
    expect(none.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('lets an allowed origin read the response and its request id', async () => {
    const res = await request(t.app).get('/v1/users').set(APP).set('origin', 'https://shop.example').expect(200);
    expect(res.headers['access-control-allow-origin']).toBe('https://shop.example');
    expect(res.headers['access-control-expose-headers']).toContain('x-request-id');
    const other = await request(t.app).get('/v1/users').set(APP).set('origin', 'https://evil.example').expect(200);
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('one rule for unknown query and body fields, on every route', () => {
  let t: TestService;
  beforeAll(async () => {
    t = await testService();
  });
  const specs = routeSpecs(new Proxy({}, { get: () => undefined }) as Core);
  const path = (p: string) => p.replace(/:(\w+)/g, (_m, name) => `x-${name}`);

  it.each(specs.filter((s) => !IGNORES_QUERY.has(s.path)).map((s) => [s.method.toUpperCase(), s.path, s] as const))('%s %s refuses an unknown query parameter by name', async (_m, _p, spec) => {
    const res = await request(t.app)[spec.method](`${path(spec.path)}?limt=5`).set(ADMIN);
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual(expect.arrayContaining([{ path: 'query.limt', message: 'unknown field "limt"' }]));
  });

  it.each(specs.filter((s) => ['put', 'post', 'patch'].includes(s.method)).map((s) => [s.method.toUpperCase(), s.path, s] as const))('%s %s refuses an unknown body field by name', async (_m, _p, spec) => {
    const res = await request(t.app)[spec.method](path(spec.path)).set(ADMIN).send({ colr: 'red' });
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual(expect.arrayContaining([{ path: 'colr', message: 'unknown field "colr"' }]));
  });

  it('refuses nested unknown fields, and unknown fields of bulk items per item', async () => {
    const search = await request(t.app).post('/v1/search').set(APP).send({ text: 'red', filters: { categroy: 'dress' } }).expect(400);
    expect(search.body.error.details).toEqual([{ path: 'filters.categroy', message: 'unknown field "categroy"' }]);
    const item = { id: 'p1', title: 'x', description: '', brand: 'b', category: 'dress', price: 1, currency: 'EUR', merchant: 'm-test', url: 'https://x.example/p1', network: 'utm', image: t.image('images/products/p1.png'), colr: 'red' };
    const bulk = await request(t.app).put('/v1/products').set(ADMIN).send({ items: [item] }).expect(422); // no item accepted: BATCH_REJECTED
    expect(bulk.body.results[0]).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED', message: 'items.0.colr: unknown field "colr"' } });
  });

  it('the redirect ignores what mail and chat apps append to a link', async () => {
    const res = await request(t.app).get('/r/not-a-token?utm_source=newsletter&fbclid=x');
    expect(res.body.error.code).toBe('TOKEN_INVALID');
  });
});
