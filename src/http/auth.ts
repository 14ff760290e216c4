/**
 * API keys and scopes. EVERY route's access level is declared in `ACCESS` below, including the
 * routes mounted from the consent/affiliate routers, so reviewing who may call what means reading
 * one table; the app refuses to start when a route is missing from it (`routeSpecs` in app.ts).
 * A /v1 path that is no route at all needs a valid key of any scope, then is a 404 (not a 403:
 * an app key learns nothing it could not read in /openapi.json).
 *
 * Keys come from config (API_KEYS), arrive as `Authorization: Bearer <key>` or `x-api-key`, are
 * compared in constant time (sha256 digests + timingSafeEqual, over all keys, no early exit) and
 * are never logged or echoed.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { Router, type RequestHandler } from 'express';
import type { ApiKey, Scope } from '../config.js';
import { AppError } from '../errors.js';
import { allowedMethods, refuseMethod } from './methods.js';
import { prefixRouter } from './prefix-router.js';

/** 'metrics': the admin scope, or the METRICS_TOKEN setting (a scraper that holds no API key). */
export type Access = 'public' | Scope | 'metrics';

export interface AccessRule {
  method: 'GET' | 'PUT' | 'POST' | 'PATCH' | 'DELETE';
  /** Express path pattern. */
  path: string;
  access: Access;
}

/** Who may call what. `admin` keys may also do everything `app` and `reports` keys may. */
export const ACCESS: readonly AccessRule[] = [
  { method: 'GET', path: '/health', access: 'public' },
  { method: 'GET', path: '/openapi.json', access: 'public' },
  { method: 'GET', path: '/metrics', access: 'metrics' },
  { method: 'GET', path: '/media/products/:id', access: 'public' },
  { method: 'GET', path: '/media/posts/:id', access: 'public' },
  { method: 'GET', path: '/r/:token', access: 'public' },
  // catalog
  { method: 'PUT', path: '/v1/categories', access: 'admin' },
  { method: 'GET', path: '/v1/categories', access: 'app' },
  { method: 'PUT', path: '/v1/merchants', access: 'admin' },
  { method: 'GET', path: '/v1/merchants', access: 'admin' },
  { method: 'PUT', path: '/v1/products', access: 'admin' },
  { method: 'GET', path: '/v1/products', access: 'app' },
  { method: 'PATCH', path: '/v1/products/:id', access: 'admin' },
  { method: 'GET', path: '/v1/products/:id', access: 'app' },
  { method: 'DELETE', path: '/v1/products/:id', access: 'admin' },
  { method: 'GET', path: '/v1/products/:id/similar', access: 'app' },
  { method: 'GET', path: '/v1/jobs/:id', access: 'admin' },
  // creators and posts
  { method: 'PUT', path: '/v1/creators', access: 'admin' },
  { method: 'GET', path: '/v1/creators', access: 'app' },
  { method: 'GET', path: '/v1/creators/:id', access: 'app' },
  { method: 'DELETE', path: '/v1/creators/:id', access: 'admin' },
  { method: 'GET', path: '/v1/creators/:id/posts', access: 'app' },
  { method: 'PUT', path: '/v1/creators/:id/posts', access: 'admin' },
  { method: 'DELETE', path: '/v1/creators/:id/posts/:postId', access: 'admin' },
  { method: 'PATCH', path: '/v1/creators/:id/opt-ins', access: 'admin' },
  // shoppers
  { method: 'GET', path: '/v1/users', access: 'app' },
  { method: 'PUT', path: '/v1/users/:id', access: 'app' },
  { method: 'GET', path: '/v1/users/:id', access: 'app' },
  { method: 'DELETE', path: '/v1/users/:id', access: 'admin' },
  { method: 'PUT', path: '/v1/users/:id/follows', access: 'app' },
  { method: 'PUT', path: '/v1/users/:id/follows/:creatorId', access: 'app' },
  { method: 'DELETE', path: '/v1/users/:id/follows/:creatorId', access: 'app' },
  { method: 'PUT', path: '/v1/users/:id/consents', access: 'app' },
  { method: 'GET', path: '/v1/users/:id/consents', access: 'app' },
  // The shopper's own data export (GDPR Art. 15/20) is requested by the shopper, and the app is
  // the shopper's agent here exactly as for their consents: app scope, like GET consents. Support
  // staff answering a request made another way use an admin key (admin includes app).
  { method: 'GET', path: '/v1/users/:id/export', access: 'app' },
  { method: 'GET', path: '/v1/users/:id/recommendations', access: 'app' },
  { method: 'POST', path: '/v1/users/:id/events', access: 'app' },
  { method: 'GET', path: '/v1/users/:id/events', access: 'app' },
  { method: 'POST', path: '/v1/search', access: 'app' },
  // reports: a `reports` key sees creators only as opaque codes; who a code belongs to is admin-only
  // (the code→creator mapping, and reveal=creator on the report, which the route refuses otherwise).
  { method: 'GET', path: '/v1/reports/clicks', access: 'reports' },
  { method: 'GET', path: '/v1/admin/creator-codes', access: 'admin' },
];

