import { describe, expect, it } from 'vitest';
import {
  catalogCoverage,
  cosine,
  intraListDiversity,
  mean,
  ndcgAtK,
  novelty,
  popularityFromCounts,
  recallAtK,
  reciprocalRank,
} from '../../tools/eval/metrics.js';

const rel = (...ids: string[]) => new Set(ids);

describe('recallAtK', () => {
  it('counts hits in the top k over all relevant items', () => {
    expect(recallAtK(['a', 'x', 'b', 'c'], rel('a', 'b', 'c', 'd'), 3)).toBeCloseTo(2 / 4, 12);
    expect(recallAtK(['x', 'y'], rel('a'), 2)).toBe(0);
    expect(recallAtK(['a'], rel(), 10)).toBe(0);
  });
});

describe('ndcgAtK', () => {
  it('matches a ranking computed by hand', () => {
    // relevant at ranks 1 and 3: DCG = 1/log2(2) + 1/log2(4) = 1.5; ideal = 1 + 1/log2(3).
    const expected = 1.5 / (1 + 1 / Math.log2(3));
    expect(ndcgAtK(['a', 'x', 'b'], rel('a', 'b'), 3)).toBeCloseTo(expected, 12);
    expect(expected).toBeCloseTo(0.9197, 4);
  });
  it('is 1 for a perfect list and 0 for a list with no hits', () => {
    expect(ndcgAtK(['a', 'b', 'x'], rel('a', 'b'), 3)).toBeCloseTo(1, 12);
    expect(ndcgAtK(['x', 'y', 'z'], rel('a', 'b'), 3)).toBe(0);
  });
  it('caps the ideal at k, so a full top-k of hits scores 1 even with more relevant items', () => {
    expect(ndcgAtK(['a', 'b'], rel('a', 'b', 'c', 'd'), 2)).toBeCloseTo(1, 12);
    // a single hit at rank 2 of 2 with 4 relevant: (1/log2 3) / (1 + 1/log2 3)
    expect(ndcgAtK(['x', 'a'], rel('a', 'b', 'c', 'd'), 2)).toBeCloseTo(0.63093 / 1.63093, 5);
  });
  it('ignores items past k', () => {
    expect(ndcgAtK(['x', 'y', 'a'], rel('a'), 2)).toBe(0);
  });
});

describe('reciprocalRank and mean', () => {
  it('is 1 over the first relevant rank', () => {
    expect(reciprocalRank(['x', 'y', 'a', 'b'], rel('a', 'b'))).toBeCloseTo(1 / 3, 12);
    expect(reciprocalRank(['x'], rel('a'))).toBe(0);
    expect(mean([1, 1 / 3, 0])).toBeCloseTo(4 / 9, 12);
    expect(mean([])).toBe(0);
  });
});

describe('catalogCoverage', () => {
  it('counts distinct items across all top-k lists', () => {
    expect(catalogCoverage([['a', 'b', 'z'], ['b', 'c']], 10, 2)).toBeCloseTo(3 / 10, 12);
  });
});

describe('intraListDiversity', () => {
  it('is 1 - mean pairwise cosine', () => {
    const x = new Float32Array([1, 0]);
    const y = new Float32Array([0, 1]);
    const d = new Float32Array([1, 1]);
    // pairs: x·y = 0, x·d = 1/√2, y·d = 1/√2 → mean √2/3
    expect(intraListDiversity([x, y, d])).toBeCloseTo(1 - Math.SQRT2 / 3, 6);
    expect(intraListDiversity([x, x])).toBeCloseTo(0, 12);
    expect(intraListDiversity([x])).toBe(0);
    expect(cosine(new Float32Array([2, 0]), new Float32Array([-3, 0]))).toBeCloseTo(-1, 12);
  });
});

describe('novelty', () => {
  it('is the mean -log2 of smoothed popularity', () => {
    const pop = popularityFromCounts(new Map([['a', 5], ['b', 1]]), ['a', 'b', 'c']);
    // total 6 + 3 items = 9: a 6/9, b 2/9, c 1/9
    expect(pop.get('c')).toBeCloseTo(1 / 9, 12);
    expect(novelty(['a', 'c'], pop)).toBeCloseTo((-Math.log2(6 / 9) - Math.log2(1 / 9)) / 2, 12);
    expect(novelty([], pop)).toBe(0);
  });
  it('rejects items without a popularity instead of returning Infinity', () => {
    expect(() => novelty(['zzz'], new Map())).toThrow(/zzz/);
  });
});
