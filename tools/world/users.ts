/**
 * Generates shoppers: where they live, how old they are, whom they follow, what they consented to
 * (and when), and the held-out products they "would buy" (evaluation ground truth).
 */
import type { Rng } from './prng.js';
import type { AgeBand, ConsentEvent, ConsentPurpose, Product, User } from './schema.js';
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
function pickFollows(creators: readonly GeneratedCreator[], rng: Rng): string[] {
  const count = Math.min(creators.length, Number(rng.weighted({ 1: 20, 2: 25, 3: 25, 4: 15, 5: 15 })));
  const taste = rng.pick(creators).creator.aesthetics[0];
  const onTaste = rng.shuffle(creators.filter((c) => c.creator.aesthetics.includes(taste)));
  const rest = rng.shuffle(creators.filter((c) => !c.creator.aesthetics.includes(taste)));
  const follows: string[] = [];
  while (follows.length < count) {
    const fromTaste = onTaste.length > 0 && (rest.length === 0 || rng.chance(0.85));
    follows.push((fromTaste ? onTaste : rest).shift()!.creator.id);
  }
  return follows;
}

/** 10-20 distinct products from the followed creators' aesthetics, ~10% noise from anywhere. */
function heldOut(follows: readonly string[], creators: ReadonlyMap<string, GeneratedCreator>, byAesthetic: ReadonlyMap<string, string[]>, all: readonly string[], rng: Rng): string[] {
  const weights: Record<string, number> = {};
  for (const id of follows) {
    for (const [i, a] of creators.get(id)!.creator.aesthetics.entries()) weights[a] = (weights[a] ?? 0) + (i === 0 ? 1 : 0.5);
  }
  const want = Math.min(all.length, rng.int(10, 20));
  const chosen = new Set<string>();
  for (let guard = 0; chosen.size < want && guard < want * 50; guard++) {
    const pool = rng.chance(0.1) ? all : byAesthetic.get(rng.weighted(weights)) ?? all;
    chosen.add(rng.pick(pool.length > 0 ? pool : all));
  }
  return [...chosen];
}

/** `count` shoppers over the given creators and catalog. */
export function generateUsers(count: number, creators: readonly GeneratedCreator[], products: readonly Product[], referenceMs: number, rng: Rng): User[] {
  const creatorById = new Map(creators.map((c) => [c.creator.id, c]));
  const byAesthetic = new Map<string, string[]>();
  for (const p of products) {
    const a = p.attributes?.aesthetic;
    if (!a) continue;
    const list = byAesthetic.get(a);
    if (list) list.push(p.id);
    else byAesthetic.set(a, [p.id]);
  }
  const allIds = products.map((p) => p.id);
  const users: User[] = [];
  for (let i = 0; i < count; i++) {
    const follows = creators.length > 0 ? pickFollows(creators, rng) : [];
    users.push({
      id: padId('u', i + 1, count, 4),
      displayName: `${rng.pick(FIRST_NAMES)} ${rng.pick(LAST_INITIALS)}.`,
      region: rng.weighted(REGIONS),
      ageBand: rng.weighted(AGE_BANDS) as AgeBand,
      follows,
      consents: consentEvents(rng, referenceMs),
      heldOut: allIds.length > 0 && follows.length > 0 ? heldOut(follows, creatorById, byAesthetic, allIds, rng) : [],
    });
  }
  return users;
}
