/**
 * The pgvector text format we write and read without the `pgvector` npm package: what we write
 * is what that package's toSql wrote (a JSON number array), and every float4 comes back
 * bit-identical, including subnormals, extremes and negative zero's sign-free text.
 */
import { describe, expect, it } from 'vitest';
import { parseVector, vectorSql } from '../../src/store/pg-vector-text.js';

describe('pgvector text format', () => {
  it('writes a JSON number array, as pgvector.toSql did', () => {
    expect(vectorSql(Float32Array.from([1, 2.5, -3]))).toBe('[1,2.5,-3]');
    expect(vectorSql(new Float32Array(0))).toBe('[]');
  });

  it('round-trips every float4 bit-identically', () => {
    const v = Float32Array.from([0.1, -0.2, 1 / 3, 3.4028234663852886e38, 1.401298464324817e-45, 1e-7, 123456.789]);
    const back = parseVector(vectorSql(v));
    expect(Array.from(new Uint32Array(back.buffer))).toEqual(Array.from(new Uint32Array(v.buffer)));
  });

  it('refuses what is not a vector', () => {
    expect(() => parseVector('1,2')).toThrow(/Not a pgvector value/);
  });
});
