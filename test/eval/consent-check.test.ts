import { describe, expect, it } from 'vitest';
import { auditConsent, grantedPurposes, isMinor, type ServedList } from '../../tools/eval/consent-check.js';
import type { ConsentEvent, Creator, Product, User } from '../../tools/world/schema.js';

const ev = (purpose: ConsentEvent['purpose'], granted: boolean, at: string): ConsentEvent => ({ purpose, granted, at, source: 'test', policyVersion: '1' });
const user = (id: string, region: string, ageBand: User['ageBand'], consents: ConsentEvent[]): User => ({ id, displayName: id, region, ageBand, follows: [], consents, heldOut: [] });
const product = (id: string, sensitive?: 'health'): Product => ({
  id, title: id, description: '', brand: 'b', category: sensitive ? 'supplements' : 'dress', ...(sensitive ? { sensitive } : {}),
  price: 1, currency: 'EUR', merchant: 'm', url: 'https://shop.example/p', network: 'utm', image: 'x.jpg',
});
const creator = (id: string, styleSource: boolean): Creator => ({ id, handle: id, displayName: id, aesthetics: ['boho'], optIns: { styleSource, affiliate: false } });

const T1 = '2026-01-01T00:00:00Z';
const T2 = '2026-02-01T00:00:00Z';
const world = {
  users: new Map([
    ['adult', user('adult', 'DE', '25-34', [ev('personalization', true, T1)])],
    ['adultHealth', user('adultHealth', 'US', '35-44', [ev('personalization', true, T1), ev('health', true, T1)])],
    ['withdrawn', user('withdrawn', 'FR', '18-24', [ev('personalization', true, T1), ev('personalization', false, T2)])],
    ['teenEU', user('teenEU', 'DE', '13-15', [ev('personalization', true, T1)])],
    ['teenUS', user('teenUS', 'US', '13-15', [ev('personalization', true, T1)])],
  ].map(([k, u]) => [k as string, u as User])),
  products: new Map([product('p1'), product('h1', 'health')].map((p) => [p.id, p])),
  creators: new Map([creator('ok', true), creator('no', false)].map((c) => [c.id, c])),
};
const list = (userId: string, personalized: boolean, items: ServedList['items']): ServedList => ({ userId, personalized, items });

describe('grantedPurposes and isMinor', () => {
  it('takes the latest event per purpose and grants nothing by default', () => {
    expect([...grantedPurposes(world.users.get('withdrawn')!.consents)]).toEqual([]);
    expect(grantedPurposes(world.users.get('adultHealth')!.consents).has('health')).toBe(true);
    expect(grantedPurposes([]).size).toBe(0);
  });
  it('uses 16 in the EU and 13 elsewhere', () => {
    expect(isMinor({ region: 'DE', ageBand: '13-15' })).toBe(true);
    expect(isMinor({ region: 'US', ageBand: '13-15' })).toBe(false);
    expect(isMinor({ region: 'US', ageBand: 'under13' })).toBe(true);
    expect(isMinor({ region: 'DE', ageBand: '13-15' }, { DE: 13 })).toBe(false);
  });
});

describe('auditConsent', () => {
  it('finds nothing in compliant lists', () => {
    const v = auditConsent([
      list('adult', true, [{ productId: 'p1', inspiredByCreatorId: 'ok' }]),
      list('adultHealth', true, [{ productId: 'h1', inspiredByCreatorId: 'ok' }]),
      list('withdrawn', false, [{ productId: 'p1' }]),
      list('teenEU', false, [{ productId: 'p1' }]),
      list('teenUS', true, [{ productId: 'p1', inspiredByCreatorId: 'ok' }]),
    ], world);
    expect(v.total).toBe(0);
  });
  it('counts each kind of violation', () => {
    const v = auditConsent([
      list('withdrawn', true, [{ productId: 'p1' }]),
      list('adult', true, [{ productId: 'h1' }, { productId: 'p1', inspiredByCreatorId: 'no' }]),
      list('teenEU', false, [{ productId: 'h1' }]),
      { ...list('adult', true, []), profileCreatorIds: ['no', 'ok'] },
    ], world);
    expect(v).toEqual({ profiledWithoutConsent: 1, healthWithoutExplicitConsent: 1, minorsProfiled: 1, nonOptedCreators: 2, total: 5 });
  });
  it('treats a list that cites a creator as profiled even if it claims not to be', () => {
    const v = auditConsent([list('withdrawn', false, [{ productId: 'p1', inspiredByCreatorId: 'ok' }])], world);
    expect(v.profiledWithoutConsent).toBe(1);
  });
});

describe('audit edge cases', () => {
  it('orders events by time, not by string, and honours asOf', () => {
    const events = [ev('personalization', false, '2026-01-01T10:00:00.000+02:00'), ev('personalization', true, '2026-01-01T09:00:00Z')];
    // 10:00+02:00 is 08:00Z, so the grant at 09:00Z is the latest.
    expect(grantedPurposes(events).has('personalization')).toBe(true);
    expect(grantedPurposes(events, '2026-01-01T08:30:00Z').has('personalization')).toBe(false);
  });
  it('counts a band that straddles an overridden limit as minor', () => {
    expect(isMinor({ region: 'HU', ageBand: '13-15' })).toBe(true);
    expect(isMinor({ region: 'AT', ageBand: '13-15' }, { AT: 14 })).toBe(true);
    expect(isMinor({ region: 'AT', ageBand: '16-17' }, { AT: 14 })).toBe(false);
  });
});
