/**
 * Shopper writes: the profile, follows, consent events and erasure, plus the world format's
 * shopper records (profile, follows and consent history at once). Every one drops the shopper's
 * cached profile and lists before it returns, so the very next request sees the change; the
 * consent decision itself is taken fresh on every request anyway.
 */
import { MAX_FOLLOWS, ShopperRecord, type AgeBand, type ConsentEvent, type ConsentPurpose, type Shopper } from '../../domain/index.js';
import { consentState, type ConsentState } from '../../consent/ledger.js';
import { AppError } from '../../errors.js';
import { errorResult, failResult, okResult, type ItemResult } from '../../ingest/item-result.js';
import { parseItem } from '../../ingest/validate.js';
import type { CoreDeps } from '../deps.js';
import { shopperView } from '../present.js';
import type { ErasureView, ShopperView } from '../schemas.js';
import { shopperChanged, type CoreState } from '../state.js';
import { feedbackCommands } from './feedback.js';

/** A consent change as a caller sends it; the server stamps the time and fills the defaults. */
export interface ConsentChange {
  purpose: ConsentPurpose;
  granted: boolean;
  source?: string;
  policyVersion?: string;
}

export interface ShopperChange {
  displayName?: string;
  region: string;
  ageBand: AgeBand;
}

const RETAINED =
  'A minimal, pseudonymised proof of past consent events (purpose, granted, time, policy version), as GDPR Art. 7(1) and 17(3)(e) allow.';
const eventKey = (e: ConsentEvent) => JSON.stringify([e.purpose, e.granted, new Date(e.at).toISOString(), e.source, e.policyVersion]);

