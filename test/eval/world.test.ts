/**
 * The evaluation runs on any world in the documented format, so its loader must refuse a bad one
 * before ingesting anything, naming each bad record by file, position and id.
 */
import { mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors.js';
import { loadEvalWorld } from '../../tools/eval/world.js';
import { generateWorld } from '../../tools/world/generate.js';

let dir: string;
const read = (f: string) => JSON.parse(readFileSync(join(dir, f), 'utf8'));
const write = (f: string, v: unknown) => writeFileSync(join(dir, f), JSON.stringify(v));

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'eval-validate-'));
  await generateWorld({ seed: 77, outDir: dir, products: 30, creators: 4, postsPerCreator: 2, users: 10, images: false });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function problems(): AppError {
  try {
    loadEvalWorld(dir);
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('loadEvalWorld accepted a bad world');
}

describe('loadEvalWorld', () => {
  it('loads a generated world with its purchase model and histories', () => {
    const w = loadEvalWorld(dir);
    expect(w.users).toHaveLength(10);
    expect(w.purchaseModel?.lookShare).toBeGreaterThan(0);
    expect(w.users.some((u) => (u.history ?? []).length > 0)).toBe(true);
  });

  it('names every bad record by file, position and id, with the field', () => {
    const products = read('products.json');
    const users = read('users.json');
    const posts = read('posts.json');
    try {
      write('products.json', products.map((p: { price: number }, i: number) => (i === 3 ? { ...p, price: 'cheap' } : p)));
      write('users.json', users.map((u: { reactions: unknown[] }, i: number) => (i === 5 ? { ...u, reactions: [{ postId: 'x', kind: 'love', at: '2026-01-01T00:00:00Z' }] } : u)));
      const err = problems();
      expect(err.code).toBe('VALIDATION_FAILED');
      expect(err.message).toContain('products.json[3] (id "p00004"): price');
      expect(err.message).toContain('users.json[5] (id "u0006"): reactions.0.kind');
      expect(err.details?.map((d) => d.path)).toEqual(['products.json[3] (id "p00004"): price', 'users.json[5] (id "u0006"): reactions.0.kind']);

      // Shapes fixed, references broken: each dangling id is named where it is used.
      write('products.json', products);
      write('users.json', users.map((u: { history: Array<{ productId: string }> }, i: number) => (i === 2 ? { ...u, follows: ['c9999'], history: [{ productId: 'p99999', at: '2026-01-01T00:00:00Z' }] } : u)));
      write('posts.json', posts.map((p: { creatorId: string }, i: number) => (i === 0 ? { ...p, creatorId: 'c0404' } : p)));
      const refs = problems();
      expect(refs.details?.map((d) => `${d.path}: ${d.message}`)).toEqual([
        'posts.json[0] (id "post00001"): creatorId: no creator "c0404" in creators.json',
        'users.json[2] (id "u0003"): follows.0: no creator "c9999" in creators.json',
        'users.json[2] (id "u0003"): history.0.productId: no product "p99999" in products.json',
      ]);
    } finally {
      write('products.json', products);
      write('users.json', users);
      write('posts.json', posts);
    }
  });

  it('says which file is missing or not an array', () => {
    const creators = read('creators.json');
    try {
      unlinkSync(join(dir, 'creators.json'));
      expect(problems().message).toMatch(/creators\.json: missing/);
      write('creators.json', { items: creators });
      expect(problems().message).toMatch(/creators\.json: must hold a JSON array/);
    } finally {
      write('creators.json', creators);
    }
  });

  it('accepts a world without the optional ground truth (a data scientist\'s own)', () => {
    const users = read('users.json');
    const meta = read('world.json');
    try {
      write('users.json', users.map(({ reactions: _r, taste: _t, history: _h, ...u }: Record<string, unknown>) => u));
      write('world.json', { seed: 5 });
      const w = loadEvalWorld(dir);
      expect(w.purchaseModel).toBeNull();
      expect(w.users.every((u) => u.history === undefined)).toBe(true);
    } finally {
      write('users.json', users);
      write('world.json', meta);
    }
  });
});
