/**
 * The consent ledger as the API shows it: what the shopper chose (latest event per purpose), what
 * the service actually applies (the decision, which overrides choices for minors), and the full
 * append-only history. Plain functions over the Store port; no HTTP here.
 */
import { AppError } from '../errors.js';
import type { Store, StoredUser } from '../store/types.js';
import type { ConsentEvent, ConsentPurpose } from '../world/schema.js';
import { decideConsent, latestByPurpose, type ConsentDecision } from './decide.js';
import type { ConsentPolicy } from './policy.js';

export interface ConsentState {
  userId: string;
  region: string;
  ageBand: StoredUser['ageBand'];
  /** What the shopper has granted, latest event per purpose (false when never asked). */
  current: Record<ConsentPurpose, boolean>;
  minor: boolean;
  /** What the service applies now. */
  decision: ConsentDecision;
  /** Every event ever recorded for this shopper, oldest first. */
  history: ConsentEvent[];
}

/** A consent change as a caller sends it; the server stamps the time and fills the defaults. */
export interface ConsentChange {
  purpose: ConsentPurpose;
  granted: boolean;
  source?: string;
  policyVersion?: string;
}

type Deps = { store: Pick<Store, 'getUser' | 'listConsents' | 'appendConsents'>; consentPolicy: ConsentPolicy };

/** The user's consent state; NOT_FOUND for an unknown (or erased) user. */
export async function consentState({ store, consentPolicy }: Deps, userId: string, now: Date): Promise<ConsentState> {
  const user = await store.getUser(userId);
  if (!user) throw new AppError('NOT_FOUND', `No user with id "${userId}".`);
  const history = await store.listConsents(userId);
  const latest = latestByPurpose(history, now);
  const decision = decideConsent(user, history, consentPolicy, now);
  return {
    userId,
    region: user.region,
    ageBand: user.ageBand,
    current: {
      personalization: latest.get('personalization')?.granted === true,
      clickTracking: latest.get('clickTracking')?.granted === true,
      health: latest.get('health')?.granted === true,
    },
    minor: decision.minor,
    decision,
    history,
  };
}

/**
 * Appends changes stamped with `now` (the caller's clock is never trusted for proof of consent),
 * filling `source` and `policyVersion` from the policy when absent.
 */
export async function recordConsents(deps: Deps, userId: string, changes: ConsentChange[], now: Date): Promise<ConsentEvent[]> {
  const at = now.toISOString();
  const events = changes.map((c) => ({
    purpose: c.purpose,
    granted: c.granted,
    at,
    source: c.source ?? deps.consentPolicy.defaultSource,
    policyVersion: c.policyVersion ?? deps.consentPolicy.policyVersion,
  }));
  await deps.store.appendConsents(userId, events);
  return events;
}

/** The decision for a click: whether its user ref may be stored (clickTracking, never minors). */
export async function clickUserRef(deps: Omit<Deps, 'store'> & { store: Pick<Store, 'getUser' | 'listConsents'> }, userRef: string | null, now: Date): Promise<string | null> {
  if (!userRef) return null;
  const user = await deps.store.getUser(userRef);
  if (!user) return null; // erased or unknown: nothing to link to
  const decision = decideConsent(user, await deps.store.listConsents(userRef), deps.consentPolicy, now);
  return decision.clickTracking ? userRef : null;
}
