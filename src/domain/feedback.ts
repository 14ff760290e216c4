/**
 * Feedback events: what a shopper did with a product or a post (viewed, clicked, saved, added to
 * their cart, bought, hid, or marked "not interested"). Profiling data: the core stores and uses
 * them only under the `personalization` purpose, never for minors, and erasure deletes them.
 */
import { z } from 'zod';
import { Id } from './ids.js';

export const FeedbackType = z
  .enum(['view', 'click', 'save', 'add_to_cart', 'purchase', 'hide', 'not_interested'])
  .describe('What the shopper did: view, click, save, add_to_cart, purchase, hide or not_interested.');
export type FeedbackType = z.infer<typeof FeedbackType>;

/** Exactly one of productId / postId: the thing the shopper acted on. */
const exactlyOneTarget = [
  (e: { productId?: string; postId?: string }) => (e.productId === undefined) !== (e.postId === undefined),
  { message: 'give exactly one of productId, postId', path: ['productId'] as PropertyKey[] },
] as const;

const targetFields = {
  productId: Id.optional().describe('The product acted on (or give postId).'),
  postId: Id.optional().describe('The post acted on (or give productId).'),
};

/** One event as a client sends it: the server stamps the time. */
export const FeedbackInput = z.strictObject({ type: FeedbackType, ...targetFields }).refine(...exactlyOneTarget);
export type FeedbackInput = z.infer<typeof FeedbackInput>;

/** One event with its time, as the core hands it to the store (and a world's events.json holds it). */
export const FeedbackEvent = z.object({ type: FeedbackType, ...targetFields, at: z.iso.datetime() }).refine(...exactlyOneTarget);
export type FeedbackEvent = z.infer<typeof FeedbackEvent>;

/** A stored event: `id` is the store's, increasing in the order events were recorded. */
export interface StoredFeedback extends FeedbackEvent {
  id: string;
}

/** A world folder's events.json row: one shopper's event with its original time. */
export const FeedbackRecord = z
  .object({ userId: Id, type: FeedbackType, ...targetFields, at: z.iso.datetime() })
  .refine(...exactlyOneTarget);
export type FeedbackRecord = z.infer<typeof FeedbackRecord>;
