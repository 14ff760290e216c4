/**
 * 405 Method Not Allowed, from the same access table that lists every route: a request whose path
 * is a known route but whose method is not gets 405 with an `Allow` header naming the methods the
 * path does take (GET implies HEAD), before any key is checked (the methods of a path are public
 * knowledge: /openapi.json lists them). OPTIONS on a known path answers 204 with the same `Allow`.
 * Paths that are no route at all fall through (to the access check, then 404). Checked in the same
 * pass over the table as the access check (`createAuth`), ahead of it.
 */
import type { RequestHandler } from 'express';
import { AppError } from '../errors.js';
import type { AccessRule } from './auth.js';

const ORDER = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'];

/** The methods each path of the table allows, in a stable order. */
export function allowedMethods(rules: readonly AccessRule[]): Map<string, string[]> {
  const byPath = new Map<string, Set<string>>();
  for (const r of rules) {
    const set = byPath.get(r.path) ?? new Set<string>();
    set.add(r.method);
    if (r.method === 'GET') set.add('HEAD');
    byPath.set(r.path, set);
  }
  return new Map([...byPath].map(([path, set]) => [path, ORDER.filter((m) => set.has(m))]));
}

/** The answer for a method a known path does not take; mounted by the access table (auth.ts). */
export function refuseMethod(allow: readonly string[]): RequestHandler {
  const header = allow.join(', ');
  return (req, res, next) => {
    res.set('allow', header);
    if (req.method === 'OPTIONS') return void res.status(204).end();
    next(new AppError('METHOD_NOT_ALLOWED', `${req.method} is not allowed here; this path takes ${header}.`));
  };
}
