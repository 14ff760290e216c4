/**
 * Generates shoppers: where they live, how old they are, whom they follow and what they consented
 * to (and when). What they then do (react to posts, buy) is behaviour.ts.
 */
import type { Rng } from './prng.js';
import type { AgeBand, ConsentEvent, ConsentPurpose, User } from './schema.js';
import type { GeneratedCreator } from './creators.js';
import { isoSeconds } from './creators.js';
import { padId } from './catalog.js';
import { FIRST_NAMES, LAST_INITIALS } from './names.js';

const DAY_MS = 86_400_000;

/** Country mix: EU member states, the UK, the US and a few others. */
const REGIONS: Record<string, number> = {
  US: 24, GB: 10, DE: 10, FR: 9, IE: 4, NL: 5, ES: 6, IT: 6, SE: 3, PL: 3, PT: 2, AT: 2, CA: 5, AU: 4, BR: 3, JP: 2, IN: 2,
};

const AGE_BANDS: Record<AgeBand, number> = {
  under13: 3, '13-15': 5, '16-17': 6, '18-24': 22, '25-34': 28, '35-44': 18, '45-54': 11, '55+': 7,
};

/** Consent stories, with how common each is. */
const SCENARIOS = {
  grantAll: 35, // accepts everything, including health-based recommendations
  noHealth: 22, // personalised recommendations yes, health no
  noTracking: 8, // personalisation yes, click tracking no
  declined: 15, // says no to personalisation
  withdrew: 10, // granted everything, later withdrew personalisation
  neverAsked: 10, // no events at all
} as const;

const POLICY_VERSIONS = ['2025-09', '2026-03'] as const;

function consentEvents(rng: Rng, referenceMs: number): ConsentEvent[] {
  const scenario = rng.weighted(SCENARIOS) as keyof typeof SCENARIOS;
  if (scenario === 'neverAsked') return [];
  const firstMs = referenceMs - (30 + rng.next() * 300) * DAY_MS;
  const source = rng.pick(['banner', 'onboarding', 'settings']);
  const policyVersion = firstMs < referenceMs - 120 * DAY_MS ? POLICY_VERSIONS[0] : POLICY_VERSIONS[1];
  const ev = (purpose: ConsentPurpose, granted: boolean, atMs = firstMs, src = source, pv: string = policyVersion): ConsentEvent => ({
    purpose, granted, at: isoSeconds(atMs), source: src, policyVersion: pv,
  });
  switch (scenario) {
    case 'grantAll':
      return [ev('personalization', true), ev('clickTracking', true), ev('health', true)];
    case 'noHealth':
      return [ev('personalization', true), ev('clickTracking', true), ev('health', false)];
    case 'noTracking':
      return [ev('personalization', true), ev('clickTracking', false), ev('health', false)];
    case 'declined':
      return [ev('personalization', false), ev('clickTracking', false), ev('health', false)];
    case 'withdrew': {
      const laterMs = firstMs + (5 + rng.next() * 20) * DAY_MS;
      return [
        ev('personalization', true), ev('clickTracking', true), ev('health', true),
        ev('personalization', false, laterMs, 'settings', POLICY_VERSIONS[1]),
        ev('health', false, laterMs, 'settings', POLICY_VERSIONS[1]),
      ];
    }
  }
}

/** Picks 1-5 creators, mostly sharing one "taste" aesthetic, a few off-taste. */
function pickFollows(creators: readonly GeneratedCreator[], rng: Rng): { follows: string[]; taste: string } {
  const count = Math.min(creators.length, Number(rng.weighted({ 1: 20, 2: 25, 3: 25, 4: 15, 5: 15 })));
  const taste = rng.pick(creators).creator.aesthetics[0];
  const onTaste = rng.shuffle(creators.filter((c) => c.creator.aesthetics.includes(taste)));
  const rest = rng.shuffle(creators.filter((c) => !c.creator.aesthetics.includes(taste)));
  const follows: string[] = [];
  while (follows.length < count) {
    const fromTaste = onTaste.length > 0 && (rest.length === 0 || rng.chance(0.85));
    follows.push((fromTaste ? onTaste : rest).shift()!.creator.id);
  }
  return { follows, taste };
}

/** A shopper and the aesthetic their follows were picked around (their price band centres on it). */
export interface GeneratedUser {
  user: User;
  taste: string | null;
}

/** `count` shoppers over the given creators (purchases are added by behaviour.ts). */
export function generateUsers(count: number, creators: readonly GeneratedCreator[], referenceMs: number, rng: Rng): GeneratedUser[] {
  const users: GeneratedUser[] = [];
  for (let i = 0; i < count; i++) {
    const { follows, taste } = creators.length > 0 ? pickFollows(creators, rng) : { follows: [], taste: null };
    users.push({
      user: {
        id: padId('u', i + 1, count, 4),
        displayName: `${rng.pick(FIRST_NAMES)} ${rng.pick(LAST_INITIALS)}.`,
        region: rng.weighted(REGIONS),
        ageBand: rng.weighted(AGE_BANDS) as AgeBand,
        follows,
        consents: consentEvents(rng, referenceMs),
        heldOut: [],
      },
      taste,
    });
  }
  return users;
}
