/** `GET /health` and `GET /openapi.json` (both public). */
import type { Core } from '../../core/core.js';
import { Health } from '../../core/schemas.js';
import { z } from 'zod';
import { route } from '../route.js';

/** The document's outline (the full OpenAPI 3.1 schema is the spec's own). */
const OpenApiDocument = z.looseObject({ openapi: z.string(), info: z.looseObject({ title: z.string(), version: z.string() }), paths: z.record(z.string(), z.unknown()) });

export function systemRoutes(deps: { core: Core; openapi: () => unknown }) {
  return [
    route({
      method: 'get', path: '/health', operationId: 'getHealth', tag: 'system', summary: 'Liveness, model id and dimension, index size and entity counts',
      response: Health,
      handle: () => deps.core.health(),
    }),
    route({
      method: 'get', path: '/openapi.json', operationId: 'getOpenApi', tag: 'system', summary: 'This document, generated from the zod schemas',
      response: OpenApiDocument,
      handle: () => deps.openapi(),
    }),
  ];
}
