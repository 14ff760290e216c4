/**
 * Request/response schemas of the HTTP API that are not core shapes (those live in
 * `src/recommend/schemas.ts`). Zod schemas are the types and the source of `/openapi.json`.
 */
import { z } from 'zod';
import { AgeBand, Creator, Post, Product } from '../world/schema.js';

export const IdParams = z.object({ id: z.string().min(1).max(200) });

export const MAX_BATCH = 1000;

/** Bulk bodies are checked for shape here and item by item by ingest, so one bad item never sinks the batch. */
export const BulkBody = z.object({ items: z.array(z.unknown()).min(1).max(MAX_BATCH) });
export const doc = {
  products: z.object({ items: z.array(Product).min(1).max(MAX_BATCH) }),
  creators: z.object({ items: z.array(Creator).min(1).max(MAX_BATCH) }),
  posts: z.object({ items: z.array(Post.omit({ creatorId: true }).extend({ creatorId: z.string().optional() })).min(1).max(MAX_BATCH) }),
};

export const ItemResult = z.union([
  z.object({ id: z.string(), ok: z.literal(true) }),
  z.object({ id: z.string(), ok: z.literal(false), error: z.object({ code: z.string(), message: z.string() }) }),
]);
export type ItemResult = z.infer<typeof ItemResult>;
export const BulkResult = z.object({ ok: z.number().int(), failed: z.number().int(), results: z.array(ItemResult) });

export const UserBody = z.object({
  displayName: z.string().max(200).optional(),
  region: z.string().regex(/^[A-Za-z]{2}$/, 'an ISO 3166-1 alpha-2 country code, e.g. "DE"').transform((s) => s.toUpperCase()),
  ageBand: AgeBand,
});
export const UserView = z.object({ id: z.string(), displayName: z.string(), region: z.string(), ageBand: AgeBand, follows: z.array(z.string()) });
export const FollowsBody = z.object({ creatorIds: z.array(z.string().min(1)).max(50) });

export const CreatorView = Creator.extend({ posts: z.array(Post.pick({ id: true, caption: true, postedAt: true, engagement: true }).extend({ imageUrl: z.string() })).optional() });

export const Health = z.object({
  status: z.literal('ok'),
  model: z.object({ id: z.string(), dimension: z.number().int() }),
  index: z.object({ products: z.number().int() }),
  counts: z.object({ products: z.number().int(), creators: z.number().int(), posts: z.number().int(), users: z.number().int() }),
});
