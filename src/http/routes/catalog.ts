/**
 * Products, creators and posts: bulk upserts through ingest (per-item results, so one bad item
 * never sinks the batch), reads, and removals. Every write tells the core, so filters, lists and
 * cached profiles see it on the next request.
 */
import { z } from 'zod';
import { AppError } from '../../errors.js';
import type { VectorIndex } from '../../index/types.js';
import type { Core } from '../../recommend/core.js';
import { postImageUrl, productView } from '../../recommend/present.js';
import { ProductView, SearchResponse, SimilarQuery } from '../../recommend/schemas.js';
import type { Store } from '../../store/types.js';
import { route } from '../route.js';
import { BulkBody, BulkResult, CreatorView, IdParams, doc, type ItemResult } from '../schemas.js';

/** Writes that embed and index: implemented by `src/ingest/` (see app.ts). */
export interface CatalogWriter {
  products(items: unknown[]): Promise<ItemResult[]>;
  creators(items: unknown[]): Promise<ItemResult[]>;
  posts(creatorId: string, items: unknown[]): Promise<ItemResult[]>;
}

export interface CatalogRouteDeps {
  store: Store;
  core: Core;
  productIndex: VectorIndex;
  postIndex?: VectorIndex;
  writer: CatalogWriter;
}

const summary = (results: ItemResult[]) => ({ ok: results.filter((r) => r.ok).length, failed: results.filter((r) => !r.ok).length, results });
const okIds = (results: ItemResult[]) => results.filter((r) => r.ok).map((r) => r.id);
const RECENT_POSTS = 12;

export function catalogRoutes({ store, core, productIndex, postIndex, writer }: CatalogRouteDeps) {
  return [
    route({
      method: 'put', path: '/v1/products', tag: 'catalog', summary: 'Bulk upsert products (up to 1,000); embeds and indexes them; per-item results',
      body: BulkBody, docBody: doc.products, response: BulkResult,
      handle: async ({ body }) => {
        const results = await writer.products(body.items);
        core.productsUpserted([...(await store.getProducts(okIds(results))).values()]);
        return summary(results);
      },
    }),
    route({
      method: 'get', path: '/v1/products/:id', tag: 'catalog', summary: 'One product',
      params: IdParams, response: ProductView.extend({ description: z.string(), url: z.string() }),
      handle: async ({ params }) => {
        const p = await store.getProduct(params.id);
        if (!p) throw new AppError('NOT_FOUND', `No product with id "${params.id}".`);
        return { ...productView(p), description: p.description, url: p.url };
      },
    }),
    route({
      method: 'delete', path: '/v1/products/:id', tag: 'catalog', summary: 'Remove a product (from the store and the index)',
      params: IdParams,
      handle: async ({ params }) => {
        core.productRemoved(params.id); // first: no request can pick it between the two removals
        productIndex.remove(params.id);
        if (!(await store.deleteProduct(params.id))) throw new AppError('NOT_FOUND', `No product with id "${params.id}".`);
        return undefined;
      },
    }),
    route({
      method: 'get', path: '/v1/products/:id/similar', tag: 'discover', summary: 'Products that look and read like this one',
      params: IdParams, query: SimilarQuery, response: SearchResponse,
      handle: ({ params, query }) => core.similar(params.id, query.limit),
    }),
    route({
      method: 'put', path: '/v1/creators', tag: 'catalog', summary: 'Bulk upsert creators (handle, aesthetics, opt-ins); per-item results',
      body: BulkBody, docBody: doc.creators, response: BulkResult,
      handle: async ({ body }) => {
        const results = await writer.creators(body.items);
        for (const id of okIds(results)) core.creatorChanged(id);
        return summary(results);
      },
    }),
    route({
      method: 'get', path: '/v1/creators', tag: 'catalog', summary: 'List creators',
      response: z.object({ items: z.array(CreatorView) }),
      handle: async () => ({ items: await store.listCreators() }),
    }),
    route({
      method: 'get', path: '/v1/creators/:id', tag: 'catalog', summary: 'A creator with their recent posts',
      params: IdParams, response: CreatorView,
      handle: async ({ params }) => {
        const creator = await store.getCreator(params.id);
        if (!creator) throw new AppError('NOT_FOUND', `No creator with id "${params.id}".`);
        const posts = (await store.listPosts([params.id])).sort((a, b) => Date.parse(b.postedAt) - Date.parse(a.postedAt));
        return {
          ...creator,
          posts: posts.slice(0, RECENT_POSTS).map((p) => ({ id: p.id, caption: p.caption, postedAt: p.postedAt, engagement: p.engagement, imageUrl: postImageUrl(p.id) })),
        };
      },
    }),
    route({
      method: 'delete', path: '/v1/creators/:id', tag: 'catalog', summary: 'Remove a creator with their posts (and from every profile)',
      params: IdParams,
      handle: async ({ params }) => {
        const posts = await store.listPosts([params.id]);
        if (!(await store.deleteCreator(params.id))) throw new AppError('NOT_FOUND', `No creator with id "${params.id}".`);
        for (const p of posts) postIndex?.remove(p.id);
        core.creatorChanged(params.id);
        return undefined;
      },
    }),
    route({
      method: 'put', path: '/v1/creators/:id/posts', tag: 'catalog', summary: "Bulk upsert a creator's posts (image, caption, postedAt, engagement); per-item results",
      params: IdParams, body: BulkBody, docBody: doc.posts, response: BulkResult,
      handle: async ({ params, body }) => {
        if (!(await store.getCreator(params.id))) throw new AppError('NOT_FOUND', `No creator with id "${params.id}".`);
        const results = await writer.posts(params.id, body.items);
        core.creatorChanged(params.id);
        return summary(results);
      },
    }),
  ];
}
