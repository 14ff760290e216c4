/**
 * The category taxonomy: which categories exist and which are health & wellness (the only source
 * of a product's or post's health status). Thin adapters over the core.
 */
import { z } from 'zod';
import type { Core } from '../../core/core.js';
import { Category } from '../../domain/index.js';
import { route } from '../route.js';
import { BulkBody, BulkResult, bulkAnswer } from '../schemas.js';

export function categoryRoutes({ core }: { core: Core }) {
  return [
    route({
      method: 'put', path: '/v1/categories', operationId: 'upsertCategories', tag: 'catalog', errors: ['BATCH_REJECTED'],
      summary: 'Bulk upsert categories; `sensitive: "health"` marks a health category, which applies at once to every product and post in it; per-item results',
      body: BulkBody, docBody: z.object({ items: z.array(Category).min(1) }), response: BulkResult,
      handle: async ({ body }) => bulkAnswer(await core.commands.upsertCategories(body.items)),
    }),
    route({
      method: 'get', path: '/v1/categories', operationId: 'listCategories', tag: 'catalog', summary: 'The category taxonomy, with its health categories marked',
      response: z.object({ items: z.array(Category) }),
      handle: async () => ({ items: await core.listCategories() }),
    }),
  ];
}
