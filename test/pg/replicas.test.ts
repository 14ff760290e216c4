/**
 * Two API replicas (two server processes) on one PostgreSQL database, under concurrent load:
 * every consent withdrawal, erasure, creator opt-out and product delete acknowledged by replica A
 * is honoured by replica B's very next response, with B's response cache on (300 s) so a missed
 * invalidation would show. Background traffic hits both replicas all along. PostgreSQL only.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropSchema, freshSchema, PG_SKIP, PG_URL } from '../helpers/backends.js';
import { TEST_KEYS } from '../helpers/service.js';
import { addShopper, buildWorld, grant, post, product, vec, vectorImage } from '../service/world.js';
import { startChild, type Child } from './processes.js';

const SHOPPERS = 24;
const ROUNDS = Number(process.env.REPLICA_ROUNDS ?? 30);
const admin = { authorization: 'Bearer admin-key-123', 'content-type': 'application/json' };
const app = { 'x-api-key': 'app-key-12345', 'content-type': 'application/json' };

describe.skipIf(!PG_URL)(`two API replicas on one database${PG_URL ? '' : ` (${PG_SKIP})`}`, () => {
  const schema = freshSchema();
  const root = mkdtempSync(join(tmpdir(), 'replicas-'));
  const env = (name: string) => ({
    DATABASE_URL: PG_URL, DATABASE_SCHEMA: schema, DATABASE_POOL_MAX: '8', PORT: '0', API_KEYS: TEST_KEYS, LOG_LEVEL: 'silent',
    RECOMMEND_CACHE_TTL_S: '300', DATA_DIR: join(root, name), WORLD_DIR: join(root, 'world'),
    // Thousands of requests a minute under one key: the per-key rate limit would answer 429.
    RATE_LIMIT_PER_MINUTE: '0',
  });
  let a: Child;
  let b: Child;
  let A = '';
  let B = '';

  beforeAll(async () => {
    // The world is written through the commands once; then two fresh processes serve it.
    const w = await buildWorld({ env: { DATABASE_URL: PG_URL, DATABASE_SCHEMA: schema } });
    for (let i = 0; i < SHOPPERS; i++) await addShopper(w, `s${i}`, ['c-red', 'c-blue'], [grant('personalization'), grant('clickTracking')]);
    // The opt-out sequence toggles a creator of its own, followed only by shoppers of its own.
    await w.commands.upsertCreators([{ id: 'c-opt', handle: '@c-opt', displayName: 'Opt', aesthetics: ['x'], optIns: { styleSource: true, affiliate: true } }]);
    await w.addPosts('c-opt', [0, 1].map((j) => ({ post: { ...post(`c-opt-p${j}`, 'c-opt', j), caption: 'look' }, vector: vec('green', 0.01 * (j + 1), j) })));
    for (let i = 0; i < 4; i++) await addShopper(w, `o${i}`, ['c-opt'], [grant('personalization')]);
    await w.dispose();
    a = startChild('test/pg/replica-server.ts', env('a'));
    b = startChild('test/pg/replica-server.ts', env('b'));
    [A, B] = await Promise.all([a.ready, b.ready]);
  });

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await dropSchema(schema);
    rmSync(root, { recursive: true, force: true });
  });

  it('honours on B, at the next request, every change acknowledged by A (0 violations)', async () => {
    const call = async (base: string, method: string, path: string, body?: unknown, headers: Record<string, string> = app) => {
      const res = await fetch(base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    };
    const recs = (base: string, id: string) => call(base, 'GET', `/v1/users/${id}/recommendations?limit=8`);
    let checks = 0;
    const violations: string[] = [];
    const check = (ok: boolean, what: string) => {
      checks++;
      if (!ok) violations.push(what);
    };
    const ok = async (p: Promise<{ status: number; body: unknown }>, status = 200) => {
      const r = await p;
      expect(r.status, JSON.stringify(r.body)).toBe(status);
      return r;
    };

    // Background load on both replicas for as long as the checks run.
    let running = true;
    const load = Array.from({ length: 4 }, async (_, k) => {
      for (let n = 0; running && n < 5000; n++) await recs(n % 2 ? A : B, `s${(n + k) % SHOPPERS}`);
    });

    const consent = async (id: string) => {
      for (let r = 0; r < ROUNDS; r++) {
        await recs(B, id); // fills B's response cache under the granted decision
        await ok(call(A, 'PUT', `/v1/users/${id}/consents`, { events: [{ purpose: 'personalization', granted: false }] }));
        const after = await recs(B, id);
        check(after.status === 200 && after.body.personalized === false, `B served a personalised list to ${id} after the withdrawal on A`);
        await ok(call(A, 'PUT', `/v1/users/${id}/consents`, { events: [{ purpose: 'personalization', granted: true }] }));
        const back = await recs(B, id);
        check(back.body.personalized === true, `B kept ${id} unpersonalised after the grant on A (${back.status}: ${JSON.stringify(back.body?.consent)} ${back.body?.reason ?? JSON.stringify(back.body).slice(0, 200)})`);
      }
    };

    const optOut = async () => {
      for (let r = 0; r < ROUNDS * 2; r++) {
        const id = `o${r % 4}`;
        await recs(B, id); // cached on B while c-opt is credited
        await ok(call(A, 'PATCH', '/v1/creators/c-opt/opt-ins', { affiliate: false, styleSource: false }, admin));
        const res = await recs(B, id);
        const items = res.body.items as Array<{ disclosure: string; inspiredBy: { creatorId: string } | null }>;
        check(res.body.personalized === false && items.every((i) => !i.disclosure.includes('@c-opt') && i.inspiredBy?.creatorId !== 'c-opt'), `B credited or cited c-opt after its opt-out on A (${id})`);
        await ok(call(A, 'PATCH', '/v1/creators/c-opt/opt-ins', { affiliate: true, styleSource: true }, admin));
        const again = await recs(B, id);
        check((again.body.items as Array<{ disclosure: string }>).some((i) => i.disclosure.includes('@c-opt')), `B did not credit c-opt again after the opt-in on A (${id})`);
      }
    };

    const erasure = async () => {
      for (let r = 0; r < ROUNDS * 2; r++) {
        const id = `e${r}`;
        await ok(call(A, 'PUT', `/v1/users/${id}`, { region: 'DE', ageBand: '25-34' }));
        await ok(call(A, 'PUT', `/v1/users/${id}/follows`, { creatorIds: ['c-blue'] }));
        await ok(call(A, 'PUT', `/v1/users/${id}/consents`, { events: [{ purpose: 'personalization', granted: true }] }));
        const before = await recs(B, id);
        check(before.body.personalized === true, `B did not see ${id}, created on A`);
        await ok(call(A, 'DELETE', `/v1/users/${id}`, undefined, admin));
        check((await recs(B, id)).status === 404, `B served ${id} after the erasure on A`);
        check((await call(B, 'GET', `/v1/users/${id}/consents`)).status === 404, `B showed ${id}'s consents after the erasure on A`);
      }
    };

    const deletes = async () => {
      for (let r = 0; r < ROUNDS * 2; r++) {
        const id = `x${r}`;
        const item = { ...product(id, 'dress', 15), image: await vectorImage(vec('red', 0.0001 * (r + 1))) };
        const put = await ok(call(A, 'PUT', '/v1/products', { items: [item] }, admin));
        expect(put.body).toMatchObject({ ok: 1 });
        check((await call(B, 'GET', `/v1/products/${id}`)).status === 200, `B did not serve ${id}, written on A`);
        const found = await call(B, 'POST', '/v1/search', { text: 'red', limit: 5 });
        check((found.body.items as Array<{ product: { id: string } }>).some((i) => i.product.id === id), `B's index did not have ${id}, written on A`);
        await ok(call(A, 'DELETE', `/v1/products/${id}`, undefined, admin), 204);
        check((await call(B, 'GET', `/v1/products/${id}`)).status === 404, `B served ${id} after its delete on A`);
        const search = await call(B, 'POST', '/v1/search', { text: 'red', limit: 20 });
        check(!(search.body.items as Array<{ product: { id: string } }>).some((i) => i.product.id === id), `B's search returned ${id} after its delete on A`);
        const list = await recs(B, 's0');
        check(!(list.body.items as Array<{ product: { id: string } }>).some((i) => i.product.id === id), `B recommended ${id} after its delete on A`);
      }
    };

    // The taxonomy decides health for everyone: a category marked health on A is health on B at once.
    const taxonomy = async () => {
      const on = async (base: string, id: string) =>
        ((await call(base, 'GET', '/v1/categories')).body as { items: Array<{ id: string; sensitive?: string }> }).items.find((c) => c.id === id);
      for (let r = 0; r < ROUNDS; r++) {
        const id = `cat-r${r}`;
        await ok(call(A, 'PUT', '/v1/categories', { items: [{ id, group: 'home' }] }, admin));
        check((await on(B, id))?.sensitive === undefined, `B did not list ${id}, created on A`);
        await ok(call(A, 'PUT', '/v1/categories', { items: [{ id, group: 'health', sensitive: 'health' }] }, admin));
        check((await on(B, id))?.sensitive === 'health', `B did not treat ${id} as health after A marked it`);
      }
    };

    try {
      await Promise.all([
      taxonomy(),
      ...Array.from({ length: 4 }, (_, k) => (async () => {
        for (let i = k; i < SHOPPERS; i += 4) await consent(`s${i}`);
      })()),
      optOut(),
      erasure(),
      deletes(),
      ]);
    } finally {
      running = false;
      await Promise.allSettled(load);
    }
    if (violations.length) console.log('B OUTPUT', b.output().slice(-6000));
    expect(violations.slice(0, 5)).toEqual([]);
    expect(checks).toBeGreaterThanOrEqual(ROUNDS * 60);
    console.log(`two replicas: ${checks} checks, ${violations.length} violations`);
  }, 600_000);
});
