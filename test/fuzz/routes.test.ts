/**
 * Fuzz test of every operation in the OpenAPI document, through the real app (fixed-vector test
 * world, real commands, store, index, media): generated hostile inputs in path parameters, query
 * strings, bodies and content types, with and without keys, then a targeted pass that plants every
 * hostile data: URL and id-breaker in the image and id fields of otherwise valid writes and reads
 * back what was stored. Fixed seed and a bounded number of cases (FUZZ_SEED / FUZZ_CASES replay
 * or widen it). Asserts, for every response: no 5xx, no hang (per-request timeout), no stack trace
 * and no server file-system path in the body; and, at the end, no prototype pollution and a
 * service that still answers.
 */
import { tmpdir } from 'node:os';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../../tools/world/prng.js';
import { ADMIN, APP, buildTestApp } from '../http/harness.js';
import { addShopper, grant, product } from '../service/world.js';
import { BAD_CONTENT_TYPES, HOSTILE_DATA_URLS, HOSTILE_ID_VALUES, HOSTILE_PATH_PARAMS, HOSTILE_QUERY_VALUES, MALFORMED_JSON, plant, sample, serialise } from './hostile.js';

const SEED = Number(process.env.FUZZ_SEED ?? 14014);
const CASES_PER_OPERATION = Number(process.env.FUZZ_CASES ?? 20);
const TIMEOUT_MS = 15_000;

type Json = Record<string, unknown>;
interface Operation {
  method: string;
  path: string;
  params: Array<{ name: string; in: 'path' | 'query'; schema: Json }>;
  body?: Json;
}

let t: Awaited<ReturnType<typeof buildTestApp>>;
let operations: Operation[];
beforeAll(async () => {
  t = await buildTestApp();
  await addShopper(t.w, 'u1', ['c-red'], [grant('personalization'), grant('clickTracking')]);
  const doc = (await request(t.app).get('/openapi.json')).body as { paths: Record<string, Record<string, Json>> };
  operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({
      method,
      path,
      params: (op.parameters ?? []) as Operation['params'],
      body: (op.requestBody as { content?: Record<string, { schema: Json }> } | undefined)?.content?.['application/json']?.schema,
    })),
  );
});

/** What must never appear in a response: traces and where the server keeps its files. */
function leaks(body: string): string[] {
  const found: string[] = [];
  if (/\n\s+at [^\n]+:\d+:\d+/.test(body) || /\bat (?:async )?[\w.<>]+ \([^)]*:\d+:\d+\)/.test(body)) found.push('stack trace');
  for (const path of [process.cwd(), t.w.root, tmpdir() + '/svc-', 'node_modules', '/src/', '.ts:']) if (body.includes(path)) found.push(`path ${path}`);
  return found;
}

/** A path on the wire: each character escaped, a lone surrogate as the UTF-8 bytes it would have. */
const wire = (path: string) => [...path].map((ch) => (/[A-Za-z0-9._~/-]/.test(ch) ? ch : /\p{Cs}/u.test(ch) ? '%ED%A0%80' : encodeURIComponent(ch))).join('');

/** Valid writes of the operations that take an image or ids, with `value` planted in one field. */
const TARGETED: Record<string, (k: number, field: 'image' | 'id', value: string) => { path: string; body: unknown; media?: string }> = {
  'put /v1/products': (k, field, value) => {
    const id = field === 'id' ? value : `fz-p${k}`;
    return { path: '/v1/products', body: { items: [{ ...product(id, 'dress', 10), ...(field === 'image' ? { image: value } : {}) }] }, media: `/media/products/${id}` };
  },
  'put /v1/creators/{id}/posts': (k, field, value) => {
    const id = field === 'id' ? value : `fz-c${k}`;
    const post = { id, image: field === 'image' ? value : 'images/none.png', caption: 'red', postedAt: '2026-05-01T10:00:00Z', engagement: { likes: 1, comments: 0, saves: 0 } };
    return { path: '/v1/creators/c-red/posts', body: { items: [post] }, media: `/media/posts/${id}` };
  },
  'post /v1/search': (_k, field, value) => ({ path: '/v1/search', body: field === 'image' ? { image: value } : { text: value } }),
  'put /v1/creators': (_k, _field, value) => ({ path: '/v1/creators', body: { items: [{ id: value, handle: '@x', displayName: 'X', optIns: { styleSource: true, affiliate: true } }] } }),
  'put /v1/merchants': (_k, _field, value) => ({ path: '/v1/merchants', body: { items: [{ id: value, name: 'X', network: 'utm', settings: {} }] } }),
};

