/**
 * `GET /openapi.json`, generated from the same route list and zod schemas that validate requests
 * (zod 4's `z.toJSONSchema`), so the document cannot drift from the code.
 */
import { z } from 'zod';
import { ERROR_CODES } from '../errors.js';
import type { AccessRule } from './auth.js';
import { HTTP_STATUS } from './errors.js';
import { createComponents, operationId } from './openapi-components.js';
import type { RouteSpec } from './route.js';

type Json = Record<string, unknown>;

const schema = (s: z.ZodType, io: 'input' | 'output'): Json => {
  const { $schema: _drop, ...rest } = z.toJSONSchema(s, { io, unrepresentable: 'any' }) as Json;
  return rest;
};

const ErrorResponse = z.object({
  error: z.object({
    code: z.enum(Object.keys(ERROR_CODES) as [keyof typeof ERROR_CODES]),
    message: z.string(),
    details: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  }),
});

/** Express "/v1/users/:id" → OpenAPI "/v1/users/{id}". */
const openApiPath = (p: string) => p.replace(/:([A-Za-z_]\w*)/g, '{$1}');

function parameters(spec: RouteDoc): Json[] {
  const out: Json[] = [];
  for (const [where, s] of [['path', spec.params], ['query', spec.query]] as const) {
    if (!s) continue;
    const js = schema(s, 'input') as { properties?: Record<string, Json>; required?: string[] };
    for (const [name, prop] of Object.entries(js.properties ?? {})) {
      out.push({ name, in: where, required: where === 'path' || (js.required ?? []).includes(name), schema: prop, ...(prop.description ? { description: prop.description } : {}) });
    }
  }
  return out;
}

/** What the document needs of a route: everything but the handler (mounted routers supply these too). */
export type RouteDoc = Omit<RouteSpec, 'handle'>;

/**
 * Builds the OpenAPI 3.1 document for the given routes and access table.
 * @param names zod schemas by export name: bodies and responses become components of that name.
 */
export function buildOpenApi(specs: readonly RouteDoc[], access: readonly AccessRule[], serverUrl?: string, names: Record<string, unknown> = {}): Json {
  const components = createComponents({ Error: ErrorResponse, ...names });
  const paths: Record<string, Record<string, Json>> = {};
  const accessOf = (method: string, path: string) => access.find((a) => a.method === method.toUpperCase() && a.path === path)?.access ?? 'admin';
  const security = (method: string, path: string) => {
    const a = accessOf(method, path);
    return a === 'public' ? [] : [{ bearer: [] }, { apiKey: [] }];
  };
  const errorRef = components.ref({ schema: ErrorResponse, io: 'output', fallback: 'Error' });
  const errors = Object.fromEntries(
    [...new Set(Object.values(HTTP_STATUS))].map((s) => [String(s), { description: 'Error', content: { 'application/json': { schema: errorRef } } }]),
  );
  for (const spec of specs) {
    const id = operationId(spec.method, spec.path);
    const title = id[0].toUpperCase() + id.slice(1);
    const op: Json = {
      operationId: id,
      summary: spec.summary,
      tags: [spec.tag],
      'x-scope': accessOf(spec.method, spec.path),
      security: security(spec.method, spec.path),
      parameters: parameters(spec),
      responses: {
        [String(spec.status ?? (spec.response || spec.produces ? 200 : 204))]: spec.response
          ? { description: 'OK', content: { 'application/json': { schema: components.ref({ schema: spec.response, io: 'output', fallback: `${title}Response` }) } } }
          : spec.produces
            ? { description: spec.produces.description, content: { [spec.produces.type]: { schema: { type: 'string' } } } }
            : { description: spec.tag === 'media' ? 'Image bytes' : 'Done' },
        ...errors,
      },
    };
    const body = spec.docBody ?? spec.body;
    if (body) op.requestBody = { required: true, content: { 'application/json': { schema: components.ref({ schema: body, io: 'input', fallback: `${title}Body` }) } } };
    (paths[openApiPath(spec.path)] ??= {})[spec.method] = op;
  }
  return {
    openapi: '3.1.0',
    ...(serverUrl ? { servers: [{ url: serverUrl }] } : {}),
    info: { title: 'Creator-style shopping recommender', version: '0.1.0', description: 'Recommends catalog products in the style of the creators a shopper follows, under consent rules, with disclosed affiliate links.' },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' }, apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key' } },
      schemas: components.schemas(),
    },
    paths,
  };
}
