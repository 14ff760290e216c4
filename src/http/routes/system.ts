/** `GET /health` and `GET /openapi.json` (both public). */
import type { Core } from '../../core/core.js';
import { Health } from '../../core/schemas.js';
import { route } from '../route.js';

export function systemRoutes(deps: { core: Core; openapi: () => unknown }) {
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
  ];
}
