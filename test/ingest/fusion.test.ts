import { describe, expect, it } from 'vitest';
import { contentHash, fuse } from '../../src/embed/fusion.js';

describe('fuse', () => {
  it('returns the L2-normalised weighted sum', () => {
    const v = fuse(new Float32Array([1, 0]), new Float32Array([0, 1]), { imageWeight: 0.75, textWeight: 0.25 });
    expect(v[0]).toBeCloseTo(0.75 / Math.hypot(0.75, 0.25), 6);
    expect(v[1]).toBeCloseTo(0.25 / Math.hypot(0.75, 0.25), 6);
    expect(Math.hypot(...v)).toBeCloseTo(1, 6);
    expect(Array.from(fuse(new Float32Array([0, 1]), new Float32Array([1, 0]), { imageWeight: 1, textWeight: 0 }))).toEqual([0, 1]);
  });

  it('rejects mismatched dimensions and all-zero weights', () => {
    expect(() => fuse(new Float32Array(2), new Float32Array(3), { imageWeight: 0.7, textWeight: 0.3 })).toThrow(/2-dimensional image vector with a 3-dimensional/);
    expect(() => fuse(new Float32Array([1]), new Float32Array([1]), { imageWeight: 0, textWeight: 0 })).toThrow(/not both zero/);
  });
});

describe('contentHash', () => {
  it('depends on every part and on where the parts split', () => {
    expect(contentHash('ab', 'c')).not.toBe(contentHash('a', 'bc'));
    expect(contentHash('x', Buffer.from('y'))).not.toBe(contentHash('x', 'y'));
    expect(contentHash('x', Buffer.from('y'))).toBe(contentHash('x', new Uint8Array([121])));
    expect(contentHash('x')).toMatch(/^[0-9a-f]{64}$/);
  });
});
