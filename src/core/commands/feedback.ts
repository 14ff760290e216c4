/**
 * Feedback events (view, click, save, add_to_cart, purchase, hide, not_interested on a product or
 * a post). Profiling data, so the consent rules decide what is stored at all:
 * - stored only while the shopper's decision allows `personalization` (never for minors);
 *   otherwise the events are answered as ignored, with the reason, and nothing is kept;
 * - an event on a health & wellness product or post is stored only with `health` too;
 * - `enforceFeedbackConsent` deletes what is no longer allowed after a consent withdrawal or an
 *   age-band change, and erasure deletes everything (the store's eraseUser).
 * Every write drops the shopper's cached profile and lists, so the next request uses it.
 */
import type { ConsentDecision } from '../../consent/decide.js';
import { FeedbackRecord, type FeedbackEvent, type FeedbackInput } from '../../domain/index.js';
import { AppError } from '../../errors.js';
import { errorResult, failResult, okResult, type ItemResult } from '../../ingest/item-result.js';
import { parseItem } from '../../ingest/validate.js';
import type { CoreDeps } from '../deps.js';
import type { FeedbackResult } from '../schemas.js';
import { shopperChanged, type CoreState } from '../state.js';

const NOT_STORED = 'Nothing was recorded: without personalization the service keeps no record of what you view, save, buy or hide.';
const NEEDS_HEALTH = 'Not recorded: an action on a health & wellness item is kept only with your consent to health personalisation.';

type Verdict = { ok: true; event: FeedbackEvent } | { ok: false; ignored: boolean; code?: string; message: string };

export function feedbackCommands(deps: CoreDeps, state: CoreState) {
  const { store } = deps;

  async function decisionFor(userId: string): Promise<ConsentDecision> {
    const user = await store.getUser(userId);
    if (!user) throw new AppError('NOT_FOUND', `No shopper with id "${userId}".`);
    return state.decide(user, await store.listConsents(userId), deps.now());
  }

  /** Whether the target exists and is health data (by the category taxonomy, now); undefined when it does not exist. */
  async function target(e: { productId?: string; postId?: string }): Promise<{ sensitive: boolean } | undefined> {
    if (e.productId !== undefined) {
      const p = state.catalog.get(e.productId);
      return p ? { sensitive: state.catalog.isHealth(e.productId) } : undefined;
    }
    const post = await store.getPost(e.postId!);
    return post ? { sensitive: state.taxonomy.postIsHealth(post) } : undefined;
  }

  async function judge(e: FeedbackEvent, decision: ConsentDecision): Promise<Verdict> {
    const t = await target(e);
    if (!t) {
      const what = e.productId !== undefined ? `product "${e.productId}"` : `post "${e.postId}"`;
      return { ok: false, ignored: false, code: 'NOT_FOUND', message: `No ${what}.` };
    }
    if (t.sensitive && !decision.health) return { ok: false, ignored: true, message: NEEDS_HEALTH };
    return { ok: true, event: e };
  }

  /**
   * Deletes the shopper's events the current decision no longer allows: all of them without
   * personalization (or for a minor), those on health items without health consent.
   */
  async function enforceFeedbackConsent(userId: string): Promise<void> {
    const user = await store.getUser(userId);
    if (!user) return;
    const decision = state.decide(user, await store.listConsents(userId), deps.now());
    if (!decision.personalization) {
      if ((await store.deleteFeedback(userId)) > 0) shopperChanged(state, userId);
      return;
    }
    if (decision.health) return;
    const events = await store.listFeedback(userId);
    const drop: string[] = [];
    // An event on a removed product cannot be shown to be harmless: it goes too.
    for (const e of events) if ((await target(e))?.sensitive !== false) drop.push(e.id);
    if (drop.length > 0 && (await store.deleteFeedback(userId, drop)) > 0) shopperChanged(state, userId);
  }

  return {
    enforceFeedbackConsent,

    /**
     * Records a batch of events stamped with the server's clock (a client's clock is not trusted).
     * @throws AppError NOT_FOUND when the shopper does not exist.
     * @example await commands.recordFeedback('u1', [{ type: 'purchase', productId: 'p1' }])
     */
    async recordFeedback(userId: string, inputs: FeedbackInput[]): Promise<FeedbackResult> {
      const decision = await decisionFor(userId);
      if (!decision.personalization) {
        return {
          userId, recorded: 0, ignored: inputs.length, rejected: 0, reason: decision.reason ?? NOT_STORED,
          results: inputs.map((_, index) => ({ index, outcome: 'ignored' as const, message: NOT_STORED })),
        };
      }
      const at = deps.now().toISOString();
      const results: FeedbackResult['results'] = [];
      const keep: Array<{ index: number; event: FeedbackEvent }> = [];
      for (const [index, input] of inputs.entries()) {
        const v = await judge({ ...input, at }, decision);
        if (v.ok) keep.push({ index, event: v.event });
        else results.push(v.ignored ? { index, outcome: 'ignored', message: v.message } : { index, outcome: 'rejected', code: v.code, message: v.message });
      }
      const stored = keep.length ? await store.appendFeedback(userId, keep.map((k) => k.event)) : [];
      stored.forEach((s, i) => results.push({ index: keep[i]!.index, outcome: 'recorded', id: s.id }));
      if (stored.length > 0) shopperChanged(state, userId);
      results.sort((a, b) => a.index - b.index);
      const count = (o: string) => results.filter((r) => r.outcome === o).length;
      return { userId, recorded: stored.length, ignored: count('ignored'), rejected: count('rejected'), reason: null, results };
    },

    /**
     * Imports events with their original times (a world folder's events.json, the offline
     * evaluation), under the same consent rules as `recordFeedback`, decided now.
     */
    async importFeedback(records: unknown[]): Promise<ItemResult[]> {
      const results: ItemResult[] = new Array(records.length);
      const decisions = new Map<string, ConsentDecision | null>();
      const pending = new Map<string, Array<{ k: number; event: FeedbackEvent }>>();
      for (const [k, item] of records.entries()) {
        const parsed = parseItem(FeedbackRecord, item, k, 'ignore');
        if (!parsed.ok) {
          results[k] = parsed.result;
          continue;
        }
        const { userId, ...event } = parsed.value;
        if (!decisions.has(userId)) decisions.set(userId, await decisionFor(userId).catch((err) => (err instanceof AppError ? null : Promise.reject(err))));
        const decision = decisions.get(userId);
        if (!decision) results[k] = failResult(`#${k}`, 'NOT_FOUND', `No shopper with id "${userId}".`);
        else if (!decision.personalization) results[k] = failResult(`#${k}`, 'FORBIDDEN', NOT_STORED);
        else {
          const v = await judge(event, decision);
          if (v.ok) pending.set(userId, [...(pending.get(userId) ?? []), { k, event }]);
          else results[k] = failResult(`#${k}`, v.code ?? 'FORBIDDEN', v.message);
        }
      }
      for (const [userId, rows] of pending) {
        try {
          const stored = await store.appendFeedback(userId, rows.map((r) => r.event));
          stored.forEach((s, i) => (results[rows[i]!.k] = okResult(s.id)));
        } catch (err) {
          if (!(err instanceof AppError)) throw err;
          for (const r of rows) results[r.k] = errorResult(`#${r.k}`, err);
        }
        shopperChanged(state, userId);
      }
      return results;
    },
  };
}
