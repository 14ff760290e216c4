/**
 * `app.listen` serves on a server whose requests and responses are born with Express's
 * prototypes (src/http/node-server.ts), so Express's per-request `Object.setPrototypeOf` changes
 * nothing. Checked where it matters: at the server's 'request' event, before Express runs, on the
 * service's own app; and that everything Express adds still works over real HTTP.
 */
import type { AddressInfo } from 'node:net';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { listenOnHttpServer } from '../../src/http/node-server.js';
import { buildTestApp } from './harness.js';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((done) => s.close(() => done()))));
});

async function listening(server: Server): Promise<string> {
  servers.push(server);
  await new Promise((done) => server.once('listening', done));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** The prototypes requests and responses arrive with, before any Express code touches them. */
function watchPrototypes(server: Server): Array<{ req: unknown; res: unknown }> {
  const seen: Array<{ req: unknown; res: unknown }> = [];
  server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => seen.push({ req: Object.getPrototypeOf(req), res: Object.getPrototypeOf(res) }));
  return seen;
}

describe('the HTTP server under app.listen', () => {
  it("builds the service's requests and responses with the app's prototypes", async () => {
    const { app } = await buildTestApp();
    const server = app.listen(0, '127.0.0.1');
    const seen = watchPrototypes(server);
    const url = await listening(server);
    const res = await fetch(`${url}/health`);
    expect(res.status).toBe(200);
    expect(seen).toEqual([{ req: app.request, res: app.response }]);
  });

  it('keeps what Express adds working: params, req.get, res.status/json, headers, a 404 with a body', async () => {
    const app = express();
    listenOnHttpServer(app);
    app.get('/echo/:id', (req, res) => res.status(201).set('x-seen', req.get('x-probe') ?? '').json({ id: req.params.id, query: req.query.q, isJson: req.is('json') }));
    const url = await listening(app.listen(0, '127.0.0.1'));
    const res = await fetch(`${url}/echo/abc?q=1`, { headers: { 'x-probe': 'yes' } });
    expect(res.status).toBe(201);
    expect(res.headers.get('x-seen')).toBe('yes');
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({ id: 'abc', query: '1', isJson: null });
    expect((await fetch(`${url}/nope`)).status).toBe(404);
  });

  it("hands a listen error to the callback once, as Express's listen does", async () => {
    const first = express();
    listenOnHttpServer(first);
    const url = await listening(first.listen(0, '127.0.0.1'));
    const second = express();
    listenOnHttpServer(second);
    const calls: unknown[] = [];
    const server = second.listen(Number(new URL(url).port), '127.0.0.1', (err?: unknown) => calls.push(err));
    await new Promise((done) => server.once('error', done));
    await new Promise((done) => setImmediate(done));
    expect(calls).toHaveLength(1);
    expect((calls[0] as NodeJS.ErrnoException).code).toBe('EADDRINUSE');
  });
});
