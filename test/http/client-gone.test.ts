/**
 * A search whose client has gone gives up its exact scan (src/http/client-gone.ts): the route
 * hands the core a signal that aborts when the connection closes before the answer was written,
 * and the scanner drops a scan nobody waits for. A client that stays to the end never aborts it.
 * Over real HTTP, because only a real socket can close mid-request.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AppError } from '../../src/errors.js';
import type { ScanResult } from '../../src/retrieve/scan.js';
import { APP, buildTestApp } from './harness.js';

let server: Server;
let url: string;
let t: Awaited<ReturnType<typeof buildTestApp>>;
beforeEach(async () => {
  t = await buildTestApp();
  server = t.app.listen(0, '127.0.0.1');
  await new Promise((done) => server.once('listening', done));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(async () => {
  vi.restoreAllMocks();
  server.closeAllConnections();
  await new Promise<void>((done) => server.close(() => done()));
});

/** Every search goes to the exact scan, which is held until its caller's signal aborts. */
function holdScans() {
  vi.spyOn(t.w.service.productIndex, 'searchGraph').mockReturnValue(null);
  const signals: Array<AbortSignal | undefined> = [];
  vi.spyOn(t.core.state.scanner, 'scan').mockImplementation((_q, _r, _d, signal) => {
    signals.push(signal);
    return new Promise<ScanResult>((_resolve, reject) => signal?.addEventListener('abort', () => reject(signal.reason)));
  });
  return signals;
}

/** Sends the request and closes the socket once the scan has been asked for. */
async function leaveDuringScan(method: string, path: string, body: unknown, signals: unknown[]) {
  const req = http.request(`${url}${path}`, { method, headers: { ...APP, 'content-type': 'application/json' } });
  req.on('error', () => {}); // the socket is destroyed on purpose
  req.end(body === undefined ? undefined : JSON.stringify(body));
  await vi.waitFor(() => expect(signals).toHaveLength(1));
  req.destroy();
}

describe('a client that leaves mid-search', () => {
  it.each([
    ['POST', '/v1/search', { text: 'red', limit: 5 }],
    ['GET', '/v1/products/r0/similar?limit=5', undefined],
  ])('%s %s: the scan is told, with CLIENT_CLOSED_REQUEST, and the service goes on answering', async (method, path, body) => {
    const signals = holdScans();
    await leaveDuringScan(method, path, body, signals);
    await vi.waitFor(() => expect(signals[0]?.aborted).toBe(true));
    expect(signals[0]!.reason).toBeInstanceOf(AppError);
    expect((signals[0]!.reason as AppError).code).toBe('CLIENT_CLOSED_REQUEST');
    vi.restoreAllMocks();
    const res = await fetch(`${url}/v1/search`, { method: 'POST', headers: { ...APP, 'content-type': 'application/json' }, body: JSON.stringify({ text: 'red', limit: 5 }) });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { items: unknown[] }).items.length).toBeGreaterThan(0);
  });

  it('a client that waits for its answer: the signal never aborts, before or after the response', async () => {
    vi.spyOn(t.w.service.productIndex, 'searchGraph').mockReturnValue(null);
    const signals: Array<AbortSignal | undefined> = [];
    const scanner = t.core.state.scanner;
    const real = scanner.scan.bind(scanner);
    vi.spyOn(scanner, 'scan').mockImplementation((q, r, d, signal) => {
      signals.push(signal);
      return real(q, r, d, signal);
    });
    const res = await fetch(`${url}/v1/search`, { method: 'POST', headers: { ...APP, 'content-type': 'application/json' }, body: JSON.stringify({ text: 'red', limit: 5 }) });
    expect(res.status).toBe(200);
    await res.arrayBuffer();
    await new Promise((done) => setTimeout(done, 50)); // the response's 'close' has fired by now
    expect(signals.length).toBeGreaterThan(0);
    expect(signals.every((s) => s !== undefined && !s.aborted)).toBe(true);
  });
});
