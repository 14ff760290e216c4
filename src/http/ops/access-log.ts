/**
 * One structured access-log line per request (through the service's one pino logger), and a
 * request id on every response (`x-request-id`): the caller's own id when it sends a sane one
 * (so a trace crosses services), else a fresh UUID. The line names the route pattern, status and
 * time; it never holds headers (API keys), bodies, or /r/ link tokens.
 *
 * Hand-written rather than pino-http: pino-http builds two or three child loggers per request
 * (serialising the request into each) before the handler runs, which measured as the largest
 * single cost of a cheap request (bench/http-overhead.ts). Here nothing is built until the
 * response is over, and then only when the logger would write the line (not at LOG_LEVEL=silent);
 * the fields are the ones pino-http wrote (`req`, `route`, `res`, `responseTime`, `msg`).
 *
 * @example {"level":"info","time":"...","req":{"id":"3f0c…","method":"GET","url":"/v1/users/u1/recommendations?limit=5"},"route":"/v1/users/:id/recommendations","res":{"statusCode":200},"responseTime":12,"msg":"request"}
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Request, RequestHandler } from 'express';
import type { Logger } from '../../log.js';

const SANE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The matched route pattern ("/v1/users/:id"), or "(unmatched)": low-cardinality, for logs and metrics. */
export function routeOf(req: IncomingMessage): string {
  const r = req as Request;
  const path = (r.route as { path?: unknown } | undefined)?.path;
  return typeof path === 'string' ? `${r.baseUrl ?? ''}${path}` : '(unmatched)';
}

/** The URL as logged: /r/<token> keeps only its shape (a token is a credential for a click). */
export function loggedUrl(url: string | undefined): string {
  const u = url ?? '';
  return u.startsWith('/r/') ? u.replace(/^\/r\/[^/?#]*/, '/r/<token>') : u;
}

export function accessLog(log: Logger): RequestHandler {
  const p = log.pino;
  return function accessLog(req, res, next) {
    const given = req.headers['x-request-id'];
    const id = typeof given === 'string' && SANE_ID.test(given) ? given : randomUUID();
    res.setHeader('x-request-id', id);
    (req as { id?: string }).id = id;
    // Error lines (5xx) are written at every level but silent: skip the listener only then.
    if (!p.isLevelEnabled('error')) return next();
    const start = Date.now();
    // 'close' follows 'finish' on every response, and also ends one whose client went away.
    res.once('close', () => {
      const failed = res.statusCode >= 500;
      if (!failed && !p.isLevelEnabled('info')) return;
      const line = {
        req: { id, method: req.method, url: loggedUrl(req.originalUrl) },
        route: routeOf(req),
        res: { statusCode: res.statusCode },
        responseTime: Date.now() - start,
        ...(res.writableFinished ? {} : { aborted: true }),
      };
      if (failed) p.error(line, 'request failed');
      else p.info(line, 'request');
    });
    next();
  };
}

/** The request id the access log gave this request (for error lines). */
export const requestIdOf = (req: IncomingMessage): string | undefined => {
  const id = (req as { id?: unknown }).id;
  return typeof id === 'string' ? id : undefined;
};
