/**
 * The demo router without a browser: the key-adding proxy forwards only the page's routes, the
 * merchant page shows (and escapes) the tagged URL, and the page is refused until it is built.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { affiliateParams, demoMerchantPath, renderMerchantPage } from '../../src/demo/merchant-page.js';
import { createDemoRouter, matchDemoRoute } from '../../src/http/demo.js';
import { errorHandler } from '../../src/http/errors.js';
import { silentLogger } from '../../src/log.js';

const KEY = 'demo-test-key-0123';

/** An app with the demo router in front of a fake API that reports which key reached it. */
function appWith(buildDir?: string) {
  const app = express();
  app.use(createDemoRouter({ apiKey: KEY, buildDir, isDemoPersona: async (id) => id.startsWith('u') }));
  app.use(express.json());
  app.get('/v1/users/:id/recommendations', (req, res) => {
    res.json({ sawKey: req.get('authorization') === `Bearer ${KEY}`, id: req.params.id, diversity: req.query.diversity });
  });
  app.post('/v1/search', (req, res) => res.status(201).json({ echo: req.body, sawKey: req.get('authorization') === `Bearer ${KEY}` }));
  app.get('/v1/reports/clicks', (_req, res) => res.json({ leaked: true }));
  app.use(errorHandler(silentLogger));
  return app;
}

describe('matchDemoRoute: the exact route table on the raw path', () => {
  it.each([
    ['GET', '/v1/users', true],
    ['GET', '/v1/users/u1', true],
    ['GET', '/v1/users/u1/recommendations', true],
    ['PUT', '/v1/users/u1/consents', true],
    ['POST', '/v1/search', true],
    ['GET', '/v1/creators/c1', true],
    ['DELETE', '/v1/users/u1', false],
    ['PUT', '/v1/users/u1', false],
    ['PUT', '/v1/products', false],
    ['GET', '/v1/reports/clicks', false],
    ['GET', '/v1/users/..', false],
    ['GET', '/v1/users/%2e%2E', false],
    ['GET', '/v1/users/u1/../../reports/clicks', false],
    ['PUT', '/v1/users/u1#/consents', false],
    ['GET', '/v1/creators/..\\products\\p1', false],
    ['GET', '/v1/users/u1%2fconsents', false],
    ['GET', '/v1/users%2Fu1', false],
    ['GET', '//v1/users', false],
    ['GET', '/v1//users', false],
    ['GET', '/v1/users/', false],
    ['GET', '/v1/./users', false],
    ['GET', '/v1/users/.hidden', false],
    ['GET', '/v1/users;x', false],
    ['GET', '/V1/users', false],
  ])('%s %s → %s', (method, path, allowed) => {
    expect(matchDemoRoute(method, path) !== null).toBe(allowed);
  });

  it('names the shopper a route is about', () => {
    expect(matchDemoRoute('PUT', '/v1/users/u7/consents')).toMatchObject({ path: '/v1/users/u7/consents', shopper: 'u7' });
    expect(matchDemoRoute('GET', '/v1/creators/c1')?.shopper).toBeUndefined();
  });
});

describe('demo proxy', () => {
  it('adds the server-side key, keeps the query string and passes JSON bodies and statuses through', async () => {
    const app = appWith();
    const rec = await request(app).get('/demo-api/v1/users/u7/recommendations?diversity=0.6').expect(200);
    expect(rec.body).toEqual({ sawKey: true, id: 'u7', diversity: '0.6' });
    const search = await request(app).post('/demo-api/v1/search').send({ text: 'red dress' }).expect(201);
    expect(search.body).toEqual({ echo: { text: 'red dress' }, sawKey: true });
  });

  it('refuses routes the page does not use with the standard error envelope', async () => {
    const res = await request(appWith()).get('/demo-api/v1/reports/clicks').expect(404);
    expect(res.body.error.code).toBe('NOT_FOUND');
    expect(JSON.stringify(res.body)).not.toContain('leaked');
  });

  it('ignores a key the browser sends and never echoes the server key', async () => {
    const res = await request(appWith()).get('/demo-api/v1/users/u1/recommendations').set('authorization', 'Bearer browser-key').expect(200);
    expect(res.body.sawKey).toBe(true);
    expect(JSON.stringify(res.headers)).not.toContain(KEY);
  });
});

describe('demo page assets', () => {
  it('answers 503 with the build command until the page is built, then serves it without the key', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'demo-build-'));
    const unbuilt = await request(appWith(empty + '/')).get('/').expect(503);
    expect(unbuilt.text).toContain('npm run build:demo');

    writeFileSync(join(empty, 'main.js'), 'console.log("page")');
    const app = appWith(empty + '/');
    const html = await request(app).get('/').expect(200);
    expect(html.text).toContain('/demo/main.js');
    expect(html.text).not.toContain(KEY);
    expect((await request(app).get('/demo/main.js').expect(200)).text).toContain('page');
    expect((await request(app).get('/demo/styles.css').expect(200)).text).toContain('.card');
    await request(app).get('/demo/missing.js').expect(404);
  });
});

describe('demo merchant page', () => {
  const target = 'https://www.amazon.de/dp/B0TEST?tag=ourstore-21&ascsubtag=cc_1a2b';

  it('round-trips the final URL through demoMerchantPath and shows each affiliate parameter', async () => {
    const path = demoMerchantPath(target);
    expect(path.startsWith('/demo-merchant?target=')).toBe(true);
    const res = await request(appWith()).get(path).expect(200);
    expect(res.text).toContain('data-testid="merchant-url">https://www.amazon.de/dp/B0TEST?tag=ourstore-21&amp;ascsubtag=cc_1a2b<');
    expect(res.text).toContain('data-param="tag"');
    expect(res.text).toContain('Amazon Associates');
    expect(res.text).not.toMatch(/<a[^>]+amazon\.de/); // shown, never linked
  });

  it('escapes markup in the URL', () => {
    const { status, html } = renderMerchantPage('https://shop.test/p?x=<script>alert(1)</script>');
    expect(status).toBe(200);
    expect(html).not.toContain('<script>alert');
    expect(html).toContain('&lt;script&gt;');
  });

  it.each([undefined, '', 'not a url', 'javascript:alert(1)', ['https://a.test', 'https://b.test']])('answers 400 for target %j', (t) => {
    expect(renderMerchantPage(t).status).toBe(400);
  });

  it('labels known parameters and keeps unknown ones', () => {
    const params = affiliateParams(new URL('https://x.test/?subId1=cc_9&colour=red'));
    expect(params).toEqual([
      { name: 'subId1', value: 'cc_9', meaning: expect.stringContaining('Impact') },
      { name: 'colour', value: 'red', meaning: null },
    ]);
  });
});
