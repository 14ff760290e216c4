import { describe, expect, it } from 'vitest';
import { consentAge, decideConsent, isMinor, type ConsentDecision } from '../../src/consent/decide.js';
import { ConsentPolicy, policyFromConfig } from '../../src/consent/policy.js';
import { configPolicy } from './harness.js';
import type { AgeBand, ConsentEvent, ConsentPurpose } from '../../tools/world/schema.js';

const ev = (purpose: ConsentPurpose, granted: boolean, at = '2026-01-10T10:00:00.000Z'): ConsentEvent => ({
  purpose,
  granted,
  at,
  source: 'test',
  policyVersion: '2026-01',
});
const grantAll = [ev('personalization', true), ev('clickTracking', true), ev('health', true)];
const policy = configPolicy();

type Expect = Pick<ConsentDecision, 'personalization' | 'clickTracking' | 'health' | 'minor'>;
const none: Expect = { personalization: false, clickTracking: false, health: false, minor: false };
const minor: Expect = { ...none, minor: true };

interface Case {
  name: string;
  region: string;
  ageBand: AgeBand;
  events: ConsentEvent[];
  expect: Expect;
  /** A fragment the reason must contain (null: reason must be null). */
  reason: string | null;
  policy?: ConsentPolicy;
}

const adultCases = (region: string): Case[] => [
  { name: `${region} adult, nothing granted yet`, region, ageBand: '25-34', events: [], expect: none, reason: 'not turned them on' },
  {
    name: `${region} adult, personalization only`,
    region, ageBand: '25-34', events: [ev('personalization', true)],
    expect: { ...none, personalization: true }, reason: null,
  },
  {
    name: `${region} adult, clickTracking only`,
    region, ageBand: '35-44', events: [ev('clickTracking', true)],
    expect: { ...none, clickTracking: true }, reason: 'not turned them on',
  },
  {
    name: `${region} adult, health only (no personalization to apply it to)`,
    region, ageBand: '45-54', events: [ev('health', true)], expect: none, reason: 'not turned them on',
  },
  {
    name: `${region} adult, personalization + clickTracking, health not granted`,
    region, ageBand: '18-24', events: [ev('personalization', true), ev('clickTracking', true)],
    expect: { ...none, personalization: true, clickTracking: true }, reason: null,
  },
  {
    name: `${region} adult, everything granted`,
    region, ageBand: '55+', events: grantAll,
    expect: { personalization: true, clickTracking: true, health: true, minor: false }, reason: null,
  },
  {
    name: `${region} adult, personalization declined`,
    region, ageBand: '25-34', events: [ev('personalization', false), ev('clickTracking', true)],
    expect: { ...none, clickTracking: true }, reason: 'declined',
  },
  {
    name: `${region} adult, health granted then withdrawn`,
    region, ageBand: '25-34',
    events: [ev('personalization', true), ev('health', true), ev('health', false, '2026-01-11T00:00:00.000Z')],
    expect: { ...none, personalization: true }, reason: null,
  },
];

const cases: Case[] = [
  ...adultCases('DE'),
  ...adultCases('US'),
  { name: 'EU 15-year-old who granted everything', region: 'DE', ageBand: '13-15', events: grantAll, expect: minor, reason: 'under 16' },
  { name: 'EU 16-17 is of age (16)', region: 'FR', ageBand: '16-17', events: grantAll, expect: { personalization: true, clickTracking: true, health: true, minor: false }, reason: null },
  { name: 'US 13-15 is of age (13)', region: 'US', ageBand: '13-15', events: [ev('personalization', true)], expect: { ...none, personalization: true }, reason: null },
  { name: '12-year-old in the US', region: 'US', ageBand: 'under13', events: grantAll, expect: minor, reason: 'minors' },
  { name: '12-year-old in Germany', region: 'DE', ageBand: 'under13', events: grantAll, expect: minor, reason: 'minors' },
  { name: '12-year-old in Japan', region: 'JP', ageBand: 'under13', events: grantAll, expect: minor, reason: 'minors' },
  {
    name: '12-year-old where the country is overridden to 13',
    region: 'DK', ageBand: 'under13', events: grantAll, expect: minor, reason: 'minors',
    policy: { ...policy, countryAges: { DK: 13 } },
  },
  {
    name: 'DK 13-15 with a DK:13 override is of age',
    region: 'DK', ageBand: '13-15', events: grantAll,
    expect: { personalization: true, clickTracking: true, health: true, minor: false }, reason: null,
    policy: { ...policy, countryAges: { DK: 13 } },
  },
  { name: 'DK 13-15 without an override is a minor (EU default 16)', region: 'DK', ageBand: '13-15', events: grantAll, expect: minor, reason: 'under 16' },
  {
    name: 'FR 13-15 with FR:15 stays minor: the band straddles 15',
    region: 'FR', ageBand: '13-15', events: grantAll, expect: minor, reason: 'under 15',
    policy: { ...policy, countryAges: { FR: 15 } },
  },
  {
    name: 'lower-case region still gets the EU rule',
    region: 'de', ageBand: '13-15', events: grantAll, expect: minor, reason: 'under 16',
  },
];

