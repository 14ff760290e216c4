/**
 * Merchants, products, creators and posts: bulk upserts (per-item results, so one bad item never
 * sinks the batch), reads and removals. Each handler validates, calls one core read or command,
 * and shapes the answer.
 */
import { z } from 'zod';
import { Creator, Merchant } from '../../domain/index.js';
import type { Core } from '../../core/core.js';
import { CreatorList, CreatorView, PageQuery, PostList, ProductDetail, ProductList, ProductListQuery, SearchResponse, SimilarQuery } from '../../core/schemas.js';
import { clientGone } from '../client-gone.js';
import { RAW, route } from '../route.js';
import { BulkBody, BulkResult, IdParams, PostParams, ProductPatchBody, bulkAnswer as summary, doc } from '../schemas.js';

export function catalogRoutes({ core }: { core: Core }) {
  const { commands } = core;
  return [
    route({
      method: 'put', path: '/v1/merchants', operationId: 'upsertMerchants', tag: 'catalog', errors: ['BATCH_REJECTED'], summary: 'Bulk upsert merchants and their affiliate programmes; per-item results',
      body: BulkBody, docBody: doc.merchants, response: BulkResult,
      handle: async ({ body }) => summary(await commands.upsertMerchants(body.items)),
    }),
    route({
      method: 'get', path: '/v1/merchants', operationId: 'listMerchants', tag: 'catalog', summary: 'List merchants with their programmes',
      response: z.object({ items: z.array(Merchant) }),
      handle: async () => ({ items: await core.listMerchants() }),
    }),
    route({
      method: 'put', path: '/v1/products', operationId: 'upsertProducts', tag: 'catalog', errors: ['BATCH_REJECTED'],
      summary: 'Bulk upsert products (up to 1,000); embeds and indexes them; per-item results. With PostgreSQL a batch of JOB_MIN_ITEMS or more is queued for the embedding workers: 202 with the job (GET /v1/jobs/:id)',
      body: BulkBody, docBody: doc.products, response: BulkResult,
      handle: async ({ body, res }) => {
        const submitted = await commands.submitProducts(body.items);
        if ('results' in submitted) return summary(submitted.results);
        res.status(202).location(`/v1/jobs/${submitted.job.id}`).json(submitted.job);
        return RAW;
      },
    }),
    route({
      method: 'get', path: '/v1/products', operationId: 'listProducts', tag: 'catalog', summary: 'List the catalog by id, with the same filters as recommendations (paged)',
      query: ProductListQuery, response: ProductList,
      handle: ({ query }) => core.listProducts(query),
    }),
    route({
      method: 'patch', path: '/v1/products/:id', operationId: 'patchProduct', tag: 'catalog', summary: 'Change some fields of a product; re-embeds only when the image or the text changed',
      params: IdParams, body: ProductPatchBody, response: ProductDetail,
      handle: async ({ params, body }) => {
        await commands.patchProduct(params.id, body);
        return core.getProduct(params.id);
      },
    }),
    route({
      method: 'get', path: '/v1/products/:id', operationId: 'getProduct', tag: 'catalog', summary: 'One product',
      params: IdParams, response: ProductDetail,
      handle: ({ params }) => core.getProduct(params.id),
    }),
    route({
      method: 'delete', path: '/v1/products/:id', operationId: 'removeProduct', tag: 'catalog', summary: 'Remove a product (store, index and image)',
      params: IdParams,
      handle: ({ params }) => commands.removeProduct(params.id),
    }),
    route({
      method: 'get', path: '/v1/products/:id/similar', operationId: 'similarProducts', tag: 'discover', summary: 'Products that look and read like this one; `userId` applies that shopper\'s consent decision',
      params: IdParams, query: SimilarQuery, response: SearchResponse,
      handle: ({ params, query: { limit, userId, ...filters }, res }) => core.similar(params.id, limit, filters, userId, { signal: clientGone(res) }),
    }),
    route({
      method: 'put', path: '/v1/creators', operationId: 'upsertCreators', tag: 'catalog', errors: ['BATCH_REJECTED'], summary: 'Bulk upsert creators (handle, opt-ins); per-item results',
      body: BulkBody, docBody: doc.creators, response: BulkResult,
      handle: async ({ body }) => summary(await commands.upsertCreators(body.items)),
    }),
    route({
      method: 'get', path: '/v1/creators', operationId: 'listCreators', tag: 'catalog', summary: 'List creators by id (paged)',
      query: PageQuery, response: CreatorList,
      handle: ({ query }) => core.listCreators(query),
    }),
    route({
      method: 'get', path: '/v1/creators/:id', operationId: 'getCreator', tag: 'catalog', summary: 'A creator with their recent posts',
      params: IdParams, response: CreatorView,
      handle: ({ params }) => core.getCreator(params.id),
    }),
    route({
      method: 'delete', path: '/v1/creators/:id', operationId: 'removeCreator', tag: 'catalog', summary: 'Remove a creator with their posts and images (and from every profile)',
      params: IdParams,
      handle: ({ params }) => commands.removeCreator(params.id),
    }),
    route({
      method: 'get', path: '/v1/creators/:id/posts', operationId: 'listCreatorPosts', tag: 'catalog', summary: "A creator's posts, newest first (paged)",
      params: IdParams, query: PageQuery, response: PostList,
      handle: ({ params, query }) => core.listCreatorPosts(params.id, query),
    }),
    route({
      method: 'put', path: '/v1/creators/:id/posts', operationId: 'upsertPosts', tag: 'catalog', errors: ['BATCH_REJECTED'], summary: "Bulk upsert a creator's posts (image, caption, postedAt, engagement); per-item results",
      params: IdParams, body: BulkBody, docBody: doc.posts, response: BulkResult,
      handle: async ({ params, body }) => summary(await commands.upsertPosts(params.id, body.items)),
    }),
    route({
      method: 'delete', path: '/v1/creators/:id/posts/:postId', operationId: 'removePost', tag: 'catalog', summary: 'Remove one post and its image (and from every profile)',
      params: PostParams,
      handle: ({ params }) => commands.removePost(params.id, params.postId),
    }),
  ];
}