export function shopperCommands(deps: CoreDeps, state: CoreState) {
  const { store } = deps;
  // A withdrawal or an age-band change can take away the right to keep feedback events.
  const { enforceFeedbackConsent } = feedbackCommands(deps, state);
  const notFound = (id: string) => new AppError('NOT_FOUND', `No shopper with id "${id}".`);
  const view = async (id: string): Promise<ShopperView> => {
    const user = await store.getUser(id);
    if (!user) throw notFound(id);
    return shopperView(user, await store.getFollows(id));
  };

  /** Unknown creators as field errors, or nothing. */
  async function unknownCreators(ids: string[], path: (i: number) => string) {
    const known = new Set((await store.getCreators(ids)).map((c) => c.id));
    return ids.flatMap((id, i) => (known.has(id) ? [] : [{ path: path(i), message: `no creator with id "${id}"` }]));
  }

  async function setFollows(userId: string, creatorIds: string[]): Promise<ShopperView> {
    if (!(await store.getUser(userId))) throw notFound(userId);
    const ids = [...new Set(creatorIds)];
    const unknown = await unknownCreators(creatorIds, (i) => `creatorIds.${i}`);
    if (unknown.length) throw new AppError('VALIDATION_FAILED', 'Some followed creators do not exist.', unknown);
    await store.setFollows(userId, ids);
    shopperChanged(state, userId);
    return view(userId);
  }

  return {
    /** Creates or updates a shopper; the age band can make them a minor, so nothing cached survives. */
    async upsertShopper(id: string, change: ShopperChange): Promise<ShopperView> {
      const prev = await store.getUser(id);
      // `demo` is never the caller's to set: a persona stays one, anyone else stays not one.
      const user: Shopper = { id, displayName: change.displayName ?? prev?.displayName ?? '', region: change.region, ageBand: change.ageBand, demo: prev?.demo ?? false };
      await store.upsertUser(user);
      shopperChanged(state, id);
      await enforceFeedbackConsent(id);
      return view(id);
    },

    /** Replaces the followed creators. @throws NOT_FOUND (shopper), VALIDATION_FAILED (unknown creators) */
    setFollows,

    /**
     * Adds one followed creator (idempotent: following twice changes nothing).
     * @throws NOT_FOUND (shopper or creator), VALIDATION_FAILED (already at MAX_FOLLOWS)
     */
    async followCreator(userId: string, creatorId: string): Promise<ShopperView> {
      const follows = (await store.getUser(userId)) ? await store.getFollows(userId) : undefined;
      if (!follows) throw notFound(userId);
      if (!follows.includes(creatorId) && follows.length >= MAX_FOLLOWS) {
        throw new AppError('VALIDATION_FAILED', `A shopper follows at most ${MAX_FOLLOWS} creators; unfollow one first.`, [{ path: 'params.creatorId', message: `already following ${MAX_FOLLOWS}` }]);
      }
      if (await store.addFollow(userId, creatorId)) shopperChanged(state, userId);
      return view(userId);
    },

    /** Removes one followed creator. @throws NOT_FOUND (shopper, or not following that creator) */
    async unfollowCreator(userId: string, creatorId: string): Promise<ShopperView> {
      if (!(await store.getUser(userId))) throw notFound(userId);
      if (!(await store.removeFollow(userId, creatorId))) throw new AppError('NOT_FOUND', `Shopper "${userId}" does not follow "${creatorId}".`);
      shopperChanged(state, userId);
      return view(userId);
    },

    /** Appends changes stamped with the server's clock (a caller's clock is never proof of consent). */
    async appendConsents(userId: string, changes: ConsentChange[]): Promise<ConsentState> {
      const at = deps.now();
      const events: ConsentEvent[] = changes.map((c) => ({
        purpose: c.purpose,
        granted: c.granted,
        at: at.toISOString(),
        source: c.source ?? deps.policy.defaultSource,
        policyVersion: c.policyVersion ?? deps.policy.policyVersion,
      }));
      await store.appendConsents(userId, events);
      shopperChanged(state, userId);
      await enforceFeedbackConsent(userId);
      return consentState(store, deps.policy, userId, at);
    },

    /** Erasure (GDPR Art. 17); a minimal consent proof stays. @throws NOT_FOUND */
    async eraseShopper(id: string): Promise<ErasureView> {
      if (!(await store.eraseUser(id))) throw notFound(id);
      shopperChanged(state, id);
      return { userId: id, erased: true, retained: RETAINED };
    },

    /**
     * Loads shoppers in the world format. The ledger is append-only, so events already recorded
     * (same purpose, decision, time, source and policy) are skipped: loading a world twice does not
     * duplicate history. `demo` marks them as demo personas (the world loader does, for fixtures).
     */
    async importShoppers(items: unknown[], options: { demo?: boolean } = {}): Promise<ItemResult[]> {
      const results: ItemResult[] = [];
      for (const [k, item] of items.entries()) {
        // The world format: users.json rows carry evaluation-only fields (heldOut), ignored here.
        const parsed = parseItem(ShopperRecord, item, k, 'ignore');
        if (!parsed.ok) {
          results.push(parsed.result);
          continue;
        }
        const u = parsed.value;
        const unknown = await unknownCreators(u.follows, (i) => `items.${k}.follows.${i}`);
        if (unknown.length > 0) {
          results.push(failResult(u.id, 'VALIDATION_FAILED', unknown.map((d) => `${d.path}: ${d.message}`).join('; ')));
          continue;
        }
        try {
          await store.upsertUser({ id: u.id, displayName: u.displayName, region: u.region, ageBand: u.ageBand, demo: options.demo ?? false });
          await store.setFollows(u.id, u.follows);
          const seen = new Set((await store.listConsents(u.id)).map(eventKey));
          const fresh = u.consents.filter((e) => !seen.has(eventKey(e)));
          if (fresh.length > 0) await store.appendConsents(u.id, fresh);
          shopperChanged(state, u.id);
          await enforceFeedbackConsent(u.id);
          results.push(okResult(u.id));
        } catch (err) {
          if (!(err instanceof AppError)) throw err;
          results.push(errorResult(u.id, err));
        }
      }
      return results;
    },
  };
}
