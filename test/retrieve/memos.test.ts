/**
 * The two memos of the computed path (product-product similarities for MMR, each creator's
 * closest post to a product) answer only for rows as they are now: a product rewritten with a new
 * vector, or a removed product's row reused by another, is computed again. Each case fails if the
 * memo ignores row generations.
 */
import { describe, expect, it } from 'vitest';
import type { Post, Product } from '../../src/domain/index.js';
import { dot, normalise } from '../../src/embed/vectors.js';
import type { ProfilePost } from '../../src/profile/profile.js';
import { storeOrder } from '../../src/profile/creator-interests.js';
import { Inspirations, mostSimilarPost } from '../../src/rank/inspired.js';
import { PairSimilarities } from '../../src/retrieve/pair-similarities.js';
import { ProductTable } from '../../src/retrieve/product-table.js';

const DIM = 4;
const v = (...xs: number[]) => normalise(Float32Array.from(xs));
const product = (id: string): Product =>
  ({ id, title: id, category: 'dress', price: 10, currency: 'EUR', merchant: 'm1', url: `https://shop.example/${id}`, image: 'x' }) as unknown as Product;

function table(): ProductTable {
  const t = new ProductTable(DIM, 16);
  t.upsert(product('a'), v(1, 0, 0, 0));
  t.upsert(product('b'), v(1, 1, 0, 0));
  t.upsert(product('c'), v(0, 0, 1, 0));
  return t;
}

describe('PairSimilarities', () => {
  it('equals the dot product of the rows, exactly, in either order', () => {
    const t = table();
    const s = new PairSimilarities(t, 16);
    for (const [x, y] of [[0, 1], [1, 0], [0, 2], [2, 1]] as const) {
      expect(s.get(x, y)).toBe(dot(t.vectorAt(x), t.vectorAt(y)));
      expect(s.get(x, y)).toBe(s.get(y, x));
    }
  });

  it('recomputes after a product is rewritten with a new vector', () => {
    const t = table();
    const s = new PairSimilarities(t, 16);
    const a = t.rowOf('a')!;
    const b = t.rowOf('b')!;
    expect(s.get(a, b)).toBeCloseTo(Math.SQRT1_2, 6);
    t.upsert(product('b'), v(0, 1, 0, 0));
    expect(t.rowOf('b')).toBe(b);
    expect(s.get(a, b)).toBe(0);
  });

  it('recomputes when a removed product’s row is reused by another', () => {
    const t = table();
    const s = new PairSimilarities(t, 16);
    const a = t.rowOf('a')!;
    const c = t.rowOf('c')!;
    expect(s.get(a, c)).toBe(0);
    t.remove('c');
    t.upsert(product('d'), v(1, 0, 0, 0));
    expect(t.rowOf('d')).toBe(c);
    expect(s.get(a, c)).toBeCloseTo(1, 6);
  });
});

describe('Inspirations', () => {
  const post = (id: string, creatorId: string, postedAt: string, vector: Float32Array): ProfilePost =>
    ({ post: { id, creatorId, postedAt } as Post, creator: { id: creatorId, handle: creatorId } as ProfilePost['creator'], vector, weight: 1 }) as ProfilePost;
  const red = [post('r1', 'red', '2026-05-02', v(1, 0, 0, 0)), post('r2', 'red', '2026-05-01', v(1, 0.2, 0, 0))];
  const blue = [post('b1', 'blue', '2026-05-03', v(0, 0, 1, 0))];

  it('gives what mostSimilarPost gives over all the posts in store order', () => {
    const t = table();
    const memo = new Inspirations();
    const all = [...red, ...blue].sort((x, y) => storeOrder(x.post, y.post));
    for (const id of ['a', 'b', 'c']) {
      const row = t.rowOf(id)!;
      for (let round = 0; round < 2; round++) {
        const got = memo.best([red, blue], row, t.generation[row]!, t.vectorAt(row), storeOrder)!;
        const want = mostSimilarPost(t.vectorAt(row), all)!;
        expect([got.source.post.id, got.similarity]).toEqual([want.source.post.id, want.similarity]);
      }
    }
  });

  it('answers again for a product rewritten with a new vector', () => {
    const t = table();
    const memo = new Inspirations();
    const row = t.rowOf('a')!;
    expect(memo.best([red, blue], row, t.generation[row]!, t.vectorAt(row), storeOrder)!.source.creator.id).toBe('red');
    t.upsert(product('a'), v(0, 0, 1, 0));
    const now = memo.best([red, blue], row, t.generation[row]!, t.vectorAt(row), storeOrder)!;
    expect(now.source.post.id).toBe('b1');
    expect(now.similarity).toBeCloseTo(1, 6);
  });
});
