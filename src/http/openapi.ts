/**
 * `GET /openapi.json`, generated from the same route list and zod schemas that validate requests
 * (zod 4's `z.toJSONSchema`), so the document cannot drift from the code.
 */
import { z } from 'zod';
import { ERROR_CODES, type ErrorCode } from '../errors.js';
import type { Access, AccessRule } from './auth.js';
import { HTTP_STATUS } from './errors.js';
import { createComponents } from './openapi-components.js';
import type { RouteSpec } from './route.js';
import { BulkResult } from './schemas.js';

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

/** A bulk write in which no item was accepted (422): the error plus every item's result. */
const BatchRejected = ErrorResponse.extend(BulkResult.shape);

/**
 * The error codes a route can answer with: those its shape implies (400 on every route: unknown
 * query fields are refused everywhere; the body's
 * 413/415, keys → 401, scopes → 403, path ids → 404, always 500) plus the ones it declares.
 */
function errorCodes(spec: RouteDoc, access: Access): ErrorCode[] {
  const codes = new Set<ErrorCode>(spec.errors ?? []);
  // Every route validates: even one without a query schema refuses unknown query fields by name (400).
  codes.add('VALIDATION_FAILED');
  if (spec.body) for (const c of ['INVALID_JSON', 'PAYLOAD_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE'] as const) codes.add(c);
  if (access !== 'public') codes.add('UNAUTHENTICATED');
  // Every keyed route but an app one can be refused to some scope; app routes refuse `reports` keys.
  if (access !== 'public') codes.add('FORBIDDEN');
  // The rate limit counts keyed requests and everything under /v1 and /r/ (src/http/ops/rate-limit.ts).
  if (access !== 'public' || spec.path.startsWith('/r/')) codes.add('RATE_LIMITED');
  if (spec.params) codes.add('NOT_FOUND');
  codes.add('INTERNAL');
  return [...codes];
}

/** One response per status, naming the codes it stands for; `ref` gives the named error component. */
function errorResponses(codes: ErrorCode[], ref: (name: 'Error' | 'BatchRejected') => Json): Record<string, Json> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const c of codes) byStatus.set(HTTP_STATUS[c], [...(byStatus.get(HTTP_STATUS[c]) ?? []), c]);
  return Object.fromEntries(
    [...byStatus].sort(([a], [b]) => a - b).map(([status, cs]) => [
      String(status),
      { description: cs.join(', '), content: { 'application/json': { schema: ref(cs.includes('BATCH_REJECTED') ? 'BatchRejected' : 'Error') } } },
    ]),
  );
}

/** The documented success: the JSON response, a response the handler writes itself, or 204. */
function success(spec: RouteDoc, ref: (response: z.ZodType) => Json): Record<string, Json> {
  if (spec.raw) {
    const content = spec.raw.contentTypes ? Object.fromEntries(spec.raw.contentTypes.map((t) => [t, { schema: { type: 'string', contentMediaType: t } }])) : undefined;
    return { [String(spec.raw.status)]: { description: spec.raw.description, ...(content ? { content } : {}) } };
  }
  if (spec.response) {
    const alternatives = Object.entries(spec.alternatives ?? {});
    const description = ['OK', ...alternatives.map(([type, when]) => `${type}: ${when}`)].join('. ');
    const content = { 'application/json': { schema: ref(spec.response) }, ...Object.fromEntries(alternatives.map(([type]) => [type, { schema: { type: 'string' } }])) };
    return { [String(spec.status ?? 200)]: { description, content } };
  }
  return { [String(spec.status ?? 204)]: { description: 'Done' } };
}

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
  const components = createComponents({ Error: ErrorResponse, BatchRejected, ...names });
  const errorRef = { Error: components.ref({ schema: ErrorResponse, io: 'output', fallback: 'Error' }), BatchRejected: components.ref({ schema: BatchRejected, io: 'output', fallback: 'BatchRejected' }) };
  const paths: Record<string, Record<string, Json>> = {};
  const accessOf = (method: string, path: string) => access.find((a) => a.method === method.toUpperCase() && a.path === path)?.access ?? 'admin';
  const security = (method: string, path: string) => {
    const a = accessOf(method, path);
    return a === 'public' ? [] : [{ bearer: [] }, { apiKey: [] }];
  };
  for (const spec of specs) {
    // Components without an export name are named after the operation: listShoppers → ListShoppersResponse.
    const title = spec.operationId[0]!.toUpperCase() + spec.operationId.slice(1);
    const op: Json = {
      operationId: spec.operationId,
      summary: spec.summary,
      ...(spec.description ? { description: spec.description } : {}),
      tags: [spec.tag],
      'x-scope': accessOf(spec.method, spec.path),
      security: security(spec.method, spec.path),
      parameters: parameters(spec),
      responses: {
        ...success(spec, (response) => components.ref({ schema: response, io: 'output', fallback: `${title}Response` })),
        ...errorResponses(errorCodes(spec, accessOf(spec.method, spec.path)), (name) => errorRef[name]),
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
