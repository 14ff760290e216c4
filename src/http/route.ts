/**
 * A route as data: method, path, schemas, summary and handler. `mountRoutes` wires each one as
 * validate → handler → JSON, and `buildOpenApi` documents the same list, so the docs are generated
 * from the schemas that actually validate requests.
 */
import type { Request, RequestHandler, Response } from 'express';
import type { z } from 'zod';
import type { ErrorCode } from '../errors.js';
import { prefixRouter } from './prefix-router.js';
import { validate, validOf } from './validate.js';

export type Method = 'get' | 'put' | 'post' | 'patch' | 'delete';

export interface RouteInput<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  req: Request;
  res: Response;
}

export interface RouteSpec {
  method: Method;
  path: string;
  /** Unique, stable name of the operation in /openapi.json (what client generators call it). */
  operationId: string;
  summary: string;
  /** Longer documentation of the operation (Markdown), when the summary is not enough. */
  description?: string;
  tag: string;
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  /** Documented body when it differs from the validating one (bulk items are validated per item). */
  docBody?: z.ZodType;
  response?: z.ZodType;
  /**
   * Other representations of the same success the handler may write itself (it returns RAW),
   * content type → what selects it: documented beside the JSON one, not as a separate route.
   */
  alternatives?: Record<string, string>;
  /** Status for a successful response (default 200; 204 when the handler returns undefined). */
  status?: number;
  /**
   * Error codes the handler may raise beyond those its shape implies (bad params/query/body, keys,
   * unknown ids, 500): documented per status in /openapi.json.
   */
  errors?: ErrorCode[];
  /** A success the handler writes itself (it returns RAW): documented status, meaning and content types. */
  raw?: { status: number; description: string; contentTypes?: string[] };
  /**
   * Returns the JSON body; `RAW` when the handler wrote the response itself (media). Declared with
   * `unknown` inputs; `route()` below types each handler by its own schemas.
   */
  handle(input: RouteInput<unknown, unknown, unknown>): Promise<unknown> | unknown;
}

/** Returned by handlers that stream their own response. */
export const RAW = Symbol('raw response');

/** Typed constructor: the handler sees the parsed types of its own schemas. */
export function route<P extends z.ZodType = z.ZodType<Record<string, string>>, Q extends z.ZodType = z.ZodType<unknown>, B extends z.ZodType = z.ZodType<unknown>>(
  spec: Omit<RouteSpec, 'handle' | 'params' | 'query' | 'body'> & {
    params?: P;
    query?: Q;
    body?: B;
    handle(input: RouteInput<z.output<P>, z.output<Q>, z.output<B>>): Promise<unknown> | unknown;
  },
): RouteSpec {
  return spec as RouteSpec;
}

export function mountRoutes(specs: readonly RouteSpec[]): RequestHandler {
  return prefixRouter('routes', specs, (s) => s.path, (router, spec) => {
    router[spec.method](spec.path, validate(spec), async (req, res) => {
      const { params, query, body } = validOf(res);
      const result = await spec.handle({ params, query, body, req, res });
      if (result === RAW) return;
      if (result === undefined) res.status(spec.status ?? 204).end();
      else sendJson(req, res, spec.status ?? 200, result);
    });
  });
}

/**
 * `res.json` without its per-response extras the API does not use: no ETag (a digest of every
 * body; API bodies are per key and carry freshly signed links, and no client revalidates them; media
 * keep theirs), no freshness check, no settings lookups. Same headers otherwise; HEAD gets none of the body.
 */
function sendJson(req: Request, res: Response, status: number, value: unknown): void {
  // Encoded once, here: a string body was measured twice (our content-length, then Node's own
  // write) and encoded a third time in the socket write, ~40 of ~100 µs for a list with
  // non-ASCII captions (a two-byte string).
  const body = Buffer.from(JSON.stringify(value));
  res.statusCode = status;
  if (res.getHeader('content-type') === undefined) res.setHeader('content-type', 'application/json; charset=utf-8');
  res.setHeader('content-length', body.length);
  res.end(req.method === 'HEAD' ? undefined : body);
}
