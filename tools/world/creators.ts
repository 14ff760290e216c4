/**
 * Generates creators (with their voices and personal signatures) and their flat-lay posts.
 *
 * A creator's signature is what makes them more than their aesthetic: two favourite colour ×
 * pattern combinations and three favourite categories per aesthetic, which most of their items
 * wear (SIGNATURE_SHARE). Creators also differ in how much they post (an activity weight), so
 * some have a handful of posts and some many, while the world's total stays creators × perCreator.
 */
import { gaussian, type Rng } from './prng.js';
import type { Aesthetic, Creator, CreatorSignature, Post, ProductAttributes } from './schema.js';
import { SENSITIVE_HEALTH } from './schema.js';
import { AESTHETICS, AESTHETIC_BY_ID } from './aesthetics.js';
import { padId } from './catalog.js';
import { FIRST_NAMES, HANDLE_SUFFIXES, LAST_INITIALS } from './names.js';
import { caption, createVoice, type Voice } from './text.js';
import { CATEGORY_BY_ID, lookup } from './vocabulary.js';

/** Every post is dated inside this window before the world's fixed reference date. */
export const POST_WINDOW_DAYS = 180;
const DAY_MS = 86_400_000;

/** Share of a post's items that wear one of the creator's favourite looks. */
export const SIGNATURE_SHARE = 0.6;
/** How much more often a creator's favourite categories appear than the aesthetic's weights say. */
const SIGNATURE_CATEGORY_BOOST = 4;
/** Spread (log-normal sigma) of creators' activity, i.e. of their post counts. */
const ACTIVITY_SIGMA = 0.6;

export interface GeneratedCreator {
  creator: Creator;
  voice: Voice;
  /** Typical likes per post; drives engagement. */
  reach: number;
  /** Relative posting activity: the creator's share of the world's posts. */
  activity: number;
}

export interface GeneratedPost {
  post: Post;
  renderSeed: number;
}

/** ISO timestamp without milliseconds, e.g. 2026-03-01T12:00:00Z. */
export const isoSeconds = (ms: number): string => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');

/**
 * `count` creators. Aesthetics are assigned round-robin (so every style has creators), about a
 * third get a second aesthetic, and a few opt out of each use so consent rules have cases.
 */
export function generateCreators(count: number, rng: Rng): GeneratedCreator[] {
  const optOuts = count >= 4 ? Math.max(1, Math.round(count * 0.08)) : 0;
  const order = rng.shuffle(Array.from({ length: count }, (_, i) => i));
  const noStyle = new Set(order.slice(0, optOuts));
  const noAffiliate = new Set(order.slice(optOuts, optOuts * 2));
  const handles = new Set<string>();
  const out: GeneratedCreator[] = [];
  for (let i = 0; i < count; i++) {
    const primary = AESTHETICS[i % AESTHETICS.length].id;
    const aesthetics = [primary];
    if (rng.chance(0.35)) aesthetics.push(rng.pick(AESTHETICS.filter((a) => a.id !== primary)).id);
    const signature = aesthetics.map((id) => drawSignature(AESTHETIC_BY_ID.get(id)!, rng));
    const first = rng.pick(FIRST_NAMES);
    const initial = rng.pick(LAST_INITIALS);
    let handle = `${first.toLowerCase()}${rng.pick(HANDLE_SUFFIXES)}`;
    while (handles.has(handle)) handle = `${handle}${rng.int(0, 9)}`;
    handles.add(handle);
    out.push({
      creator: {
        id: padId('c', i + 1, count, 4),
        handle,
        displayName: `${first} ${initial}.`,
        aesthetics,
        optIns: { styleSource: !noStyle.has(i), affiliate: !noAffiliate.has(i) },
        signature,
      },
      voice: createVoice(rng),
      reach: Math.round(Math.exp(5.5 + rng.next() * 4)),
      activity: Math.exp(ACTIVITY_SIGMA * gaussian(rng)),
    });
  }
  return out;
}

