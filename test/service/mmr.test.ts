import { describe, expect, it } from 'vitest';
import { mmrRerank } from '../../src/rank/mmr.js';
import { normalise } from '../../src/embed/vectors.js';
import { capPerGroup } from '../../src/rank/group-cap.js';
import { referenceMmr } from '../helpers/reference-ranking.js';

const v = (...xs: number[]) => normalise(Float32Array.from(xs));
// Three near-copies of one look with the highest relevance, and one different look.
const candidates = [
  { id: 'a1', relevance: 0.9, vector: v(1, 0, 0) },
  { id: 'a2', relevance: 0.89, vector: v(1, 0.1, 0) },
  { id: 'a3', relevance: 0.88, vector: v(1, 0.2, 0) },
  { id: 'b1', relevance: 0.6, vector: v(0, 1, 0) },
];

describe('mmrRerank', () => {
  it('lambda = 1 is pure relevance order', () => {
    expect(mmrRerank(candidates, { k: 4, lambda: 1 }).map((c) => c.id)).toEqual(['a1', 'a2', 'a3', 'b1']);
  });

  it('small lambda promotes the different item right after the best one', () => {
    expect(mmrRerank(candidates, { k: 2, lambda: 0.3 }).map((c) => c.id)).toEqual(['a1', 'b1']);
  });

  it('drops near-identical duplicates and never returns more than exists', () => {
    const dup = [...candidates, { id: 'a1-copy', relevance: 0.95, vector: v(1, 0, 0) }];
    const out = mmrRerank(dup, { k: 10, lambda: 1 });
    expect(out.map((c) => c.id)).toEqual(['a1-copy', 'a2', 'a3', 'b1']);
  });
});

describe('mmrRerank (lazy) picks exactly what the plain greedy loop picks', () => {
  // Clusters of near-copies (so penalties matter), exact duplicates (so duplicates are dropped)
  // and negative similarities (so the first-pick rule matters), at several lambdas.
  const rand = (seed: number) => () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32) * 2 - 1;
  it.each([1, 2, 3, 4, 5, 6, 7, 8])('random pool, seed %i', (seed) => {
    const r = rand(seed);
    const dim = 8;
    const centres = Array.from({ length: 5 }, () => Float32Array.from({ length: dim }, r));
    const pool = Array.from({ length: 120 }, (_, i) => {
      const c = centres[i % 5]!;
      const vector = i % 17 === 3 ? normalise(c) : normalise(Float32Array.from(c, (x) => x + 0.3 * r()));
      return { id: `p${i}`, relevance: i % 23 === 0 ? 0.5 : 0.4 + 0.5 * Math.abs(r()), vector };
    });
    for (const lambda of [0, 0.1, 0.3, 0.5, 0.7, 0.9, 1]) {
      for (const k of [1, 5, 20, 200]) {
        expect(mmrRerank(pool, { k, lambda }).map((c) => c.id), `lambda ${lambda}, k ${k}`).toEqual(referenceMmr(pool, { k, lambda }).map((c) => c.id));
        // With a group cap (groupBy): full groups drop out at any point of the selection.
        for (const cap of [1, 3]) {
          const admit = capPerGroup((c: { id: string }) => (Number(c.id.slice(1)) % 7 === 0 ? null : `g${Number(c.id.slice(1)) % 4}`), cap);
          expect(mmrRerank(pool, { k, lambda, admit }).map((c) => c.id), `lambda ${lambda}, k ${k}, cap ${cap}`).toEqual(referenceMmr(pool, { k, lambda, admit }).map((c) => c.id));
        }
      }
    }
  });
});
