/**
 * The typed client (client/): its generated schema is exactly what the document a RUNNING server
 * serves generates, the client and its example program compile against it (the TypeScript
 * compiler, no type errors), and the client calls that server over real HTTP (localhost only):
 * typed data on success, the typed error body on failure.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../client/example.js';
import { createRecommenderClient } from '../../client/index.js';
import { CLIENT_SCHEMA_FILE, renderApiTypes } from '../../tools/api/types.js';
import { buildTestApp } from '../http/harness.js';
import { addShopper, grant } from '../service/world.js';

let server: Server;
let baseUrl: string;
beforeAll(async () => {
  const t = await buildTestApp();
  await addShopper(t.w, 'u1', ['c-red'], [grant('personalization'), grant('clickTracking')]);
  server = t.app.listen(0, '127.0.0.1');
  await new Promise((done) => server.once('listening', done));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((done) => server.close(() => done())));

describe('the typed client', () => {
  it('is generated from the document the running server serves, with named component schemas', async () => {
    const served = await (await fetch(`${baseUrl}/openapi.json`)).json();
    // The test server's PUBLIC_BASE_URL differs from the default; the types do not depend on it.
    expect(await renderApiTypes({ ...served, servers: undefined }, 'client')).toBe(readFileSync(CLIENT_SCHEMA_FILE, 'utf8'));
    expect(Object.keys(served.components.schemas)).toEqual(expect.arrayContaining(['RecommendationResponse', 'SearchRequest', 'ProductList', 'Error']));
    // No anonymous body or response: every one is a $ref to a named component.
    for (const ops of Object.values(served.paths) as Array<Record<string, any>>) {
      for (const op of Object.values(ops)) {
        for (const res of Object.values(op.responses) as any[]) {
          const json = res.content?.['application/json']?.schema;
          if (json) expect(Object.keys(json)).toEqual(['$ref']);
        }
        const body = op.requestBody?.content['application/json'].schema;
        if (body) expect(Object.keys(body)).toEqual(['$ref']);
      }
    }
  });

  it('and its example program compile without a type error', () => {
    const example = fileURLToPath(new URL('../../client/example.ts', import.meta.url));
    const program = ts.createProgram([example], {
      strict: true, noEmit: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext,
      skipLibCheck: true, types: ['node'],
    });
    const errors = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(errors).toEqual([]);
    expect(program.getSourceFiles().map((f) => f.fileName)).toEqual(expect.arrayContaining([CLIENT_SCHEMA_FILE]));
  });

  it('calls the running server: the example program prints health, a shopper and their recommendations', async () => {
    const lines = await run(createRecommenderClient({ baseUrl, apiKey: 'admin-key-123' }), 2);
    expect(lines[0]).toMatch(/^service up: \d+ products, model fixed-test-vectors$/);
    expect(lines[1]).toBe('u1: personalised');
    expect(lines.slice(2)).toHaveLength(2);
    for (const l of lines.slice(2)) expect(l).toMatch(/^#\d .+ \(\d+(\.\d+)? [A-Z]{3}\)( inspired by @\S+)? - .+/);
  });

  it('sends typed bodies and returns the typed error body', async () => {
    const api = createRecommenderClient({ baseUrl, apiKey: 'app-key-12345' });
    const found = await api.POST('/v1/search', { body: { text: 'red', limit: 2 } });
    expect(found.response.status).toBe(200);
    expect(found.data?.items.length).toBeGreaterThan(0);
    const refused = await api.GET('/v1/users/{id}/recommendations', { params: { path: { id: 'u1' }, query: { limit: 500 } } });
    expect(refused.response.status).toBe(400);
    expect(refused.error?.error.code).toBe('VALIDATION_FAILED');
    const noKey = await createRecommenderClient({ baseUrl, apiKey: 'not-a-key' }).GET('/v1/users/{id}', { params: { path: { id: 'u1' } } });
    expect(noKey.error?.error.code).toBe('UNAUTHENTICATED');
  });
});
