/** Shoppers: upsert, read, list, and the set of creators they follow. Consents and erasure live in `consent.ts`. */
import { z } from 'zod';
import type { Core } from '../../core/core.js';
import { ShopperSummary, ShopperView } from '../../core/schemas.js';
import { route } from '../route.js';
import { FollowsBody, IdParams, UserBody } from '../schemas.js';

export function userRoutes({ core }: { core: Core }) {
  return [
    route({
      method: 'get', path: '/v1/users', operationId: 'listShoppers', tag: 'users', summary: 'List shoppers',
      response: z.object({ items: ShopperSummary.array() }),
      handle: async () => ({ items: await core.listShoppers() }),
    }),
    route({
      method: 'put', path: '/v1/users/:id', operationId: 'upsertShopper', tag: 'users', summary: 'Create or update a shopper (region and age band drive the consent rules)',
      params: IdParams, body: UserBody, response: ShopperView,
      handle: ({ params, body }) => core.commands.upsertShopper(params.id, body),
    }),
    route({
      method: 'get', path: '/v1/users/:id', operationId: 'getShopper', tag: 'users', summary: 'A shopper and the creators they follow',
      params: IdParams, response: ShopperView,
      handle: ({ params }) => core.getShopper(params.id),
    }),
    route({
      method: 'put', path: '/v1/users/:id/follows', operationId: 'setFollows', tag: 'users', summary: 'Replace the set of creators a shopper follows',
      params: IdParams, body: FollowsBody, response: ShopperView,
      handle: ({ params, body }) => core.commands.setFollows(params.id, body.creatorIds),
    }),
  ];
}