/** sha256 of a key: what keys are compared by (equal lengths for timingSafeEqual). */
export const keyDigest = (s: string): Buffer => createHash('sha256').update(s).digest();
const digest = keyDigest;

/** The configured keys' digests, computed once per key list rather than on every request. */
const digestsOf = new WeakMap<readonly ApiKey[], Buffer[]>();

/** The scope of the key presented, or null. Constant time in the key's content. */
export function scopeOfKey(presented: string, keys: readonly ApiKey[]): Scope | null {
  return scopeOfDigest(digest(presented), keys);
}

/** `scopeOfKey` for a key already digested with `keyDigest`. */
export function scopeOfDigest(got: Buffer, keys: readonly ApiKey[]): Scope | null {
  let digests = digestsOf.get(keys);
  if (!digests) digestsOf.set(keys, (digests = keys.map((k) => digest(k.key))));
  let found: Scope | null = null;
  for (let i = 0; i < keys.length; i++) {
    if (timingSafeEqual(got, digests[i]!) && found !== 'admin') found = keys[i]!.scope;
  }
  return found;
}

/** The API key a request presents (Bearer or x-api-key), unchecked; null when none. */
export function presentedKey(headers: Record<string, string | string[] | undefined>): string | null {
  const auth = headers.authorization;
  if (typeof auth === 'string') {
    const m = /^Bearer\s+(.+)$/i.exec(auth.trim());
    if (m) return m[1]!;
  }
  const x = headers['x-api-key'];
  return typeof x === 'string' && x.length > 0 ? x : null;
}

export interface AuthOptions {
  /** METRICS_TOKEN: may read routes whose access is 'metrics'. */
  metricsToken?: string;
}

/** Whether a key of `scope` may call a route of `access`; 'any' is the /v1 fallback (any valid key). */
function allows(access: Access | 'any', scope: Scope): boolean {
  if (access === 'any' || scope === 'admin') return true;
  return access === scope;
}

/** Checks the presented key against `access`; sets `res.locals.scope`. */
function check(access: Access | 'any', keys: readonly ApiKey[], options: AuthOptions = {}): RequestHandler {
  return (req, res, next) => {
    if (access === 'public') return next();
    const key = presentedKey(req.headers);
    if (access === 'metrics' && key && options.metricsToken && timingSafeEqual(digest(key), digest(options.metricsToken))) return next();
    if (!key) return next(new AppError('UNAUTHENTICATED', 'Send an API key as "Authorization: Bearer <key>" or "x-api-key".'));
    const scope = scopeOfKey(key, keys);
    if (!scope) return next(new AppError('UNAUTHENTICATED', 'The API key is not valid.'));
    if (!allows(access, scope)) return next(new AppError('FORBIDDEN', `This route needs an API key with the "${access === 'metrics' ? 'admin' : access}" scope${access === 'admin' || access === 'metrics' ? '' : ' (or "admin")'}.`));
    res.locals.scope = scope;
    next();
  };
}

/** First matching rule wins: later matches (and the /v1 fallback) are skipped. */
function guard(access: Access | 'any', keys: readonly ApiKey[], options?: AuthOptions): RequestHandler {
  const inner = check(access, keys, options);
  return (req, res, next) => {
    if (res.locals.accessChecked) return next();
    res.locals.accessChecked = true;
    inner(req, res, next);
  };
}

/**
 * The 405 check and the access middleware in one pass over the table: one layer per path (in
 * per-prefix routers), which first answers a method the path does not take (405, or 204 to
 * OPTIONS; `src/http/methods.ts`), then checks the key for the method's rule; the first matching
 * path decides. Anything else under /v1 needs a valid key (then 404s), anything else outside /v1
 * is public (404s, the demo).
 */
export function createAuth(keys: readonly ApiKey[], rules: readonly AccessRule[] = ACCESS, options: AuthOptions = {}): RequestHandler[] {
  const byPath = new Map<string, Map<string, RequestHandler>>();
  for (const rule of rules) {
    const checks = byPath.get(rule.path) ?? new Map<string, RequestHandler>();
    if (!checks.has(rule.method)) checks.set(rule.method, check(rule.access, keys, options)); // first rule wins
    byPath.set(rule.path, checks);
  }
  const allowed = allowedMethods(rules);
  const table = prefixRouter('accessTable', [...byPath], ([path]) => path, (router, [path, checks]) => {
    const refuse = refuseMethod(allowed.get(path)!);
    router.all(path, (req, res, next) => {
      if (res.locals.accessChecked) return next();
      const inner = checks.get(req.method === 'HEAD' ? 'GET' : req.method);
      if (!inner) return refuse(req, res, next);
      res.locals.accessChecked = true;
      inner(req, res, next);
    });
  });
  const fallback = Router();
  fallback.use('/v1', guard('any', keys));
  return [table, fallback];
}
