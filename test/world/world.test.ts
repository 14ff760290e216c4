/**
 * Fast checks of the committed default world's content, and of small in-process worlds.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { z } from 'zod';
import { afterAll, describe, expect, it } from 'vitest';
import { dominantOf } from '../../tools/world/aesthetics.js';
import { DEFAULT_WORLD, generateWorld } from '../../tools/world/generate.js';
import { createRng } from '../../tools/world/prng.js';
import { Creator, Merchant, Post, Product, User, WorldMeta } from '../../tools/world/schema.js';
import { CATEGORY_BY_ID } from '../../tools/world/vocabulary.js';

const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures');
const load = async <T extends z.ZodType>(dir: string, file: string, schema: T): Promise<z.infer<T>> =>
  schema.parse(JSON.parse(await readFile(join(dir, file), 'utf8')));

async function loadWorld(dir: string) {
  return {
    meta: await load(dir, 'world.json', WorldMeta),
    products: await load(dir, 'products.json', z.array(Product)),
    creators: await load(dir, 'creators.json', z.array(Creator)),
    posts: await load(dir, 'posts.json', z.array(Post)),
    users: await load(dir, 'users.json', z.array(User)),
    merchants: await load(dir, 'merchants.json', z.array(Merchant)),
  };
}

describe('prng', () => {
  it('repeats a stream for a seed and differs across seeds', () => {
    const a = Array.from({ length: 5 }, createRng(42).next);
    const b = Array.from({ length: 5 }, createRng(42).next);
    const c = Array.from({ length: 5 }, createRng(43).next);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(a.every((x) => x >= 0 && x < 1)).toBe(true);
  });
});

describe('committed default world', async () => {
  const w = await loadWorld(FIXTURES);

  it('matches the schemas and the default counts', () => {
    expect(w.meta.seed).toBe(DEFAULT_WORLD.seed);
    expect(w.products).toHaveLength(DEFAULT_WORLD.products);
    expect(w.creators).toHaveLength(DEFAULT_WORLD.creators);
    expect(w.posts).toHaveLength(DEFAULT_WORLD.creators * DEFAULT_WORLD.postsPerCreator);
    expect(w.users).toHaveLength(DEFAULT_WORLD.users);
    expect(w.meta.counts).toEqual({ products: w.products.length, creators: w.creators.length, posts: w.posts.length, users: w.users.length });
    expect(new Set(w.products.map((p) => p.id)).size).toBe(w.products.length);
  });

  it('references only merchants, creators and products that exist', () => {
    const merchants = new Map(w.merchants.map((m) => [m.id, m]));
    for (const p of w.products) expect(merchants.get(p.merchant)?.network).toBe(p.network);
    const creatorIds = new Set(w.creators.map((c) => c.id));
    for (const p of w.posts) expect(creatorIds.has(p.creatorId)).toBe(true);
    const productIds = new Set(w.products.map((p) => p.id));
    for (const u of w.users) {
      expect(u.follows.length).toBeGreaterThanOrEqual(1);
      for (const id of u.follows) expect(creatorIds.has(id)).toBe(true);
      for (const id of u.heldOut) expect(productIds.has(id)).toBe(true);
      for (const h of u.history ?? []) expect(productIds.has(h.productId)).toBe(true);
    }
  });

  it('flags exactly the health items and health posts', () => {
    const healthCategories = new Set(w.meta.vocabulary.categories.filter((c) => c.sensitive === 'health').map((c) => c.id));
    expect(healthCategories.size).toBeGreaterThanOrEqual(2);
    const flagged = w.products.filter((p) => p.sensitive === 'health');
    expect(flagged.length).toBeGreaterThan(0);
    for (const p of w.products) expect(p.sensitive === 'health').toBe(healthCategories.has(p.category));
    for (const p of w.posts) expect(p.sensitive === 'health').toBe(p.items!.some((i) => healthCategories.has(i.category)));
    expect(w.posts.some((p) => p.sensitive === 'health')).toBe(true);
  });

  it('splits every shopper\'s purchases by time: a history before the reference date, held-out after, never bought twice', () => {
    const ref = Date.parse(w.meta.referenceDate!);
    let cold = 0;
    for (const u of w.users) {
      const history = u.history ?? [];
      if (history.length === 0) cold++;
      const times = history.map((h) => Date.parse(h.at));
      expect(times.every((t, i) => t < ref && (i === 0 || t >= times[i - 1]!)), u.id).toBe(true);
      expect(u.heldOut.length, u.id).toBeGreaterThanOrEqual(10);
      expect(u.heldOut.length, u.id).toBeLessThanOrEqual(20);
      const all = [...history.map((h) => h.productId), ...u.heldOut];
      expect(new Set(all).size, u.id).toBe(all.length);
    }
    // About a quarter are new customers (BEHAVIOUR.coldStartShare), so both segments have shoppers.
    expect(cold / w.users.length).toBeGreaterThan(0.15);
    expect(cold / w.users.length).toBeLessThan(0.35);
  });

  it('lets shoppers react only to posts of creators they follow, after the post and before the reference date', () => {
    const posts = new Map(w.posts.map((p) => [p.id, p]));
    const ref = Date.parse(w.meta.referenceDate!);
    let total = 0;
    for (const u of w.users) {
      for (const r of u.reactions ?? []) {
        const post = posts.get(r.postId)!;
        expect(u.follows, `${u.id} ${r.postId}`).toContain(post.creatorId);
        expect(Date.parse(r.at)).toBeGreaterThanOrEqual(Date.parse(post.postedAt));
        expect(Date.parse(r.at)).toBeLessThan(ref);
        total++;
      }
    }
    expect(total / w.users.length).toBeGreaterThan(3);
  });

  it('draws held-out purchases mostly in the look of posts the shopper reacted to', () => {
    const items = new Map(w.posts.map((p) => [p.id, p.items!]));
    const products = new Map(w.products.map((p) => [p.id, p.attributes!]));
    let matching = 0;
    let total = 0;
    for (const u of w.users) {
      const seen = (u.reactions ?? []).flatMap((r) => items.get(r.postId)!);
      for (const id of u.heldOut) {
        const a = products.get(id)!;
        total++;
        if (seen.some((i) => i.category === a.category && (i.colour === a.colour || i.pattern === a.pattern))) matching++;
      }
    }
    // The look share is 0.65 (minus shoppers without reactions); popularity and noise add chance matches.
    expect(matching / total).toBeGreaterThan(0.5);
  });

  it('gives creators signatures their posts show, and different numbers of posts', () => {
    let signed = 0;
    let items = 0;
    for (const p of w.posts) {
      const creator = w.creators.find((c) => c.id === p.creatorId)!;
      for (const it of p.items!) {
        const sig = creator.signature!.find((s) => s.aesthetic === it.aesthetic)!;
        items++;
        if (sig.looks.some((l) => l.colour === it.colour && l.pattern === it.pattern)) signed++;
      }
    }
    // SIGNATURE_SHARE is 0.6, and an off-signature draw can land on a favourite look too.
    expect(signed / items).toBeGreaterThan(0.55);
    const counts = w.creators.map((c) => w.posts.filter((p) => p.creatorId === c.id).length);
    expect(Math.min(...counts)).toBeGreaterThanOrEqual(1);
    expect(Math.max(...counts)).toBeGreaterThan(2 * Math.min(...counts));
  });

  it('gives each aesthetic products mostly in its dominant colours and patterns', () => {
    for (const a of w.meta.vocabulary.aesthetics) {
      const { colours, patterns } = dominantOf(a.id);
      expect(a.dominantColours).toEqual(colours);
      const mine = w.products.filter((p) => p.attributes!.aesthetic === a.id);
      const both = mine.filter((p) => colours.includes(p.attributes!.colour) && patterns.includes(p.attributes!.pattern)).length;
      // The service's style test needs a clear margin over its 70% bar (expected share 0.9² = 0.81).
      expect(both / mine.length, a.id).toBeGreaterThan(0.75);
    }
  });

  it('has consent and opt-out cases for the consent rules', () => {
    expect(w.creators.some((c) => !c.optIns.styleSource)).toBe(true);
    expect(w.creators.some((c) => !c.optIns.affiliate)).toBe(true);
    expect(w.users.some((u) => u.ageBand === 'under13')).toBe(true);
    expect(w.users.some((u) => u.consents.length === 0)).toBe(true);
    expect(w.users.some((u) => u.consents.some((e) => e.purpose === 'personalization' && !e.granted))).toBe(true);
    expect(new Set(w.users.map((u) => u.region)).size).toBeGreaterThan(5);
  });

  it('covers the vocabulary: every colour, pattern and category appears', () => {
    const seen = (key: 'colour' | 'pattern' | 'category') => new Set(w.products.map((p) => p.attributes![key]));
    expect(seen('colour').size).toBe(w.meta.vocabulary.colours.length);
    expect(seen('pattern').size).toBe(w.meta.vocabulary.patterns.length);
    expect(seen('category').size).toBe(w.meta.vocabulary.categories.length);
    for (const c of w.meta.vocabulary.categories) expect(CATEGORY_BY_ID.get(c.id)?.group).toBe(c.group);
  });

  it('names every flat-lay item (colour and category, maybe by synonym) in the caption', () => {
    const lex = w.meta.vocabulary.lexicon!;
    const words = (e: { name: string; synonyms: string[] }) => [e.name, ...e.synonyms].map((x) => x.toLowerCase());
    for (const post of w.posts) {
      const text = post.caption.toLowerCase();
      for (const item of post.items!) {
        expect(words(lex.categories[item.category]).some((x) => text.includes(x)), `${post.id} ${item.category}`).toBe(true);
        expect(words(lex.colours[item.colour]).some((x) => text.includes(x)), `${post.id} ${item.colour}`).toBe(true);
      }
      expect(text).toMatch(/#\w+/);
    }
  });

  it('has no two identical product images', async () => {
    const files = await readdir(join(FIXTURES, 'images', 'products'));
    const hashes = await Promise.all(files.map(async (f) => createHash('sha1').update(await readFile(join(FIXTURES, 'images', 'products', f))).digest('hex')));
    expect(new Set(hashes).size).toBe(files.length);
  });
});

describe('generateWorld (small, in-process)', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  });

  it('writes the requested counts with images of the documented sizes', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'world-small-'));
    dirs.push(dir);
    await generateWorld({ seed: 7, outDir: dir, products: 24, creators: 4, postsPerCreator: 2, users: 6 });
    const w = await loadWorld(dir);
    expect([w.products.length, w.creators.length, w.posts.length, w.users.length]).toEqual([24, 4, 8, 6]);
    const product = await sharp(join(dir, w.products[0].image)).metadata();
    const post = await sharp(join(dir, w.posts[0].image)).metadata();
    expect([product.format, product.width, product.height]).toEqual(['jpeg', 128, 128]);
    expect([post.format, post.width, post.height]).toEqual(['jpeg', 256, 256]);
  });

  it('gives different worlds for different seeds, and the same catalog whatever the user count', async () => {
    const [a, b, c] = await Promise.all(
      [
        { seed: 1, users: 5 },
        { seed: 2, users: 5 },
        { seed: 1, users: 9 },
      ].map(async (o) => {
        const dir = await mkdtemp(join(tmpdir(), 'world-json-'));
        dirs.push(dir);
        await generateWorld({ ...o, outDir: dir, products: 30, creators: 5, postsPerCreator: 1, images: false });
        return readFile(join(dir, 'products.json'), 'utf8');
      }),
    );
    expect(a).not.toEqual(b);
    expect(c).toEqual(a);
  });
});
