/**
 * Fuzz test of every operation in the OpenAPI document, through the real app (fixed-vector test
 * world, real commands, store, index, media): generated hostile inputs in path parameters, query
 * strings, bodies and content types, with and without keys. Fixed seed and a bounded number of
 * cases (FUZZ_SEED / FUZZ_CASES replay or widen it). Asserts, for every response: no 5xx, no hang
 * (per-request timeout), no stack trace and no server file-system path in the body; and, at the
 * end, no prototype pollution and a service that still answers.
 */
import { tmpdir } from 'node:os';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../../tools/world/prng.js';
import { ADMIN, APP, buildTestApp } from '../http/harness.js';
import { addShopper, grant } from '../service/world.js';
import { BAD_CONTENT_TYPES, HOSTILE_PATH_PARAMS, HOSTILE_QUERY_VALUES, MALFORMED_JSON, plant, sample, serialise } from './hostile.js';

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

describe('fuzz: every route in the OpenAPI document', () => {
  it(`hostile inputs (seed ${SEED}, ${CASES_PER_OPERATION} cases per operation): 0 × 5xx, 0 hangs, no trace or path in any body`, async () => {
    const rng = createRng(SEED);
    const failures: string[] = [];
    let cases = 0;
    for (const op of operations) {
      for (let i = 0; i < CASES_PER_OPERATION; i++) {
        // Path: each hostile segment once, then random ones; query: hostile values, repeated keys, junk keys.
        const pathValue = () => (i < HOSTILE_PATH_PARAMS.length ? HOSTILE_PATH_PARAMS[i]! : rng.pick(HOSTILE_PATH_PARAMS));
        const path = op.path.replace(/\{\w+\}/g, pathValue);
        const query = op.params
          .filter((p) => p.in === 'query' && rng.chance(0.6))
          .map((p) => `${p.name}=${encodeURIComponent(rng.pick(HOSTILE_QUERY_VALUES))}${rng.chance(0.2) ? `&${p.name}=1` : ''}`);
        if (rng.chance(0.2)) query.push(rng.pick(['__proto__[polluted]=1', 'constructor[prototype][polluted]=1', 'a[b][c]=1', '%00=%00']));
        const target = `${path}${query.length ? `?${query.join('&')}` : ''}`;

        let req = request(t.app)[op.method as 'get'](target).timeout({ response: TIMEOUT_MS, deadline: TIMEOUT_MS });
        const key = rng.pick([ADMIN, ADMIN, ADMIN, APP, {}, { authorization: `Bearer ${'k'.repeat(4000)}` }, { authorization: 'Basic Zm9vOmJhcg==' }, { 'x-api-key': "' OR 1=1 --" }]);
        req = req.set(key as Record<string, string>);
        let sent = '(no body)';
        if (op.body || rng.chance(0.1)) {
          const kind = rng.pick(['planted', 'planted', 'planted', 'planted', 'malformed', 'content-type', 'bulk-garbage']);
          let text: string;
          if (kind === 'malformed') text = rng.pick(MALFORMED_JSON);
          else if (kind === 'bulk-garbage') text = serialise({ items: Array.from({ length: rng.int(1, 20) }, () => plant(sample(op.body, rng), rng)) });
          else text = serialise(plant(sample(op.body, rng), rng));
          const type = kind === 'content-type' ? rng.pick(BAD_CONTENT_TYPES) : 'application/json';
          req = req.set('content-type', type).send(text);
          sent = `${type}: ${text.slice(0, 120)}`;
        }
        cases++;
        let res: request.Response;
        try {
          res = await req;
        } catch (err) {
          failures.push(`${op.method.toUpperCase()} ${target.slice(0, 150)}: no answer (${(err as Error).message}) [${sent}]`);
          continue;
        }
        const where = `${op.method.toUpperCase()} ${target.slice(0, 150)} → ${res.status} [${sent}]`;
        if (res.status >= 500) failures.push(`${where}: ${res.text.slice(0, 300)}`);
        const leaked = leaks(res.text ?? '');
        if (leaked.length) failures.push(`${where}: leaks ${leaked.join(', ')}`);
      }
    }
    expect(({} as Record<string, unknown>).polluted, 'Object.prototype polluted').toBeUndefined();
    expect((await request(t.app).get('/health')).status, 'the service still answers').toBe(200);
    console.log(`fuzz: ${cases} cases over ${operations.length} operations (seed ${SEED}): ${failures.length} failures`);
    expect(failures).toEqual([]);
    expect(cases).toBe(operations.length * CASES_PER_OPERATION);
  }, 180_000); // 560 requests take ~15 s alone, ~30 s beside other test files; the margin is for a loaded CI machine
});
