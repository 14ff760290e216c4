/**
 * The consent decision: from a shopper's region, age band and append-only consent ledger, which
 * purposes the service may apply right now. Pure and synchronous so that the recommender, the
 * redirect route, the demo and the offline evaluation all enforce exactly the same rules.
 */
import { normaliseRegion, type AgeBand, type ConsentEvent, type ConsentPurpose } from '../domain/index.js';
import type { ConsentDecision } from './decision.js';
import { ABSOLUTE_MINOR_AGE, type ConsentPolicy } from './policy.js';

export type { ConsentDecision };

/** The consent policy bound into a function: decides from the shopper and their ledger. */
export type ConsentDecider = (user: { region: string; ageBand: AgeBand }, events: ConsentEvent[], now: Date) => ConsentDecision;

/** The youngest age in each band: a band counts as minor if anyone in it could be under the limit. */
const BAND_MIN_AGE: Record<AgeBand, number> = {
  under13: 0,
  '13-15': 13,
  '16-17': 16,
  '18-24': 18,
  '25-34': 25,
  '35-44': 35,
  '45-54': 45,
  '55+': 55,
};

const PURPOSES: readonly ConsentPurpose[] = ['personalization', 'clickTracking', 'health'];
const FALLBACK = 'You are seeing popular picks that do not use your data.';

/**
 * The age of digital consent that applies in `region` under `policy` (never below 13). The EU's
 * own codes count as their ISO countries (EL is Greece); a code the service does not know (only
 * possible in data stored before codes were checked) gets the strictest default, not "elsewhere".
 */
export function consentAge(region: string, policy: ConsentPolicy): number {
  const country = normaliseRegion(region);
  const age =
    country === undefined
      ? Math.max(policy.euAge, policy.otherAge)
      : (policy.countryAges[country] ?? (policy.euCountries.includes(country) ? policy.euAge : policy.otherAge));
  return Math.max(age, ABSOLUTE_MINOR_AGE);
}

/**
 * True when the shopper may be under the age of digital consent. Age bands are coarse, so a band
 * that straddles the limit (13-15 where the limit is 14) counts as minor: privacy by default.
 */
export function isMinor(user: { region: string; ageBand: AgeBand }, policy: ConsentPolicy): boolean {
  if (user.ageBand === 'under13') return true;
  return BAND_MIN_AGE[user.ageBand] < consentAge(user.region, policy);
}

/**
 * The latest event per purpose, ordered by time (ties keep ledger order); events stamped after
 * `now` are ignored so a decision can be taken "as of" a moment.
 */
export function latestByPurpose(events: ConsentEvent[], now?: Date): Map<ConsentPurpose, ConsentEvent> {
  const cutoff = now?.getTime() ?? Number.POSITIVE_INFINITY;
  const ordered = events
    .map((event, i) => ({ event, i, t: Date.parse(event.at) }))
    .filter(({ t }) => t <= cutoff)
    .sort((a, b) => a.t - b.t || a.i - b.i);
  const latest = new Map<ConsentPurpose, ConsentEvent>();
  for (const { event } of ordered) latest.set(event.purpose, event);
  return latest;
}

/**
 * Decides which purposes apply. Nothing is granted until granted; the latest event per purpose wins;
 * minors get nothing whatever they granted; health needs its own explicit grant plus personalization.
 *
 * @example
 * const d = decideConsent({ region: 'DE', ageBand: '25-34' },
 *   [{ purpose: 'personalization', granted: true, at: '2026-01-01T00:00:00Z', source: 'api', policyVersion: '2026-01' }],
 *   policy);
 * // d.personalization === true, d.health === false, d.applied = ['personalization']
 */
export function decideConsent(
  user: { region: string; ageBand: AgeBand },
  events: ConsentEvent[],
  policy: ConsentPolicy,
  now?: Date,
): ConsentDecision {
  if (isMinor(user, policy)) {
    const age = consentAge(user.region, policy);
    return {
      personalization: false,
      clickTracking: false,
      health: false,
      minor: true,
      applied: [],
      // Says what is true for them: no setting of theirs can change this, so it never suggests one.
      reason: `Personalised recommendations are off because this account may belong to someone under ${age}: we never profile or track minors or show them health & wellness items, whatever their privacy choices say. ${FALLBACK}`,
    };
  }
  const latest = latestByPurpose(events, now);
  const granted = (p: ConsentPurpose) => latest.get(p)?.granted === true;
  const personalization = granted('personalization');
  const decision = {
    personalization,
    clickTracking: granted('clickTracking'),
    health: personalization && granted('health'),
  };
  return {
    ...decision,
    minor: false,
    applied: PURPOSES.filter((p) => decision[p as keyof typeof decision]),
    reason: personalization ? null : offReason(events, latest.get('personalization'), now),
  };
}

/** Why personalization is off for an adult: never asked, declined, or withdrawn (and when). */
function offReason(events: ConsentEvent[], last: ConsentEvent | undefined, now?: Date): string {
  if (!last) return `Personalised recommendations are off because you have not turned them on. ${FALLBACK}`;
  const cutoff = now?.getTime() ?? Number.POSITIVE_INFINITY;
  const everGranted = events.some(
    (e) => e.purpose === 'personalization' && e.granted && Date.parse(e.at) <= Date.parse(last.at) && Date.parse(e.at) <= cutoff,
  );
  if (everGranted) {
    const day = last.at.slice(0, 10);
    return `Personalised recommendations are off because you withdrew your consent on ${day}. ${FALLBACK}`;
  }
  return `Personalised recommendations are off because you declined them. ${FALLBACK}`;
}
