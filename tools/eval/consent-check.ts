/**
 * An independent consent-compliance audit of served recommendation lists.
 *
 * It deliberately does NOT call the service's `decideConsent`: it re-reads the raw consent ledger
 * and ages from the world, so a bug in the service's consent logic shows up here as a violation
 * instead of being reproduced. Every count must be 0.
 */
import type { AgeBand, ConsentEvent, ConsentPurpose, Creator, Product, User } from '../world/schema.js';
import { SENSITIVE_HEALTH } from '../world/schema.js';

/** What the audit needs to know about one served list. */
export interface ServedList {
  userId: string;
  personalized: boolean;
  items: ReadonlyArray<{ productId: string; inspiredByCreatorId?: string | null }>;
  /** Creators whose posts fed the profile, when the ranking code exposes them. */
  profileCreatorIds?: readonly string[];
}

export interface ConsentViolations {
  /** Personalised lists (or lists citing a creator) for shoppers without `personalization`. */
  profiledWithoutConsent: number;
  /** Health items in a personalised list without explicit `health` consent. */
  healthWithoutExplicitConsent: number;
  /** Minors given a personalised list, or any health item. */
  minorsProfiled: number;
  /** Creators without the `styleSource` opt-in used in a profile or cited in `inspiredBy`. */
  nonOptedCreators: number;
  total: number;
}

/** EU/EEA countries: digital age of consent 16 unless overridden (GDPR Art. 8). */
const EU = new Set('AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE IS LI NO'.split(' '));
/** Youngest age in each band: a band that straddles the limit counts as minor (the strict reading). */
const BAND_MIN_AGE: Record<AgeBand, number> = { under13: 0, '13-15': 13, '16-17': 16, '18-24': 18, '25-34': 25, '35-44': 35, '45-54': 45, '55+': 55 };

/** Age of digital consent: 16 in the EU/EEA by default (overridable per country, never below 13), 13 elsewhere. */
export function ageOfConsent(region: string, overrides: Readonly<Record<string, number>> = {}): number {
  const override = overrides[region];
  if (override !== undefined) return Math.max(13, override);
  return EU.has(region) ? 16 : 13;
}

/** True when anyone in the shopper's age band could be below the region's age of consent. */
export function isMinor(user: Pick<User, 'region' | 'ageBand'>, overrides?: Readonly<Record<string, number>>): boolean {
  return BAND_MIN_AGE[user.ageBand] < ageOfConsent(user.region, overrides);
}

/** The latest event per purpose wins (ties: later in the ledger); nothing is granted by default. */
export function grantedPurposes(events: readonly ConsentEvent[], asOf?: string): Set<ConsentPurpose> {
  const cutoff = asOf === undefined ? Infinity : Date.parse(asOf);
  const latest = new Map<ConsentPurpose, { e: ConsentEvent; t: number }>();
  for (const e of events) {
    const t = Date.parse(e.at);
    if (t > cutoff) continue;
    const prev = latest.get(e.purpose);
    if (!prev || t >= prev.t) latest.set(e.purpose, { e, t });
  }
  return new Set([...latest.values()].filter(({ e }) => e.granted).map(({ e }) => e.purpose));
}

/** Counts every consent rule broken by the served lists. */
export function auditConsent(
  lists: readonly ServedList[],
  world: { users: ReadonlyMap<string, User>; products: ReadonlyMap<string, Product>; creators: ReadonlyMap<string, Creator> },
  options: { ageOverrides?: Readonly<Record<string, number>> } = {},
): ConsentViolations {
  const v = { profiledWithoutConsent: 0, healthWithoutExplicitConsent: 0, minorsProfiled: 0, nonOptedCreators: 0 };
  for (const list of lists) {
    const user = world.users.get(list.userId);
    if (!user) throw new Error(`auditConsent: unknown user "${list.userId}"`);
    const granted = grantedPurposes(user.consents);
    const minor = isMinor(user, options.ageOverrides);
    const cited = list.items.map((i) => i.inspiredByCreatorId).filter((c): c is string => !!c);
    const profiled = list.personalized || cited.length > 0 || (list.profileCreatorIds?.length ?? 0) > 0;
    const health = list.items.filter((i) => world.products.get(i.productId)?.sensitive === SENSITIVE_HEALTH).length;

    if (profiled && !granted.has('personalization')) v.profiledWithoutConsent++;
    if (profiled && health > 0 && !granted.has('health')) v.healthWithoutExplicitConsent += health;
    if (minor && (profiled || health > 0)) v.minorsProfiled++;
    for (const creatorId of new Set([...cited, ...(list.profileCreatorIds ?? [])])) {
      if (world.creators.get(creatorId)?.optIns.styleSource !== true) v.nonOptedCreators++;
    }
  }
  return { ...v, total: v.profiledWithoutConsent + v.healthWithoutExplicitConsent + v.minorsProfiled + v.nonOptedCreators };
}
