/** `GET /health` and `GET /openapi.json` (both public). */
import type { Embedder } from '../../embed/types.js';
import type { VectorIndex } from '../../index/types.js';
import type { Store } from '../../store/types.js';
import { route } from '../route.js';
import { Health } from '../schemas.js';

export function systemRoutes(deps: { store: Store; embedder: Embedder; productIndex: VectorIndex; openapi: () => unknown }) {
  return [
    route({
      method: 'get', path: '/health', tag: 'system', summary: 'Liveness, model id and dimension, index size and entity counts',
      response: Health,
      handle: async () => ({
        status: 'ok' as const,
        model: { id: deps.embedder.modelId, dimension: deps.embedder.dimension },
        index: { products: deps.productIndex.size() },
        counts: await deps.store.counts(),
      }),
    }),
    route({
      method: 'get', path: '/openapi.json', tag: 'system', summary: 'This document, generated from the zod schemas',
      handle: () => deps.openapi(),
    }),
  ];
}
