/** `GET /health` and `GET /openapi.json` (both public); `GET /metrics` (admin key or METRICS_TOKEN). */
import type { Core } from '../../core/core.js';
import { Health } from '../../core/schemas.js';
import { RAW, route } from '../route.js';

export interface SystemRouteDeps {
  core: Core;
  openapi: () => unknown;
  /** The Prometheus exposition and its content type; absent while only documenting. */
  metrics?: () => Promise<{ body: string; contentType: string }>;
}

export function systemRoutes(deps: SystemRouteDeps) {
  return [
    route({
      method: 'get', path: '/health', tag: 'system', summary: 'Liveness, model id and dimension, index size and entity counts',
      response: Health,
      handle: () => deps.core.health(),
    }),
    route({
      method: 'get', path: '/openapi.json', tag: 'system', summary: 'This document, generated from the zod schemas',
      handle: () => deps.openapi(),
    }),
    route({
      method: 'get', path: '/metrics', tag: 'system', summary: 'Prometheus metrics: per-route latency, embed queue depth, index size, cache hits and misses',
      produces: { type: 'text/plain', description: 'Prometheus text exposition format 0.0.4' },
      handle: async ({ res }) => {
        const m = await deps.metrics!();
        res.type(m.contentType).set('cache-control', 'no-store').send(m.body);
        return RAW;
      },
    }),
  ];
}
