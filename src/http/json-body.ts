/**
 * JSON bodies: requests that carry a body must say `Content-Type: application/json` (else 415),
 * and are parsed with the configured size limit (413 above it; malformed JSON is 400 via the
 * error mapping). Requests without a body pass through with `req.body` undefined.
 */
import express, { type RequestHandler } from 'express';
import { AppError } from '../errors.js';

const hasBody = (headers: Record<string, unknown>) =>
  headers['transfer-encoding'] !== undefined || (headers['content-length'] !== undefined && headers['content-length'] !== '0');

const CARRY_JSON = new Set(['POST', 'PUT', 'PATCH']);

/** One layer: a request without a body (every GET) costs one header check, not body-parser's. */
export function jsonBody(limitBytes: number): RequestHandler {
  const parse = express.json({ limit: limitBytes, type: ['application/json', 'application/*+json'] });
  return function jsonBody(req, res, next) {
    if (!hasBody(req.headers)) return next();
    if (CARRY_JSON.has(req.method) && !req.is('application/json') && !req.is('application/*+json')) {
      return next(new AppError('UNSUPPORTED_MEDIA_TYPE', `Send the body as application/json (got ${req.headers['content-type'] ?? 'no content type'}).`));
    }
    parse(req, res, next);
  };
}
