/**
 * Cross-check against the evaluation's independent consent audit on the shipped fixture world:
 * `decideConsent` must never apply a purpose the audit would count as a violation.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decideConsent } from '../../src/consent/decide.js';
import { configPolicy } from './harness.js';
import { grantedPurposes, isMinor } from '../../tools/eval/consent-check.js';
import { User } from '../../tools/world/schema.js';

const users = User.array().parse(JSON.parse(readFileSync(new URL('../../fixtures/users.json', import.meta.url), 'utf8')));

describe('fixture world', () => {
  it('is at least as strict as the independent audit for every shopper', () => {
    const policy = configPolicy();
    let personalized = 0;
    let minors = 0;
    for (const u of users) {
      const d = decideConsent(u, u.consents, policy);
      const granted = grantedPurposes(u.consents);
      if (isMinor(u)) expect(d.minor, u.id).toBe(true);
      if (d.personalization) {
        expect(granted.has('personalization'), u.id).toBe(true);
        expect(isMinor(u), u.id).toBe(false);
        personalized++;
      }
      if (d.health) expect(granted.has('health') && granted.has('personalization'), u.id).toBe(true);
      if (d.clickTracking) expect(granted.has('clickTracking') && !isMinor(u), u.id).toBe(true);
      if (d.minor) {
        expect(d.applied, u.id).toEqual([]);
        minors++;
      }
    }
    // The world has both kinds, so the loop above checked something.
    expect(personalized).toBeGreaterThan(10);
    expect(minors).toBeGreaterThan(0);
  });
});
