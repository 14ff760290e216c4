/**
 * Validation at the edge: a request's params, query and body are parsed ONCE with their zod
 * schemas; the parsed values are stored on `res.locals.valid` and read back by the handler,
 * never re-parsed. Failures become VALIDATION_FAILED with one detail per issue and its field
 * path ("items.3.price" for the body, "query.limit" / "params.id" for the others). Fields a
 * schema does not know are refused the same way, by name (`unknownFields`), on every route.
 */
import type { RequestHandler, Response } from 'express';
import { z } from 'zod';
import { AppError } from '../errors.js';
import { undeclaredKeys, unknownFields } from '../ingest/unknown-fields.js';

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
    // Express 5 parses the query string again on every read of req.query: read it once.
    const query: unknown = req.query;
    const valid: Valid = { params: req.params, query, body: req.body };
    const details: Array<{ path: string; message: string }> = [];
    for (const part of PARTS) {
      // A route that declares no query or body takes none: anything sent is an unknown field (and
      // when nothing was sent there is nothing to check).
      const schema = schemas[part] ?? (part === 'params' || !hasFields(valid[part]) ? undefined : NOTHING);
      if (!schema) continue;
      // A body-less request (no JSON content) validates as an empty object, so the schema says what
      // is missing; an empty query parameter (`?category=`) means "not given", as forms send it.
      const input = part === 'body' && req.body === undefined ? {} : part === 'query' ? withoutEmpty(query) : valid[part];
      const result = schema.safeParse(input);
      if (result.success) {
        valid[part] = result.data;
        // One rule for every route: a field the schema does not know is refused by name.
        for (const field of unknownFields(input, result.data)) {
          details.push({ path: [PREFIX[part], field].filter(Boolean).join('.'), message: `unknown field "${field.split('.').at(-1)}"` });
        }
      } else {
        const unknown = new Set(undeclaredKeys(schema, input));
        for (const issue of result.error.issues) {
          // Strict schemas say "unrecognized key": the same rule, so the same words.
          if (issue.code === 'unrecognized_keys') for (const key of issue.keys) unknown.add([...issue.path.map(String), key].join('.'));
          else details.push({ path: [PREFIX[part], ...issue.path.map(String)].filter(Boolean).join('.') || part, message: issue.message });
        }
        for (const field of unknown) details.unshift({ path: [PREFIX[part], field].filter(Boolean).join('.'), message: `unknown field "${field.split('.').at(-1)}"` });
      }
    }
    if (details.length > 0) {
      return next(new AppError('VALIDATION_FAILED', `The request did not match the expected schema: ${details.map((d) => d.path).join(', ')}.`, details));
    }
    res.locals.valid = valid;
    next();
  };
}

const PARTS = ['params', 'query', 'body'] as const;
const NOTHING = z.object({});
const hasFields = (body: unknown) => typeof body === 'object' && body !== null && Object.keys(body).length > 0;

function withoutEmpty(query: unknown): Record<string, unknown> {
  return Object.fromEntries(Object.entries((query ?? {}) as Record<string, unknown>).filter(([, v]) => v !== ''));
}

/** What `validate` parsed for this request. */
export function validOf(res: Response): Valid {
  return res.locals.valid as Valid;
}
