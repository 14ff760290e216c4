/**
 * The consent ledger as the API shows it: what the shopper chose (latest event per purpose), what
 * the service actually applies (the decision, which overrides choices for minors), and the full
 * append-only history. A read over the Store port; appending is the core's `appendConsents`
 * command.
 */
import { z } from 'zod';
import { AgeBand, ConsentEvent } from '../domain/index.js';
import { AppError } from '../errors.js';
import type { Store } from '../store/types.js';
import { ConsentDecision, PurposeFlags } from './decision.js';
import { decideConsent, latestByPurpose } from './decide.js';
import type { ConsentPolicy } from './policy.js';

export const ConsentState = z.object({
  userId: z.string(),
  region: z.string(),
  ageBand: AgeBand,
  current: PurposeFlags.describe('What the shopper chose (latest event per purpose; false when never asked).'),
  minor: z.boolean(),
  decision: ConsentDecision.describe('What the service applies now (minors: nothing).'),
  history: z.array(ConsentEvent).describe('Every event ever recorded for this shopper, oldest first.'),
});
export type ConsentState = z.infer<typeof ConsentState>;

/** The user's consent state; NOT_FOUND for an unknown (or erased) user. */
export async function consentState(
  store: Pick<Store, 'getUser' | 'listConsents'>,
  policy: ConsentPolicy,
  userId: string,
  now: Date,
): Promise<ConsentState> {
  const user = await store.getUser(userId);
  if (!user) throw new AppError('NOT_FOUND', `No shopper with id "${userId}".`);
  const history = await store.listConsents(userId);
  const latest = latestByPurpose(history, now);
  const decision = decideConsent(user, history, policy, now);
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