describe('fuzz: every route in the OpenAPI document', () => {
  it(`hostile inputs (seed ${SEED}, ${CASES_PER_OPERATION} cases per operation + targeted): 0 × 5xx, 0 hangs, no trace or path in any body`, async () => {
    const rng = createRng(SEED);
    const failures: string[] = [];
    let cases = 0;

    async function send(method: string, target: string, headers: Record<string, string>, body?: { type: string; text: string }) {
      let req = request(t.app)[method as 'get'](target).timeout({ response: TIMEOUT_MS, deadline: TIMEOUT_MS }).set(headers);
      if (body) req = req.set('content-type', body.type).send(body.text);
      const sent = body ? `${body.type}: ${body.text.slice(0, 120)}` : '(no body)';
      cases++;
      try {
        const res = await req;
        const where = `${method.toUpperCase()} ${target.slice(0, 150)} → ${res.status} [${sent}]`;
        if (res.status >= 500) failures.push(`${where}: ${res.text.slice(0, 300)}`);
        const leaked = leaks(res.text ?? '');
        if (leaked.length) failures.push(`${where}: leaks ${leaked.join(', ')}`);
      } catch (err) {
        failures.push(`${method.toUpperCase()} ${target.slice(0, 150)}: no answer (${(err as Error).message}) [${sent}]`);
      }
    }

    // Generated: every operation, hostile path segments (each once, then random), query values,
    // repeated and prototype keys, planted bodies, malformed JSON, wrong content types, bad keys.
    for (const op of operations) {
      for (let i = 0; i < CASES_PER_OPERATION; i++) {
        const path = op.path.replace(/\{\w+\}/g, () => (i < HOSTILE_PATH_PARAMS.length ? HOSTILE_PATH_PARAMS[i]! : rng.pick(HOSTILE_PATH_PARAMS)));
        const query = op.params
          .filter((p) => p.in === 'query' && rng.chance(0.6))
          .map((p) => `${p.name}=${encodeURIComponent(rng.pick(HOSTILE_QUERY_VALUES))}${rng.chance(0.2) ? `&${p.name}=1` : ''}`);
        if (rng.chance(0.2)) query.push(rng.pick(['__proto__[polluted]=1', 'constructor[prototype][polluted]=1', 'a[b][c]=1', '%00=%00']));
        const target = `${path}${query.length ? `?${query.join('&')}` : ''}`;
        const key = rng.pick([ADMIN, ADMIN, ADMIN, APP, {}, { authorization: `Bearer ${'k'.repeat(4000)}` }, { authorization: 'Basic Zm9vOmJhcg==' }, { 'x-api-key': "' OR 1=1 --" }]);
        let body: { type: string; text: string } | undefined;
        if (op.body || rng.chance(0.1)) {
          const kind = rng.pick(['planted', 'planted', 'planted', 'planted', 'malformed', 'content-type', 'bulk-garbage']);
          let text: string;
          if (kind === 'malformed') text = rng.pick(MALFORMED_JSON);
          else if (kind === 'bulk-garbage') text = serialise({ items: Array.from({ length: rng.int(1, 20) }, () => plant(sample(op.body, rng), rng)) });
          else text = serialise(plant(sample(op.body, rng), rng));
          body = { type: kind === 'content-type' ? rng.pick(BAD_CONTENT_TYPES) : 'application/json', text };
        }
        await send(op.method, target, key as Record<string, string>, body);
      }
    }

    // Targeted: every hostile data: URL in every image field and every id-breaker in every id of
    // an otherwise valid write, then a read of what it stored.
    let k = 0;
    for (const op of operations) {
      const build = TARGETED[`${op.method} ${op.path}`];
      if (!build) continue;
      const plants = [...(/products|posts|search/.test(op.path) ? HOSTILE_DATA_URLS.map((v) => ['image', v] as const) : []), ...HOSTILE_ID_VALUES.map((v) => ['id', v] as const)];
      for (const [field, value] of plants) {
        const c = build(k++, field, value);
        await send(op.method, c.path, ADMIN, { type: 'application/json', text: JSON.stringify(c.body) });
        if (c.media) await send('get', wire(c.media), {});
      }
    }

    expect(({} as Record<string, unknown>).polluted, 'Object.prototype polluted').toBeUndefined();
    expect((await request(t.app).get('/health')).status, 'the service still answers').toBe(200);
    console.log(`fuzz: ${cases} cases over ${operations.length} operations (seed ${SEED}): ${failures.length} failures`);
    expect(failures).toEqual([]);
  }, 180_000); // ~700 requests take ~20 s alone, ~35 s beside other test files; the margin is for a loaded CI machine
});
