/**
 * Bootstrap intervals for the evaluation. One set of resamples (unit indices drawn with
 * replacement, seeded) is drawn per population and shared by every method and metric, so the
 * intervals of two methods come from the same resampled shoppers (or posts) and a paired
 * difference is the difference on each resample.
 */
import { createRng } from '../world/prng.js';

/** A statistic with its 95% percentile-bootstrap interval. */
export interface Estimate {
  value: number;
  low: number;
  high: number;
}

export interface Resamples {
  /** Units (shoppers, posts, products) in the population. */
  n: number;
  /** `count` rows of `n` indices each, flattened. */
  indices: Uint32Array;
  count: number;
}

export const RESAMPLES = 1000;

/** @example const r = resamples(shoppers.length); meanEstimate(ndcgPerShopper, r) */
export function resamples(n: number, count = RESAMPLES, seed = 20_240_611): Resamples {
  const rng = createRng(seed);
  const indices = new Uint32Array(n * count);
  for (let i = 0; i < indices.length; i++) indices[i] = Math.floor(rng.next() * n);
  return { n, indices, count };
}

function percentiles(values: number[]): { low: number; high: number } {
  values.sort((a, b) => a - b);
  const at = (q: number) => values[Math.min(values.length - 1, Math.max(0, Math.floor(q * values.length)))] ?? NaN;
  return { low: at(0.025), high: at(0.975) };
}

const sameLength = (r: Resamples, ...xs: ArrayLike<number>[]) => {
  for (const x of xs) if (x.length !== r.n) throw new RangeError(`bootstrap: ${x.length} values for ${r.n} units`);
};

/** The mean with its interval. An empty population gives NaN everywhere (reported as "n/a"). */
export function meanEstimate(values: ArrayLike<number>, r: Resamples): Estimate {
  sameLength(r, values);
  if (r.n === 0) return { value: NaN, low: NaN, high: NaN };
  let total = 0;
  for (let i = 0; i < r.n; i++) total += values[i]!;
  const means: number[] = [];
  for (let b = 0; b < r.count; b++) {
    let s = 0;
    for (let i = 0; i < r.n; i++) s += values[r.indices[b * r.n + i]!]!;
    means.push(s / r.n);
  }
  return { value: total / r.n, ...percentiles(means) };
}

/** mean(a) − mean(b) over the same units, with its paired interval. */
export function diffEstimate(a: ArrayLike<number>, b: ArrayLike<number>, r: Resamples): Estimate {
  sameLength(r, a, b);
  const d = Float64Array.from({ length: r.n }, (_, i) => a[i]! - b[i]!);
  return meanEstimate(d, r);
}

/** Any statistic of a subset of units (e.g. catalog coverage of their lists), with its interval. */
export function statisticEstimate(r: Resamples, statistic: (units: ArrayLike<number>) => number): Estimate {
  if (r.n === 0) return { value: NaN, low: NaN, high: NaN };
  const all = Uint32Array.from({ length: r.n }, (_, i) => i);
  const values: number[] = [];
  for (let b = 0; b < r.count; b++) values.push(statistic(r.indices.subarray(b * r.n, (b + 1) * r.n)));
  return { value: statistic(all), ...percentiles(values) };
}

/** Resamples restricted to a subset of units (a segment), drawn afresh for that subset. */
export function subsetResamples(members: readonly number[], seed?: number): { resamples: Resamples; members: readonly number[] } {
  return { resamples: resamples(members.length, RESAMPLES, seed), members };
}

/** True when the two intervals do not overlap. */
export const separated = (a: Estimate, b: Estimate): boolean => a.high < b.low || b.high < a.low;

/** True when the interval excludes 0 (a paired difference that is distinguishable from none). */
export const excludesZero = (d: Estimate): boolean => d.low > 0 || d.high < 0;
