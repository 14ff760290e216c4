/**
 * ResponseCache on its own: TTL, per-creator invalidation, the generation guard against storing a
 * response computed across an invalidation, copies in and out, and the key's consent fields.
 */
import { describe, expect, it } from 'vitest';
import { ResponseCache, responseKey } from '../../src/core/response-cache.js';
import type { ConsentDecision } from '../../src/consent/decision.js';
import type { RecommendationResponse } from '../../src/core/schemas.js';

const response = (userId: string, n: number) => ({ userId, personalized: true, items: [{ rank: 1, score: n }] }) as unknown as RecommendationResponse;
const on: ConsentDecision = { personalization: true, clickTracking: true, health: false, minor: false, applied: ['personalization', 'clickTracking'], reason: null };
const query = { limit: 20, diversity: 0.3 };

describe('ResponseCache', () => {
  it('serves an entry until its TTL, then forgets it', () => {
    const c = new ResponseCache(30_000);
    c.set('u1', 'k', response('u1', 1), new Set(), 1_000, c.epoch);
    expect(c.get('u1', 'k', 30_999)).toEqual(response('u1', 1));
    expect(c.get('u1', 'k', 31_000)).toBeUndefined();
    expect(c.size).toBe(0);
  });

  it('stores a copy and hands out a frozen one: no caller can change what the next caller gets', () => {
    const c = new ResponseCache(30_000);
    const r = response('u1', 1);
    c.set('u1', 'k', r, new Set(), 0, c.epoch);
    (r as unknown as { items: unknown[] }).items.length = 0;
    const got = c.get('u1', 'k', 1)!;
    expect(() => ((got as unknown as { items: unknown[] }).items.length = 0)).toThrow(TypeError);
    expect(() => ((got.items[0] as unknown as { score: number }).score = 9)).toThrow(TypeError);
    expect(c.get('u1', 'k', 2)!.items).toEqual([{ rank: 1, score: 1 }]);
  });

  it('drops only the lists built while following a changed creator', () => {
    const c = new ResponseCache(30_000);
    c.set('u1', 'k', response('u1', 1), new Set(['c-red']), 0, c.epoch);
    c.set('u2', 'k', response('u2', 2), new Set(['c-blue']), 0, c.epoch);
    c.invalidateCreator('c-red');
    expect(c.get('u1', 'k', 1)).toBeUndefined();
    expect(c.get('u2', 'k', 1)).toEqual(response('u2', 2));
  });

  it('does not store a response computed across an invalidation', () => {
    const c = new ResponseCache(30_000);
    const epoch = c.epoch; // request starts
    c.invalidateUser('u1'); // a follow change lands mid-request
    c.set('u1', 'k', response('u1', 1), new Set(), 0, epoch);
    expect(c.get('u1', 'k', 1)).toBeUndefined();
  });

  it('a TTL of 0 stores nothing', () => {
    const c = new ResponseCache(0);
    c.set('u1', 'k', response('u1', 1), new Set(), 0, c.epoch);
    expect(c.enabled).toBe(false);
    expect(c.size).toBe(0);
  });

  it('keys differ for every consent flag and every query field', () => {
    const base = responseKey(query, on, 'multi', true);
    const variants = [
      responseKey(query, { ...on, personalization: false, reason: 'off' }, 'multi', true),
      responseKey(query, { ...on, clickTracking: false, applied: ['personalization'] }, 'multi', true),
      responseKey(query, { ...on, health: true }, 'multi', true),
      responseKey(query, { ...on, minor: true }, 'multi', true),
      responseKey({ ...query, limit: 10 }, on, 'multi', true),
      responseKey({ ...query, diversity: 0 }, on, 'multi', true),
      responseKey({ ...query, category: ['dress'] }, on, 'multi', true),
      responseKey({ ...query, maxPrice: 50 }, on, 'multi', true),
      responseKey(query, on, 'single', true),
      responseKey(query, on, 'multi', false),
    ];
    expect(new Set([base, ...variants]).size).toBe(variants.length + 1);
  });
});
