/**
 * The bulk load while a server runs: refused without --api (naming --api), and through a real
 * running server's HTTP API with --api (relative image paths sent as data: URLs, per-item errors
 * the API returns mapped back to their lines). The API client's handling of 429, RateLimit, 413
 * and whole-batch 400s against a stub server.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { apiSink } from '../../src/cli/bulk/api-sink.js';
import { silentLogger } from '../../src/log.js';
import { startServer } from '../../src/server.js';
import { createFakeEmbedder } from '../helpers/fake-embedder.js';
import { ADMIN, TEST_KEYS } from '../helpers/service.js';
import { product } from '../store/fixtures.js';
import { bulkRoot, cli } from './bulk-helpers.js';

const jsonl = (rows: unknown[]) => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';

describe('bulk load into a running server', () => {
  it('is refused without --api (the message names --api) and loads through the API with it', async () => {
    const t = bulkRoot('bulk-api-');
    const world = join(t.root, 'world');
    mkdirSync(world);
    for (const f of ['creators.json', 'posts.json', 'products.json', 'users.json']) writeFileSync(join(world, f), '[]');
    const env = { ...t.env, PORT: '0', WORLD_DIR: world, API_KEYS: TEST_KEYS };
    const embedder = createFakeEmbedder({ dimension: 8 });
    const server = await startServer(env, silentLogger, { embedder });
    try {
      const products = t.file(
        'products.jsonl',
        jsonl([product('p1', { image: t.image('p1.png') }), product('p2', { image: t.image('p2.png'), merchant: 'm-nobody' }), product('p3', { image: 'images/missing.png' }), product('p4', { image: t.image('p4.png') })]),
      );
      const refused = await cli(['--merchants', t.merchants, '--products', products], env, embedder);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/DATA_DIR_IN_USE: .*in use by a running server .*npm run ingest -- --api http:\/\/<host>:<port> --key/);

      const key = ADMIN.authorization.replace('Bearer ', '');
      const run = await cli(['--api', server.url, '--key', key, '--merchants', t.merchants, '--products', products, '--batch', '2'], env, embedder);
      expect(run.code).toBe(1);
      const lines = run.stdout.split('\n');
      expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^${products}:2: merchant: no merchant "m-nobody"`)));
      expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^${products}:3: image: `)));
      expect(run.stdout).toContain(`${products}: 2 ok, 2 rejected, 0 skipped as already done`);
      // The running server serves them at once: they went through its own write path.
      for (const id of ['p1', 'p4']) expect((await fetch(`${server.url}/v1/products/${id}`, { headers: ADMIN })).status).toBe(200);
      expect((await fetch(`${server.url}/v1/products/p2`, { headers: ADMIN })).status).toBe(404);

      // A batch the API refuses whole (422: no item accepted) still reports each record by line.
      const bad = t.file('bad.jsonl', jsonl([product('q1', { image: t.image('q1.png'), merchant: 'm-x' }), product('q2', { image: t.image('q2.png'), merchant: 'm-y' })]));
      const rejected = await cli(['--api', server.url, '--key', key, '--products', bad], env, embedder);
      expect(rejected.stdout).toMatch(new RegExp(`${bad}:1: merchant: no merchant "m-x"[\\s\\S]*${bad}:2: merchant: no merchant "m-y"`));

      const wrongKey = await cli(['--api', server.url, '--key', 'nope', '--restart', '--products', products], env, embedder);
      expect(wrongKey.code).toBe(1);
      expect(wrongKey.stderr).toMatch(/UNAUTHENTICATED: .* answered 401/);
    } finally {
      await server.close();
    }
  });
});

describe('bulk load API client', () => {
  /** A stub server that answers each PUT with the next scripted reply. */
  type Reply = { status: number; headers?: Record<string, string>; body?: unknown };
  async function stub(replies: Array<(items: unknown[]) => Reply>) {
    const seen: number[] = [];
    const server = createServer((req, res) => {
      let text = '';
      req.on('data', (d) => (text += d));
      req.on('end', () => {
        const items = (JSON.parse(text) as { items: unknown[] }).items;
        seen.push(items.length);
        const reply: Reply = (replies.shift() ?? ok)(items);
        res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers }).end(JSON.stringify(reply.body ?? {}));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return { url, seen, close: () => new Promise((r) => server.close(r)) };
  }
  const ok = (items: unknown[]): Reply => ({ status: 200, body: { results: items.map((_, k) => ({ id: `x${k}`, ok: true })) } });
  const records = [{ id: 'a', image: 'data:,' }, { id: 'b', image: 'data:,' }, { id: 'c', image: 'data:,' }];

  it('waits as Retry-After says on 429, and as RateLimit says when none remain, then goes on', async () => {
    const s = await stub([
      () => ({ status: 429, headers: { 'retry-after': '2' }, body: { error: { code: 'RATE_LIMITED', message: 'slow down' } } }),
      (items) => ({ ...ok(items), headers: { ratelimit: '"default";r=0;t=3' } }),
    ]);
    const waits: number[] = [];
    const sink = apiSink({ base: s.url, key: 'k', sleep: async (ms) => void waits.push(ms) });
    const out = await sink.write('products', records, { imagesDir: '/nonexistent' });
    await s.close();
    expect(out.every((o) => o.ok)).toBe(true);
    expect(waits).toEqual([2000, 3000]);
    expect(s.seen).toEqual([3, 3]);
  });

  it('splits a batch the server finds too large (413) and maps a whole-batch 400 to the items it names', async () => {
    const s = await stub([
      () => ({ status: 413, body: { error: { code: 'PAYLOAD_TOO_LARGE', message: 'too large' } } }),
      () => ({ status: 400, body: { error: { code: 'VALIDATION_FAILED', message: 'bad', details: [{ path: 'items.1.price', message: 'expected number' }] } } }),
      ok,
    ]);
    const sink = apiSink({ base: s.url, key: 'k', sleep: async () => {} });
    const out = await sink.write('products', records, { imagesDir: '/nonexistent' });
    await s.close();
    expect(s.seen).toEqual([3, 2, 1]);
    expect(out[1]).toEqual({ ok: false, problems: [{ field: 'price', message: 'expected number' }] });
    expect(out[0]!.ok).toBe(false); // refused with its batch-mate: the server wrote nothing of that batch
    expect(out[2]).toEqual({ ok: true });
  });
});
