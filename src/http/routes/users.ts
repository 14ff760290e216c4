/** Shoppers: upsert, read, list, and the set of creators they follow. Consents and erasure live in `consent.ts`. */
import type { Core } from '../../core/core.js';
import { PageQuery, ShopperList, ShopperView } from '../../core/schemas.js';
import { route } from '../route.js';
import { FollowParams, FollowsBody, IdParams, UserBody } from '../schemas.js';

export function userRoutes({ core }: { core: Core }) {
  return [
    route({
      method: 'get', path: '/v1/users', operationId: 'listShoppers', tag: 'users', summary: 'List shoppers by id (paged)',
      query: PageQuery, response: ShopperList,
      handle: ({ query }) => core.listShoppers(query),
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
    route({
      method: 'put', path: '/v1/users/:id/follows/:creatorId', operationId: 'addFollow', tag: 'users', summary: 'Follow one more creator (idempotent)',
      params: FollowParams, response: ShopperView,
      handle: ({ params }) => core.commands.followCreator(params.id, params.creatorId),
    }),
    route({
      method: 'delete', path: '/v1/users/:id/follows/:creatorId', operationId: 'removeFollow', tag: 'users', summary: 'Stop following one creator',
      params: FollowParams, response: ShopperView,
      handle: ({ params }) => core.commands.unfollowCreator(params.id, params.creatorId),
    }),
  ];
}
