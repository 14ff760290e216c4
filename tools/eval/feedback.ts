/**
 * "Service + feedback": what the world knows of each shopper before its reference date, turned
 * into the service's own feedback events and sent through the real command
 * (`commands.importFeedback`, the one that keeps each event's original time), which applies the
 * same consent rules as `POST /v1/users/:id/events`: nothing is kept without `personalization`,
 * never for a minor, and an event on a health item only with `health` consent.
 *
 * What maps onto an event, and how:
 * - each purchase of the shopper's `history` → `purchase` of that product, at its time;
 * - each `save` reaction to a post → `save` of that post, at its time;
 * - `like` reactions are NOT sent: the service has no "like" event, and calling a like a save (or
 *   a view of a product) would claim a signal the shop never had.
 * Held-out purchases (`heldOut`, the evaluation's ground truth) are never read here, and any
 * history or reaction at or after the reference date is dropped (and counted), so no event can
 * come from the scored window.
 */
import type { FeedbackRecord } from '../../src/domain/index.js';
import type { ItemResult } from '../../src/ingest/item-result.js';
import type { EvalWorld } from './world.js';

/** What was sent and what the command did with it (the report prints it). */
export interface FeedSummary {
  /** Events built from the world (purchases and post saves before the reference date). */
  sent: { purchase: number; save: number };
  /** Likes not sent (no such event) and records at/after the reference date dropped. */
  notSent: { likes: number; afterReference: number };
  /** The command's outcomes: kept, refused by consent (no personalization, a minor, health without consent), other errors. */
  recorded: number;
  refused: number;
  rejected: number;
  /** Shoppers with at least one event recorded. */
  shoppersWithEvents: number;
  /** Shoppers with events sent but none recorded (the consent gate). */
  shoppersRefused: number;
  /** Held-out purchases of a product already in the shopper's history, and all held-out purchases (the leave-out rule's cost). */
  repurchases: number;
  heldOut: number;
}

/** The world's pre-reference behaviour as feedback records, oldest first per shopper. Never reads `heldOut`. */
export function worldFeedback(world: Pick<EvalWorld, 'users' | 'referenceDate'>): { records: FeedbackRecord[]; likes: number; afterReference: number } {
  const cutoff = world.referenceDate.getTime();
  const records: FeedbackRecord[] = [];
  let likes = 0;
  let afterReference = 0;
  for (const u of world.users) {
    const mine: FeedbackRecord[] = [];
    for (const h of u.history ?? []) mine.push({ userId: u.id, type: 'purchase', productId: h.productId, at: h.at });
    for (const r of u.reactions ?? []) {
      if (r.kind === 'save') mine.push({ userId: u.id, type: 'save', postId: r.postId, at: r.at });
      else likes++;
    }
    for (const rec of mine.sort((a, b) => Date.parse(a.at) - Date.parse(b.at))) {
      if (Date.parse(rec.at) >= cutoff) afterReference++;
      else records.push(rec);
    }
  }
  return { records, likes, afterReference };
}

/** True when the world has anything to feed (histories or saves); otherwise the method is not run. */
export const hasFeedback = (world: Pick<EvalWorld, 'users' | 'referenceDate'>): boolean => worldFeedback(world).records.length > 0;

/** The command the events go through (the core's `importFeedback`). */
export type ImportFeedback = (records: unknown[]) => Promise<ItemResult[]>;

const CHUNK = 1000;

/** Sends the world's events through the command and tallies what it kept and refused. */
export async function feedWorld(world: Pick<EvalWorld, 'users' | 'referenceDate'>, importFeedback: ImportFeedback): Promise<FeedSummary> {
  const { records, likes, afterReference } = worldFeedback(world);
  const sent = { purchase: records.filter((r) => r.type === 'purchase').length, save: records.filter((r) => r.type === 'save').length };
  let [recorded, refused, rejected] = [0, 0, 0];
  const kept = new Set<string>();
  const tried = new Set<string>();
  for (let i = 0; i < records.length; i += CHUNK) {
    const chunk = records.slice(i, i + CHUNK);
    const results = await importFeedback(chunk);
    results.forEach((r, j) => {
      const userId = chunk[j]!.userId;
      tried.add(userId);
      if (r.ok) (recorded++, kept.add(userId));
      else if (r.error.code === 'FORBIDDEN') refused++;
      else rejected++;
    });
  }
  let repurchases = 0;
  let heldOut = 0;
  for (const u of world.users) {
    const owned = new Set((u.history ?? []).map((h) => h.productId));
    heldOut += u.heldOut.length;
    repurchases += u.heldOut.filter((id) => owned.has(id)).length;
  }
  return {
    sent, notSent: { likes, afterReference }, recorded, refused, rejected,
    shoppersWithEvents: kept.size, shoppersRefused: [...tried].filter((id) => !kept.has(id)).length,
    repurchases, heldOut,
  };
}
