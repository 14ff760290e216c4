/**
 * The ONE place where errors become HTTP responses. Each error code maps to exactly one status;
 * nothing ever picks a status by reading a message. Errors raised by Express and body-parser
 * (bad JSON, too large, bad encoding, malformed URL escapes) are translated to our codes first,
 * so bad input can never surface as a 500.
 */
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AppError, ERROR_CODES, type ErrorCode, type ErrorDetail } from '../errors.js';
import type { Logger } from '../log.js';
import { requestIdOf } from './ops/access-log.js';

export const HTTP_STATUS: Record<ErrorCode, number> = {
  INVALID_JSON: 400,
  VALIDATION_FAILED: 400,
  IMAGE_UNREADABLE: 400,
  IMAGE_HOST_NOT_ALLOWED: 400,
  TOKEN_INVALID: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  TOKEN_EXPIRED: 410,
  TOKEN_RETIRED: 410,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  BATCH_REJECTED: 422,
  MODEL_UNAVAILABLE: 503,
  INDEX_UNAVAILABLE: 503,
  STORE_UNAVAILABLE: 503,
  CONFIG_INVALID: 500,
  DATA_DIR_IN_USE: 503,
  // Never seen by a client (it has gone): the status the logs and metrics record, as nginx does.
  CLIENT_CLOSED_REQUEST: 499,
  INTERNAL: 500,
};

/** The JSON body of every error response (plus the error's `extra` fields, e.g. a rejected batch's results). */
export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: ErrorDetail[] };
  [extra: string]: unknown;
}

export function errorBody(e: AppError): ErrorBody {
  const { error: _never, ...extra } = e.extra ?? {};
  return { error: { code: e.code, message: e.message, ...(e.details?.length ? { details: e.details } : {}) }, ...extra };
}

/** body-parser's error `type`s, by what they mean for the client. */
const PARSER_TYPES: Record<string, ErrorCode> = {
  'entity.parse.failed': 'INVALID_JSON',
  'entity.too.large': 'PAYLOAD_TOO_LARGE',
  'encoding.unsupported': 'UNSUPPORTED_MEDIA_TYPE',
  'charset.unsupported': 'UNSUPPORTED_MEDIA_TYPE',
};

/** Client-error statuses raised by Express itself (e.g. 400 for a malformed %-escape in a path). */
const STATUS_CODES: Record<number, ErrorCode> = { 400: 'VALIDATION_FAILED', 404: 'NOT_FOUND', 405: 'METHOD_NOT_ALLOWED', 413: 'PAYLOAD_TOO_LARGE', 415: 'UNSUPPORTED_MEDIA_TYPE' };

/** Anything thrown → an AppError (unknown failures become INTERNAL, keeping the cause). */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  const e = err as { type?: unknown; status?: unknown; statusCode?: unknown; expose?: unknown };
  const byType = typeof e?.type === 'string' ? PARSER_TYPES[e.type] : undefined;
  if (byType) return new AppError(byType, ERROR_CODES[byType], undefined, { cause: err });
  const status = Number(e?.status ?? e?.statusCode);
  if (status >= 400 && status < 500) {
    const code = STATUS_CODES[status] ?? 'VALIDATION_FAILED';
    return new AppError(code, ERROR_CODES[code], undefined, { cause: err });
  }
  return new AppError('INTERNAL', ERROR_CODES.INTERNAL, undefined, { cause: err });
}

/** Express error middleware: maps, logs server faults (never request bodies or keys), responds. */
export function errorHandler(log: Logger): ErrorRequestHandler {
  return function errorMapping(err, req, res, next) {
    if (res.headersSent) return next(err);
    const appError = toAppError(err);
    const status = HTTP_STATUS[appError.code];
    if (status >= 500) {
      const cause = appError.cause ?? err;
      log.error('request failed', { requestId: requestIdOf(req), method: req.method, path: req.path, code: appError.code, error: cause instanceof Error ? cause.stack : String(cause) });
    }
    res.status(status).json(errorBody(appError));
  };
}

/** The last handler: a route that does not exist is a 404 in the usual error shape. */
export const notFound: RequestHandler = (req, _res, next) => {
  next(new AppError('NOT_FOUND', `No route ${req.method} ${req.path}.`));
};
