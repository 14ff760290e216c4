/**
 * One structured access-log line per request (pino-http over the service's one pino logger), and
 * a request id on every response (`x-request-id`): the caller's own id when it sends a sane one
 * (so a trace crosses services), else a fresh UUID. The line names the route pattern, status and
 * time; it never holds headers (API keys), bodies, or /r/ link tokens.
 *
 * @example {"level":"info","time":"...","req":{"id":"3f0c…","method":"GET","url":"/v1/users/u1/recommendations?limit=5"},"route":"/v1/users/:id/recommendations","res":{"statusCode":200},"responseTime":12,"msg":"request"}
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Request, RequestHandler } from 'express';
import { pinoHttp } from 'pino-http';
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
  return (url ?? '').replace(/^\/r\/[^/?#]*/, '/r/<token>');
}

export function accessLog(log: Logger): RequestHandler {
  return pinoHttp({
    logger: log.pino,
    genReqId: (req: IncomingMessage, res: ServerResponse) => {
      const given = req.headers['x-request-id'];
      const id = typeof given === 'string' && SANE_ID.test(given) ? given : randomUUID();
      res.setHeader('x-request-id', id);
      return id;
    },
    serializers: {
      req: (req: { id: unknown; method: string; url: string }) => ({ id: req.id, method: req.method, url: loggedUrl(req.url) }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
    customProps: (req) => ({ route: routeOf(req) }),
    customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : 'info'),
    customSuccessMessage: () => 'request',
    customErrorMessage: () => 'request failed',
    // Handlers log through the service logger, not req.log: one line per request from here.
    quietReqLogger: true,
  }) as unknown as RequestHandler;
}

/** The request id the access log gave this request (for error lines). */
export const requestIdOf = (req: IncomingMessage): string | undefined => {
  const id = (req as { id?: unknown }).id;
  return typeof id === 'string' ? id : undefined;
};
