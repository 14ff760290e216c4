/**
 * The demo proxy through the real app on a real port, with raw request targets (an attacker's
 * `#`, `\`, `%2f`, `..` and `//` are sent exactly as written): it can be switched off and is off
 * with real keys, forwards only its exact route table, reaches only demo personas, and records
 * its consent events with source "demo".
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { demoEnabled, loadConfig } from '../../src/config.js';
import { APP } from '../helpers/service.js';
import { rawRequest } from '../helpers/raw-http.js';
import { buildWorld, type TestWorld } from '../service/world.js';

let w: TestWorld;
let server: Server;
let port: number;
const persona = { id: 'u-demo', displayName: 'Demo', region: 'DE', ageBand: '25-34' as const, follows: ['c-red'], consents: [] };
const real = { ...persona, id: 'u-real', displayName: 'Real person' };

beforeAll(async () => {
  w = await buildWorld({ demo: true });
  expect((await w.commands.importShoppers([persona], { demo: true }))[0]!.ok).toBe(true);
  expect((await w.commands.importShoppers([real]))[0]!.ok).toBe(true);
  server = w.app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('the demo switch', () => {
  it('auto: on with the dev keys only; DEMO=true|false decides otherwise', () => {
    expect(demoEnabled(loadConfig({}))).toBe(true);
    expect(demoEnabled(loadConfig({ API_KEYS: 'admin:real-admin-key,app:real-app-key' }))).toBe(false);
    expect(demoEnabled(loadConfig({ API_KEYS: 'app:dev-app-key' }))).toBe(false);
    expect(demoEnabled(loadConfig({ API_KEYS: 'admin:real-admin-key,app:real-app-key', DEMO: 'true' }))).toBe(true);
    expect(demoEnabled(loadConfig({ DEMO: 'false' }))).toBe(false);
    expect(() => loadConfig({ DEMO: 'maybe' })).toThrow(/DEMO/);
    expect(() => loadConfig({ DEMO: 'false', DEMO_MERCHANT_REDIRECT: 'true' })).toThrow(/DEMO_MERCHANT_REDIRECT/);
  });

  it('off: no page, no proxy, no merchant page (the app built from config with real keys)', async () => {
    const { app } = createApp({ config: w.config, core: w.core }); // w.config has real (test) keys, DEMO=auto
    for (const path of ['/', '/demo-api/v1/users', '/demo-api/v1/users/u-demo/consents', '/demo-merchant?target=https://a.test/']) {
      expect((await request(app).get(path)).status).toBe(404);
    }
  });
});

describe('only the exact route table, on the raw target', () => {
  it.each([
    ['PUT', '/demo-api/v1/users/u-demo#/consents'],
    ['PUT', '/demo-api/v1/users/u-demo%2fconsents'],
    ['PUT', '/demo-api/v1/users/u-demo/consents/..'],
    ['PUT', '/demo-api/v1/users/u-demo/../u-demo'],
    ['PUT', '/demo-api//v1/users/u-demo'],
    ['PUT', '/demo-api/v1/users/u-demo\\consents\\..'],
  ])('%s %s cannot rewrite the shopper (404)', async (method, target) => {
    const res = await rawRequest(port, method, target, { body: JSON.stringify({ region: 'US', ageBand: '13-15', events: [{ purpose: 'health', granted: true }] }) });
    expect(res.status).toBe(404);
    expect(await w.core.getShopper('u-demo')).toMatchObject({ region: 'DE', ageBand: '25-34' });
    expect((await w.store.listConsents('u-demo')).length).toBe(0);
  });

  it.each([
    '/demo-api/v1/creators/..\\products\\r0',
    '/demo-api/v1/creators/..%5cproducts%5cr0',
    '/demo-api/v1/creators/..%2fproducts%2fr0',
    '/demo-api/v1/creators/%2e%2e/products/r0',
    '/demo-api/v1/users/u-demo/../../products/r0',
    '/demo-api/v1/creators/c-red/../../products/r0',
    '/demo-api/v1/reports/clicks?groupBy=creator',
    '/demo-api/v1/users/u-demo/',
    '/demo-api/v1/./users',
  ])('GET %s is 404 and reads nothing', async (target) => {
    const res = await rawRequest(port, 'GET', target);
    expect(res.status).toBe(404);
    expect(res.body).not.toContain('"title"');
    expect(res.body).not.toContain('"rows"');
  });

  it('a fragment or path in the query string stays in the query', async () => {
    const res = await rawRequest(port, 'GET', '/demo-api/v1/users/u-demo/recommendations?limit=2#/../../../reports/clicks');
    expect(res.status).toBe(400); // limit "2#/../../../reports/clicks" is not a number
    expect(JSON.parse(res.body).error.details[0].path).toBe('query.limit');
  });

  it('the table routes work', async () => {
    expect((await rawRequest(port, 'GET', '/demo-api/v1/users/u-demo/recommendations?limit=3')).status).toBe(200);
    expect((await rawRequest(port, 'GET', '/demo-api/v1/creators/c-red')).status).toBe(200);
    expect((await rawRequest(port, 'POST', '/demo-api/v1/search', { body: JSON.stringify({ text: 'red', limit: 2 }) })).status).toBe(200);
  });
});

describe('only demo personas', () => {
  it('the shopper list holds only personas', async () => {
    const res = await rawRequest(port, 'GET', '/demo-api/v1/users');
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body).items.map((u: { id: string }) => u.id)).toEqual(['u-demo']);
  });

  it.each([
    ['GET', '/demo-api/v1/users/u-real'],
    ['GET', '/demo-api/v1/users/u-real/recommendations'],
    ['GET', '/demo-api/v1/users/u-real/consents'],
    ['PUT', '/demo-api/v1/users/u-real/consents'],
    ['GET', '/demo-api/v1/users/u-nobody'],
  ])('%s %s is 404, like an unknown shopper', async (method, target) => {
    const res = await rawRequest(port, method, target, method === 'PUT' ? { body: JSON.stringify({ events: [{ purpose: 'personalization', granted: true }] }) } : {});
    expect(res.status).toBe(404);
    expect(res.body).not.toContain('Real person');
    expect((await w.store.listConsents('u-real')).length).toBe(0);
  });

  it('an app key cannot make a shopper a persona', async () => {
    // `demo` is not a field of the body: refused by name like every unknown field.
    const res = await request(w.app).put('/v1/users/u-real').set(APP).send({ region: 'DE', ageBand: '25-34', demo: true });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body.error)).toContain('demo');
    expect((await request(w.app).put('/v1/users/u-real').set(APP).send({ region: 'DE', ageBand: '25-34' })).body.demo).toBe(false);
    expect((await rawRequest(port, 'GET', '/demo-api/v1/users/u-real')).status).toBe(404);
    // ...and updating a persona through the API keeps it one.
    expect((await request(w.app).put('/v1/users/u-demo').set(APP).send({ region: 'DE', ageBand: '25-34' })).body.demo).toBe(true);
  });
});

describe('consent written through the demo', () => {
  it('is recorded with source "demo", whatever the page sent', async () => {
    const res = await rawRequest(port, 'PUT', '/demo-api/v1/users/u-demo/consents', {
      body: JSON.stringify({ events: [{ purpose: 'personalization', granted: true, source: 'settings' }, { purpose: 'clickTracking', granted: false }] }),
    });
    expect(res.status).toBe(200);
    expect((await w.store.listConsents('u-demo')).map((e) => e.source)).toEqual(['demo', 'demo']);
  });
});
