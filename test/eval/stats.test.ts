/** The bootstrap intervals every report number carries. */
import { describe, expect, it } from 'vitest';
import { diffEstimate, excludesZero, meanEstimate, resamples, separated, statisticEstimate } from '../../tools/eval/stats.js';

describe('bootstrap estimates', () => {
  const a = [0.3, 0.1, 0.5, 0.2, 0.4, 0.0, 0.6, 0.3];
  const b = [0.1, 0.1, 0.2, 0.1, 0.2, 0.1, 0.1, 0.1];

  it('brackets the observed mean and is reproducible', () => {
    const r = resamples(a.length, 500, 7);
    const e = meanEstimate(a, r);
    expect(e.value).toBeCloseTo(0.3, 12);
    expect(e.low).toBeLessThan(0.3);
    expect(e.high).toBeGreaterThan(0.3);
    expect(meanEstimate(a, resamples(a.length, 500, 7))).toEqual(e);
  });

  it('collapses to the mean when every unit has the same value', () => {
    const e = meanEstimate([0.4, 0.4, 0.4], resamples(3, 100));
    expect([e.value, e.low, e.high].map((x) => x.toFixed(12))).toEqual(['0.400000000000', '0.400000000000', '0.400000000000']);
  });

  it('pairs a difference on the same resampled units (tighter than unpaired when the units move together)', () => {
    const r = resamples(a.length, 1000, 3);
    const shifted = a.map((x) => x + 0.05);
    const d = diffEstimate(shifted, a, r);
    // Every unit differs by exactly 0.05, so every resample does too: a zero-width interval that excludes 0.
    expect(d.low).toBeCloseTo(0.05, 12);
    expect(d.high).toBeCloseTo(0.05, 12);
    expect(excludesZero(d)).toBe(true);
    // Their separate intervals overlap, though: only the pairing tells them apart.
    expect(separated(meanEstimate(shifted, r), meanEstimate(a, r))).toBe(false);
    expect(excludesZero(diffEstimate(a, b, r))).toBe(true);
  });

  it('resamples any statistic of the units, e.g. a coverage', () => {
    const lists = [['x'], ['y'], ['x'], ['z']];
    const r = resamples(lists.length, 200, 5);
    const e = statisticEstimate(r, (units) => new Set(Array.from(units, (i) => lists[i]![0])).size / 3);
    expect(e.value).toBe(1);
    expect(e.low).toBeLessThan(1);
  });

  it('refuses values that do not match the population and returns NaN for an empty one', () => {
    expect(() => meanEstimate([1, 2], resamples(3, 10))).toThrow(RangeError);
    expect(Number.isNaN(meanEstimate([], resamples(0, 10)).value)).toBe(true);
  });
});