describe('decideConsent', () => {
  it.each(cases)('$name', (c) => {
    const d = decideConsent({ region: c.region, ageBand: c.ageBand }, c.events, c.policy ?? policy);
    expect({ personalization: d.personalization, clickTracking: d.clickTracking, health: d.health, minor: d.minor }).toEqual(c.expect);
    // `applied` lists exactly the purposes that are on, and nothing else.
    const on = (['personalization', 'clickTracking', 'health'] as const).filter((p) => c.expect[p]);
    expect(d.applied).toEqual(on);
    if (c.reason === null) expect(d.reason).toBeNull();
    else expect(d.reason).toContain(c.reason);
    if (c.expect.minor) expect(d.applied).toHaveLength(0);
    if (!c.expect.personalization) expect(d.applied).not.toContain('health');
  });

  it('latest event per purpose wins by time, whatever the ledger order', () => {
    const events = [ev('personalization', false, '2026-02-01T00:00:00.000Z'), ev('personalization', true, '2026-01-01T00:00:00.000Z')];
    const d = decideConsent({ region: 'DE', ageBand: '25-34' }, events, policy);
    expect(d.personalization).toBe(false);
    expect(d.reason).toContain('withdrew your consent on 2026-02-01');
  });

  it('ties on time keep ledger order (the later append wins)', () => {
    const at = '2026-01-01T00:00:00.000Z';
    const user = { region: 'US', ageBand: '25-34' as const };
    expect(decideConsent(user, [ev('clickTracking', true, at), ev('clickTracking', false, at)], policy).clickTracking).toBe(false);
    expect(decideConsent(user, [ev('clickTracking', false, at), ev('clickTracking', true, at)], policy).clickTracking).toBe(true);
  });

  it('withdrawal mid-session applies from the withdrawal on, and not before', () => {
    const user = { region: 'NL', ageBand: '25-34' as const };
    const ledger = [
      ev('personalization', true, '2026-03-01T09:00:00.000Z'),
      ev('health', true, '2026-03-01T09:00:00.000Z'),
      ev('personalization', false, '2026-03-01T09:05:00.000Z'),
    ];
    const before = decideConsent(user, ledger, policy, new Date('2026-03-01T09:04:59.000Z'));
    expect(before).toMatchObject({ personalization: true, health: true, reason: null });
    const after = decideConsent(user, ledger, policy, new Date('2026-03-01T09:05:00.000Z'));
    expect(after).toMatchObject({ personalization: false, health: false, applied: [] });
    expect(after.reason).toContain('withdrew');
  });
});

describe('consent ages', () => {
  it.each([
    ['DE', 16], ['FR', 16], ['NO', 16], ['US', 13], ['GB', 13], ['JP', 13],
  ] as const)('%s defaults to %i', (region, age) => {
    expect(consentAge(region, policy)).toBe(age);
  });

  it('never goes below 13 even if the policy object says so', () => {
    expect(consentAge('DK', { ...policy, countryAges: { DK: 10 } })).toBe(13);
    expect(isMinor({ region: 'DK', ageBand: 'under13' }, { ...policy, countryAges: { DK: 10 } })).toBe(true);
  });

  it('the policy schema refuses an age below 13', () => {
    expect(ConsentPolicy.safeParse({ ...policy, countryAges: { DK: 12 } }).success).toBe(false);
    expect(ConsentPolicy.safeParse(policy).success).toBe(true);
  });

  it('policyFromConfig maps the config fields', () => {
    const p = policyFromConfig({ CONSENT_MIN_AGE: 15, CONSENT_MIN_AGE_OVERRIDES: { BE: 13 }, POLICY_VERSION: 'v9' });
    expect(p).toMatchObject({ euAge: 15, countryAges: { BE: 13 }, policyVersion: 'v9', otherAge: 13 });
    expect(consentAge('BE', p)).toBe(13);
    expect(consentAge('AT', p)).toBe(15);
  });
});
