/**
 * JSON bodies are encoded once (route.ts sendJson): the content-length must be the UTF-8 byte
 * count, not the string's length, for bodies with non-ASCII text (accents, emoji), and HEAD gets
 * the same headers and no body.
 */
import express from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { mountRoutes, route } from '../../src/http/route.js';

const TEXT = 'Léa · Sunday in Provence ☀️ 💸 — lin';

function app() {
  const a = express();
  a.use(mountRoutes([route({ method: 'get', path: '/t', operationId: 't', tag: 't', summary: 't', handle: () => ({ caption: TEXT, n: 1 }) })]));
  return a;
}

describe('JSON bodies', () => {
  it('carry their UTF-8 byte length and arrive intact', async () => {
    const res = await request(app()).get('/t').expect(200);
    const bytes = Buffer.byteLength(JSON.stringify({ caption: TEXT, n: 1 }));
    expect(bytes).toBeGreaterThan(JSON.stringify({ caption: TEXT, n: 1 }).length); // two-byte text: the two counts differ
    expect(res.headers['content-length']).toBe(String(bytes));
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.body).toEqual({ caption: TEXT, n: 1 });
  });

  it('HEAD: the same length, no body', async () => {
    const res = await request(app()).head('/t').expect(200);
    expect(res.headers['content-length']).toBe(String(Buffer.byteLength(JSON.stringify({ caption: TEXT, n: 1 }))));
    expect(res.text ?? '').toBe('');
  });
});
