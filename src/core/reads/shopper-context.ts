/**
 * A named shopper's consent context for a read: who they are, the decision taken fresh from the
 * ledger now, and their link pseudonym only when that decision allows click tracking. The same
 * decision the recommender takes, so search, similar and the export apply exactly the same rules.
 */
import { consentAge, type ConsentDecision } from '../../consent/decide.js';
import type { Shopper } from '../../domain/index.js';
import { AppError } from '../../errors.js';
import type { CoreDeps } from '../deps.js';
import type { ConsentSummary } from '../schemas.js';
import type { CoreState } from '../state.js';
import type { z } from 'zod';

export interface ShopperContext {
  user: Shopper;
  decision: ConsentDecision;
  /** The pseudonym links may carry; null unless click tracking applies. */
  ref: string | null;
  /** The age of digital consent in their region (what makes them a minor or not). */
  consentAge: number;
}

/** @throws AppError NOT_FOUND for an unknown (or erased) shopper. */
export async function shopperContext(deps: CoreDeps, state: CoreState, userId: string, at: Date): Promise<ShopperContext> {
  // One store read (one round trip on PostgreSQL); follows come with it and go unused here.
  const shopper = await deps.store.shopperReadSet(userId);
  if (!shopper) throw new AppError('NOT_FOUND', `No shopper with id "${userId}".`);
  const { user } = shopper;
  const decision = state.decide(user, shopper.consents, at);
  const ref = decision.clickTracking ? (shopper.linkRef ?? null) : null;
  return { user, decision, ref, consentAge: consentAge(user.region, deps.policy) };
}

/** The decision as a response summarises it. */
export function consentSummary(d: ConsentDecision): z.infer<typeof ConsentSummary> {
  return { personalization: d.personalization, clickTracking: d.clickTracking, health: d.health, minor: d.minor, applied: [...d.applied] };
}
