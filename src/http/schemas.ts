/**
 * Request schemas of the HTTP API that are not core shapes (those live in `src/core/schemas.ts`):
 * path parameters, bulk envelopes and the documented item shapes of bulk bodies. Zod schemas are
 * the types and the source of `/openapi.json`.
 */
import { z } from 'zod';
import { AgeBand, CreatorOptIns, Creator, Id, MAX_FOLLOWS, Merchant, Post, Product, ConsentPurpose, Region, TEXT_LIMITS as L, line } from '../domain/index.js';
import { AppError } from '../errors.js';
import { ItemResult } from '../ingest/item-result.js';

export const IdParams = z.object({ id: Id });
export const PostParams = z.object({ id: Id, postId: Id });
export const FollowParams = z.object({ id: Id, creatorId: Id });

/** Any product field but the id; at least one. Omitted fields keep their stored values. */
export const ProductPatchBody = Product.omit({ id: true })
  .partial()
  .strict()
  .refine((b) => Object.keys(b).length > 0, { message: 'send at least one field to change' });

export const MAX_BATCH = 1000;

/** Bulk bodies are checked for shape here and item by item by the commands, so one bad item never sinks the batch. */
export const BulkBody = z.object({ items: z.array(z.unknown()).min(1).max(MAX_BATCH) });
const bulkOf = (item: z.ZodType) => z.object({ items: z.array(item).min(1).max(MAX_BATCH) });
export const doc = {
  merchants: bulkOf(Merchant),
  products: bulkOf(Product),
  creators: bulkOf(Creator),
  posts: bulkOf(Post.omit({ creatorId: true }).extend({ creatorId: z.string().optional() })),
};

export const BulkResult = z.object({ ok: z.number().int(), failed: z.number().int(), results: z.array(ItemResult) });

/**
 * The answer to a bulk write: 200 with per-item results when at least one item was accepted (or
 * the batch was empty); when every item was refused, 422 BATCH_REJECTED with the same `ok`,
 * `failed` and `results` beside the error, so a client never mistakes a total failure for success.
 */
export function bulkAnswer(results: ItemResult[]): z.infer<typeof BulkResult> {
  const failedItems = results.flatMap((r, k) => (r.ok ? [] : [{ k, r }]));
  const answer = { ok: results.length - failedItems.length, failed: failedItems.length, results };
  if (results.length > 0 && answer.ok === 0) {
    const details = failedItems.map(({ k, r }) => ({ path: `items.${k}`, message: r.ok ? '' : `${r.error.code}: ${r.error.message}` }));
    throw new AppError('BATCH_REJECTED', `None of the ${results.length} items was accepted; each item's result says why.`, details, { extra: answer });
  }
  return answer;
}

export const UserBody = z.object({
  displayName: line(L.displayName).optional(),
  region: Region,
  ageBand: AgeBand,
});
export const FollowsBody = z.object({ creatorIds: z.array(Id).max(MAX_FOLLOWS) });

export const ConsentChangeBody = z.strictObject({
  events: z
    .array(
      z.strictObject({
        purpose: ConsentPurpose,
        granted: z.boolean(),
        source: line(L.consentSource).min(1).optional().describe('Where the choice was made; defaults to the policy\'s source ("api").'),
        policyVersion: line(L.policyVersion).min(1).optional().describe('Privacy-policy version shown; defaults to POLICY_VERSION.'),
      }),
    )
    .min(1)
    .max(20),
});

export const OptInPatchBody = CreatorOptIns.partial()
  .strict()
  .refine((b) => b.styleSource !== undefined || b.affiliate !== undefined, { message: 'send at least one of styleSource, affiliate' });
