/**
 * What a shopper's feedback events mean for their recommendations, as plain data (pure, no I/O),
 * so each effect is one small step the recommender applies where it belongs:
 *
 * - `leaveOut` (a filter): products bought or hidden are never recommended again;
 * - `hiddenPosts` (a profile input): posts the shopper hid never shape the profile nor are cited;
 * - `savedPosts` (a profile input): saved posts weigh SAVED_POST_BOOST times as much;
 * - `negatives` (a re-rank input): products and posts marked "not interested"; candidates close
 *   to them are pushed down (`src/rank/push-down.ts`), the items themselves are left out;
 * - `history` (a profile input): products viewed, clicked, saved, added to the cart or bought,
 *   each weighted by what was done and how long ago, become one more interest
 *   (`src/profile/history.ts`).
 *
 * Only events the core was allowed to store reach this (personalization granted, never minors).
 */
import type { FeedbackEvent, FeedbackType } from '../domain/index.js';

/** How much each positive action says about taste (a purchase says most). */
export const HISTORY_WEIGHTS: Partial<Record<FeedbackType, number>> = { view: 1, click: 2, save: 3, add_to_cart: 4, purchase: 5 };

/** A saved post counts this many times as much as its recency and engagement alone would give. */
export const SAVED_POST_BOOST = 2;

/** Only this many of the newest events are read into a profile: old history says little and costs reads. */
export const MAX_PROFILE_EVENTS = 1000;

export interface FeedbackSignals {
  leaveOut: Set<string>;
  hiddenPosts: Set<string>;
  savedPosts: Set<string>;
  negatives: { products: Set<string>; posts: Set<string> };
  /** Product ids with their summed, recency-weighted action weights (no product twice). */
  history: Array<{ productId: string; weight: number }>;
}

const DAY_MS = 86_400_000;

/** @example feedbackSignals(events, now, 30).leaveOut.has('p1') // true after a purchase of p1 */
export function feedbackSignals(events: readonly FeedbackEvent[], now: Date, halfLifeDays: number): FeedbackSignals {
  const out: FeedbackSignals = {
    leaveOut: new Set(), hiddenPosts: new Set(), savedPosts: new Set(),
    negatives: { products: new Set(), posts: new Set() },
    history: [],
  };
  const history = new Map<string, number>();
  // Hidden or "not interested": left out, and not part of the shopper's taste either. Bought
  // products are left out of the list too, but they still say what the shopper likes.
  const rejected = new Set<string>();
  for (const e of events.slice(-MAX_PROFILE_EVENTS)) {
    if (e.postId !== undefined) {
      if (e.type === 'hide') out.hiddenPosts.add(e.postId);
      else if (e.type === 'save') out.savedPosts.add(e.postId);
      else if (e.type === 'not_interested') out.negatives.posts.add(e.postId);
      continue;
    }
    const id = e.productId!;
    if (e.type === 'purchase') out.leaveOut.add(id);
    if (e.type === 'hide' || e.type === 'not_interested') {
      out.leaveOut.add(id);
      rejected.add(id);
      if (e.type === 'not_interested') out.negatives.products.add(id);
    }
    const w = HISTORY_WEIGHTS[e.type];
    if (w !== undefined) {
      const ageDays = Math.max(0, (now.getTime() - Date.parse(e.at)) / DAY_MS);
      history.set(id, (history.get(id) ?? 0) + w * Math.pow(0.5, ageDays / halfLifeDays));
    }
  }
  for (const [productId, weight] of history) if (!rejected.has(productId)) out.history.push({ productId, weight });
  return out;
}

/** True when no event changes anything (the common case: skip every feedback step). */
export function noSignals(s: FeedbackSignals): boolean {
  return s.leaveOut.size + s.hiddenPosts.size + s.savedPosts.size + s.negatives.products.size + s.negatives.posts.size + s.history.length === 0;
}