/** Two favourite looks from the aesthetic's dominant colours × patterns, three favourite categories. */
function drawSignature(aesthetic: Aesthetic, rng: Rng): CreatorSignature {
  const colours = aesthetic.dominantColours ?? Object.keys(aesthetic.colours);
  const patterns = aesthetic.dominantPatterns ?? Object.keys(aesthetic.patterns);
  const grid = colours.flatMap((colour) => patterns.map((pattern) => ({ colour, pattern })));
  const categories: string[] = [];
  const left = { ...aesthetic.categories };
  while (categories.length < 3 && Object.keys(left).length > 0) {
    const c = rng.weighted(left);
    delete left[c];
    categories.push(c);
  }
  return { aesthetic: aesthetic.id, looks: rng.shuffle(grid).slice(0, 2), categories };
}

/**
 * 2-4 items of distinct categories drawn from one aesthetic; with a signature, its favourite
 * categories are boosted and SIGNATURE_SHARE of the items wear one of its favourite looks.
 */
export function drawOutfit(aesthetic: Aesthetic, rng: Rng, signature?: CreatorSignature): ProductAttributes[] {
  const n = rng.weighted({ 2: 3, 3: 4, 4: 3 });
  const categories: Record<string, number> = {};
  for (const [c, w] of Object.entries(aesthetic.categories)) categories[c] = signature?.categories.includes(c) ? w * SIGNATURE_CATEGORY_BOOST : w;
  const items: ProductAttributes[] = [];
  for (let i = 0; i < Number(n); i++) {
    const category = rng.weighted(categories);
    delete categories[category];
    const look = signature && rng.chance(SIGNATURE_SHARE)
      ? rng.pick(signature.looks)
      : { colour: rng.weighted(aesthetic.colours), pattern: rng.weighted(aesthetic.patterns) };
    items.push({ colour: look.colour, pattern: look.pattern, category, aesthetic: aesthetic.id });
  }
  return items;
}

/**
 * Splits `total` posts over creators in proportion to their activity (largest remainder), at least
 * one each while there are enough, so the world's post count stays exactly creators × perCreator.
 */
export function postCounts(creators: readonly GeneratedCreator[], total: number): number[] {
  if (creators.length === 0) return [];
  const minimum = total >= creators.length ? 1 : 0;
  const rest = total - minimum * creators.length;
  const sum = creators.reduce((s, c) => s + c.activity, 0);
  const exact = creators.map((c) => (rest * c.activity) / sum);
  const counts = exact.map((x) => minimum + Math.floor(x));
  let left = total - counts.reduce((s, c) => s + c, 0);
  const byRemainder = exact.map((x, i) => ({ i, r: x - Math.floor(x) })).sort((a, b) => b.r - a.r || a.i - b.i);
  for (let k = 0; left > 0; k++, left--) counts[byRemainder[k % byRemainder.length]!.i]!++;
  return counts;
}

/** `creators × perCreator` posts in all, split by activity (postCounts), ids in creator order. */
export function generatePosts(creators: readonly GeneratedCreator[], perCreator: number, referenceMs: number, rng: Rng): GeneratedPost[] {
  const total = creators.length * perCreator;
  const counts = postCounts(creators, total);
  const out: GeneratedPost[] = [];
  for (const [c, { creator, voice, reach }] of creators.entries()) {
    for (let k = 0; k < counts[c]!; k++) {
      const aestheticId = creator.aesthetics.length > 1 && rng.chance(0.3) ? creator.aesthetics[1] : creator.aesthetics[0];
      const aesthetic = AESTHETIC_BY_ID.get(aestheticId)!;
      const items = drawOutfit(aesthetic, rng, creator.signature?.find((s) => s.aesthetic === aestheticId));
      const id = padId('post', out.length + 1, total);
      const likes = Math.round(reach * (0.4 + rng.next() * 1.2));
      const health = items.some((it) => lookup(CATEGORY_BY_ID, it.category).sensitive === SENSITIVE_HEALTH);
      out.push({
        post: {
          id,
          creatorId: creator.id,
          image: `images/posts/${id}.jpg`,
          caption: caption(items, aesthetic, voice, rng),
          postedAt: isoSeconds(referenceMs - rng.next() * POST_WINDOW_DAYS * DAY_MS),
          engagement: {
            likes,
            comments: Math.round(likes * (0.01 + rng.next() * 0.04)),
            saves: Math.round(likes * (0.03 + rng.next() * 0.09)),
          },
          items,
          ...(health ? { sensitive: SENSITIVE_HEALTH } : {}),
        },
        renderSeed: Math.floor(rng.next() * 4294967296),
      });
    }
  }
  return out;
}
