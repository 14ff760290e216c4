/**
 * CORS for the origins in CORS_ORIGINS (the `cors` package): a listed origin gets the allow
 * headers and may read `x-request-id` and the rate-limit headers; `*` allows any origin (no
 * cookies are used, so nothing is exposed that a key does not already grant). A preflight is
 * always answered here, 204, before the access check: a browser never sends the key on a
 * preflight, so it must never get a 401; an origin not on the list just gets no allow headers.
 */
import cors from 'cors';
import type { RequestHandler } from 'express';

export function createCors(origins: readonly string[]): RequestHandler[] {
  const allowed = new Set(origins);
  const any = allowed.has('*');
  const allow = cors({
    origin: (origin, done) => done(null, origin !== undefined && (any || allowed.has(origin))),
    methods: ['GET', 'PUT', 'POST', 'PATCH', 'DELETE'],
    allowedHeaders: ['authorization', 'x-api-key', 'content-type', 'x-request-id'],
    exposedHeaders: ['x-request-id', 'ratelimit', 'ratelimit-policy', 'retry-after', 'link'],
    maxAge: 600,
  });
  const endPreflight: RequestHandler = (req, res, next) => {
    if (req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined) {
      res.status(204).end();
      return;
    }
    next();
  };
  return allowed.size > 0 ? [allow, endPreflight] : [endPreflight];
}
