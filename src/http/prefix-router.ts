/**
 * Express routers split by the literal start of their paths, so a request walks only the few
 * routes that share its prefix instead of all ~60: the 405 table, the access table and the routes
 * each used to be one Router whose every layer a request tried in turn (router + path-to-regexp
 * were ~0.3 ms of a request's ~1 ms of HTTP work, bench/http-overhead.ts).
 *
 * Each group is an ordinary Express Router holding the group's routes with their FULL paths, in
 * their original order, so matching, params, HEAD-for-GET, `req.route` and the first-match-wins
 * order within a group are Express's own. A request's group is picked by its first path segment,
 * and by the second as well where every path of that first segment has a literal second one
 * (/v1/users, /v1/products, ...); matching is case-insensitive like Express's default. A path no
 * group can hold falls through, as it would after walking a Router that matched nothing.
 *
 * @example
 * const router = prefixRouter('routes', specs, (s) => s.path, (r, s) => r.get(s.path, handler(s)));
 */
import { Router, type RequestHandler } from 'express';
import { AppError } from '../errors.js';

const literal = (segment: string | undefined) => segment !== undefined && segment !== '' && !/[:*{}()?+]/.test(segment);

/** The group key of a pattern: its first one or two segments, lower-cased. */
function keys(path: string): [string, string | undefined] {
  const [, first = '', second] = path.toLowerCase().split('/', 3);
  return [first, literal(second) ? second : undefined];
}

/** @param name the middleware's function name (stack traces, the bench's layer names). */
export function prefixRouter<T>(name: string, items: readonly T[], pathOf: (item: T) => string, mount: (router: Router, item: T) => void): RequestHandler {
  // Split a first segment by the second only when every one of its paths has a literal second.
  const splitFirst = new Map<string, boolean>();
  for (const item of items) {
    const [first, second] = keys(pathOf(item));
    if (!literal(first)) throw new AppError('CONFIG_INVALID', `Route "${pathOf(item)}" must start with a literal path segment.`);
    splitFirst.set(first, (splitFirst.get(first) ?? true) && second !== undefined);
  }
  const groups = new Map<string, Router>();
  for (const item of items) {
    const [first, second] = keys(pathOf(item));
    const key = splitFirst.get(first) ? `${first}/${second}` : first;
    let router = groups.get(key);
    if (!router) groups.set(key, (router = Router()));
    mount(router, item);
  }
  const handler: RequestHandler = (req, res, next) => {
    const [, first = '', second = ''] = req.path.toLowerCase().split('/', 3);
    const split = splitFirst.get(first);
    const router = split === undefined ? undefined : groups.get(split ? `${first}/${second}` : first);
    if (router) router(req, res, next);
    else next();
  };
  return Object.defineProperty(handler, 'name', { value: name });
}
