/**
 * Per-key rate limits (express-rate-limit): RATE_LIMIT_PER_MINUTE requests a minute per API key,
 * with the IETF draft-8 `RateLimit` and `RateLimit-Policy` headers on every limited response and
 * `Retry-After` on a 429 (`RATE_LIMITED`, mapped in the one error table). Requests without a valid
 * key to /v1 or /r/ (key guessing, scripted clicks) share the same budget per client address;
 * images, health, the OpenAPI document, the demo page's own files and CORS preflights are not limited.
 * Counters live in memory per process: behind several replicas each holds its own.
 */
import type { RequestHandler } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import type { ApiKey } from '../../config.js';
import { AppError } from '../../errors.js';
import { keyDigest, presentedKey, scopeOfDigest } from '../auth.js';

const WINDOW_MS = 60_000;

export function createRateLimit(perMinute: number, keys: readonly ApiKey[]): RequestHandler {
  if (perMinute === 0) return (_req, _res, next) => next();
  const limiter = rateLimit({
    windowMs: WINDOW_MS,
    limit: perMinute,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    identifier: `${perMinute}-per-minute`,
    keyGenerator: (req) => {
      const key = presentedKey(req.headers);
      // A key's bucket is named by a digest of it: the key itself never sits in memory twice (the
      // same digest the key is checked by, computed once).
      const digest = key ? keyDigest(key) : undefined;
      if (digest && scopeOfDigest(digest, keys)) return `key:${digest.toString('hex', 0, 16)}`;
      return `ip:${ipKeyGenerator(req.ip ?? 'unknown')}`;
    },
    skip: (req) => {
      if (req.method === 'OPTIONS') return true;
      if (presentedKey(req.headers)) return false;
      return !(req.path.startsWith('/v1/') || req.path.startsWith('/r/'));
    },
    handler: (_req, _res, next) =>
      next(new AppError('RATE_LIMITED', `Too many requests: at most ${perMinute} a minute per API key. Retry after the number of seconds in the Retry-After header.`)),
  });
  return Object.defineProperty(limiter, 'name', { value: 'rateLimit' });
}
