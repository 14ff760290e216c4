/**
 * Validation at the edge: a request's params, query and body are parsed ONCE with their zod
 * schemas; the parsed values are stored on `res.locals.valid` and read back by the handler,
 * never re-parsed. Failures become VALIDATION_FAILED with one detail per issue and its field
 * path ("items.3.price" for the body, "query.limit" / "params.id" for the others).
 */
import type { RequestHandler, Response } from 'express';
import type { z } from 'zod';
import { AppError } from '../errors.js';

export interface Schemas {
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
}

export interface Valid {
  params: unknown;
  query: unknown;
  body: unknown;
}

const PREFIX: Record<keyof Schemas, string> = { params: 'params', query: 'query', body: '' };

export function validate(schemas: Schemas): RequestHandler {
  return (req, res, next) => {
    const valid: Valid = { params: req.params, query: req.query, body: req.body };
    const details: Array<{ path: string; message: string }> = [];
    for (const part of ['params', 'query', 'body'] as const) {
      const schema = schemas[part];
      if (!schema) continue;
      // A body-less request (no JSON content) validates as an empty object, so the schema says what
      // is missing; an empty query parameter (`?category=`) means "not given", as forms send it.
      const input = part === 'body' && req.body === undefined ? {} : part === 'query' ? withoutEmpty(req.query) : valid[part];
      const result = schema.safeParse(input);
      if (result.success) valid[part] = result.data;
      else
        for (const issue of result.error.issues) {
          const path = [PREFIX[part], ...issue.path.map(String)].filter(Boolean).join('.');
          details.push({ path: path || part, message: issue.message });
        }
    }
    if (details.length > 0) {
      return next(new AppError('VALIDATION_FAILED', `The request did not match the expected schema: ${details.map((d) => d.path).join(', ')}.`, details));
    }
    res.locals.valid = valid;
    next();
  };
}

function withoutEmpty(query: unknown): Record<string, unknown> {
  return Object.fromEntries(Object.entries((query ?? {}) as Record<string, unknown>).filter(([, v]) => v !== ''));
}

/** What `validate` parsed for this request. */
export function validOf(res: Response): Valid {
  return res.locals.valid as Valid;
}
