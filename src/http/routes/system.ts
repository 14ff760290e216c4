/** `GET /health` and `GET /openapi.json` (both public); `GET /metrics` (admin key or METRICS_TOKEN). */
import type { Core } from '../../core/core.js';
import { Health } from '../../core/schemas.js';
import { z } from 'zod';
import { RAW, route } from '../route.js';

/** The document's outline (the full OpenAPI 3.1 schema is the spec's own). */
const OpenApiDocument = z.looseObject({ openapi: z.string(), info: z.looseObject({ title: z.string(), version: z.string() }), paths: z.record(z.string(), z.unknown()) });

export interface SystemRouteDeps {
  core: Core;
  openapi: () => unknown;
  /** The Prometheus exposition and its content type; absent while only documenting. */
  metrics?: () => Promise<{ body: string; contentType: string }>;
}

export function systemRoutes(deps: SystemRouteDeps) {
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
    route({
      method: 'get', path: '/metrics', operationId: 'getMetrics', tag: 'system', summary: 'Prometheus metrics: per-route latency, embed queue depth, index size, cache hits and misses',
      raw: { status: 200, description: 'Prometheus text exposition format 0.0.4', contentTypes: ['text/plain'] },
      handle: async ({ res }) => {
        const m = await deps.metrics!();
        res.type(m.contentType).set('cache-control', 'no-store').send(m.body);
        return RAW;
      },
    }),
  ];
}
