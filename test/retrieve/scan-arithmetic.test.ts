/**
 * Every dot product in the service is the same float64 sum in index order: `dot` (embed/vectors),
 * `scoreRow` (scans, in the worker or inline) and `dotRows` (MMR over table rows) are unrolled for
 * speed, and a score from one must equal a score from another to the bit, or a scan and a merge
 * could order ties differently. Checked against the plain loop, on dimensions that do and do not
 * divide by the unroll width.
 */
import { describe, expect, it } from 'vitest';
import { dot } from '../../src/embed/vectors.js';
import { dotRows, LIVE, scoreRow, type TableView } from '../../src/retrieve/scan.js';
import { createRng } from '../../tools/world/prng.js';

function plain(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

describe('dot products agree to the bit', () => {
  for (const dim of [1, 3, 4, 13, 128, 515]) {
    it(`dot, scoreRow and dotRows equal the index-order sum at ${dim}-d`, () => {
      const { next } = createRng(dim);
      const rows = 40;
      const vectors = Float32Array.from({ length: rows * dim }, () => next() * 2 - 1);
      const t: TableView = { dim, vectors, price: new Float64Array(rows), category: new Int32Array(rows), merchant: new Int32Array(rows), flags: new Uint8Array(rows).fill(LIVE) };
      const row = (r: number) => vectors.subarray(r * dim, (r + 1) * dim);
      const q = Float32Array.from({ length: dim }, () => next() * 2 - 1);
      for (let r = 0; r < rows; r++) {
        const want = plain(q, row(r));
        expect(dot(q, row(r))).toBe(want);
        expect(scoreRow(t, r, q)).toBe(want);
        const other = (r * 7 + 3) % rows;
        expect(dotRows(t, r, other)).toBe(plain(row(r), row(other)));
      }
    });
  }
});
