import { describe, expect, it } from 'vitest';
import { mmrRerank } from '../../src/rank/mmr.js';
import { normalise } from '../../src/embed/vectors.js';

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
