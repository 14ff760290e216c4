/**
 * Embedding jobs with two worker processes sharing one queue; one is SIGKILLed mid-batch. Every
 * item ends stored exactly once with one vector and is findable; a bad item fails alone with its
 * error on the job; no item is embedded by both workers except those the killed one held when
 * it died (at most one batch, handed on when its lease ran out). Items are invisible until
 * indexed. PostgreSQL only.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { contentHash } from '../../src/embed/fusion.js';
import { dropSchema, freshSchema, PG_SKIP, PG_URL } from '../helpers/backends.js';
import { fakePng } from '../helpers/fake-embedder.js';
import { ADMIN, APP, TEST_KEYS, testService } from '../helpers/service.js';
import { product } from '../store/fixtures.js';
import { startChild, type Child } from './processes.js';

const N = Number(process.env.WORKER_ITEMS ?? 300);
const BATCH = 8;
const until = async (what: string, cond: () => Promise<boolean>, limitMs = 240_000) => {
  const t0 = Date.now();
  while (!(await cond())) {
    if (Date.now() - t0 > limitMs) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
};

describe.skipIf(!PG_URL)(`embedding workers${PG_URL ? '' : ` (${PG_SKIP})`}`, () => {
  const schema = freshSchema();
  const root = mkdtempSync(join(tmpdir(), 'workers-'));
  const children: Child[] = [];
  afterAll(async () => {
    await Promise.all(children.map((c) => c.stop()));
    await dropSchema(schema);
    rmSync(root, { recursive: true, force: true });
  });

  it('two workers, one SIGKILLed mid-batch: every item embedded and stored once, bad items fail alone, nothing visible before it is indexed', async () => {
    const db = { DATABASE_URL: PG_URL, DATABASE_SCHEMA: schema, DATABASE_POOL_MAX: '4', JOB_MIN_ITEMS: '50' };
    const api = await testService({ env: db });
    const images = Array.from({ length: N }, (_, i) => fakePng(`w${i}`));
    const items: unknown[] = images.map((img, i) => ({ ...product(`w${i}`), image: `data:image/png;base64,${img.toString('base64')}` }));
    items.push({ ...product('bad-image'), image: `data:image/png;base64,${Buffer.from('not an image').toString('base64')}` });
    items.push({ ...product('bad-merchant'), merchant: 'm-nobody', image: `data:image/png;base64,${fakePng('x').toString('base64')}` });

    const res = await request(api.app).put('/v1/products').set(ADMIN).send({ items }).expect(202);
    expect(res.headers.location).toBe(`/v1/jobs/${res.body.id}`);
    expect(res.body).toMatchObject({ status: 'queued', total: N + 2, queued: N + 2, ok: 0 });
    await request(api.app).get('/v1/products/w0').set(APP).expect(404); // queued, not indexed: invisible

    // RATE_LIMIT_PER_MINUTE 0: the progress polls under one key must never be answered 429.
    const env = (name: string) => ({ ...db, API_KEYS: TEST_KEYS, LOG_LEVEL: 'silent', EMBED_BATCH: String(BATCH), JOB_LEASE_S: '5', DATA_DIR: join(root, name), FAKE_EMBED_DELAY_MS: '15', RATE_LIMIT_PER_MINUTE: '0' });
    const victim = startChild('test/pg/worker-process.ts', env('victim'));
    const survivor = startChild('test/pg/worker-process.ts', env('survivor'));
    children.push(victim, survivor);
    await Promise.all([victim.ready, survivor.ready]);
    const embedded = (c: Child) => [...c.output().matchAll(/EMBED (\w+)/g)].map((m) => m[1]!);
    await until('the victim to embed a few batches', async () => embedded(victim).length >= 3 * BATCH);
    await victim.stop('SIGKILL');
    const byVictim = embedded(victim);

    await until('the job to finish', async () => (await request(api.app).get(`/v1/jobs/${res.body.id}`).set(ADMIN)).body.status === 'done');
    const job = (await request(api.app).get(`/v1/jobs/${res.body.id}`).set(ADMIN).expect(200)).body;
    expect(job).toMatchObject({ total: N + 2, ok: N, failed: 2, queued: 0, running: 0 });
    expect(job.errors.map((e: { index: number; error: { code: string } }) => [e.index, e.error.code])).toEqual([[N, 'IMAGE_UNREADABLE'], [N + 1, 'VALIDATION_FAILED']]);

    // Exactly once, by content hash: every image embedded, and only the victim's last batch twice.
    const bySurvivor = embedded(survivor);
    // The kill was real: nothing embedded by the victim after it (a `tsx` wrapper once took the
    // SIGKILL while the worker itself went on).
    expect(embedded(victim)).toEqual(byVictim);
    expect(new Set(bySurvivor).size).toBe(bySurvivor.length);
    expect(new Set(byVictim).size).toBe(byVictim.length);
    const twice = byVictim.filter((h) => bySurvivor.includes(h));
    expect(twice.length).toBeLessThanOrEqual(BATCH);
    expect(byVictim.length).toBeLessThan(N); // the kill really was mid-queue
    // Every image's embedding is in the cache once (a SIGKILL can swallow the victim's last log lines, not its writes).
    const cached = await api.service.pg!.pools.primary.query<{ content_hash: string }>('SELECT content_hash FROM embedding_cache');
    const inCache = new Set(cached.rows.map((r) => r.content_hash));
    // The image gate re-encodes every image: what is embedded (and cached) is the stored bytes.
    const stored = await api.service.pg!.pools.primary.query<{ id: string; bytes: Buffer }>("SELECT id, bytes FROM media WHERE kind = 'product' AND id LIKE 'w%'");
    expect(stored.rows).toHaveLength(images.length);
    for (const m of stored.rows) expect(inCache.has(contentHash('image', m.bytes)), m.id).toBe(true);

    // Stored once each with one vector; visible to the API replica (through the change feed) and findable.
    const pg = api.service.pg!.pools.primary;
    const { rows } = await pg.query<{ n: number; v: number }>("SELECT count(*)::int AS n, (SELECT count(*)::int FROM product_vectors WHERE id LIKE 'w%') AS v FROM products WHERE id LIKE 'w%'");
    expect(rows[0]).toEqual({ n: N, v: N });
    for (const i of [0, Math.floor(N / 2), N - 1]) await request(api.app).get(`/v1/products/w${i}`).set(APP).expect(200);
    expect(api.service.productIndex.size()).toBe(N);
    await request(api.app).get('/v1/products/bad-image').set(APP).expect(404);
    const found = await api.core.similar('w7', 5);
    expect(found.items).toHaveLength(5);
    await api.dispose();
  }, 400_000);
});
