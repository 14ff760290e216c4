/**
 * Generates creators (with their voices) and their flat-lay posts.
 */
import type { Rng } from './prng.js';
import type { Aesthetic, Creator, Post, ProductAttributes } from './schema.js';
import { SENSITIVE_HEALTH } from './schema.js';
import { AESTHETICS, AESTHETIC_BY_ID } from './aesthetics.js';
import { padId } from './catalog.js';
import { FIRST_NAMES, HANDLE_SUFFIXES, LAST_INITIALS } from './names.js';
import { caption, createVoice, type Voice } from './text.js';
import { CATEGORY_BY_ID, lookup } from './vocabulary.js';

/** Every post is dated inside this window before the world's fixed reference date. */
export const POST_WINDOW_DAYS = 180;
const DAY_MS = 86_400_000;

export interface GeneratedCreator {
  creator: Creator;
  voice: Voice;
  /** Typical likes per post; drives engagement. */
  reach: number;
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
      },
      voice: createVoice(rng),
      reach: Math.round(Math.exp(5.5 + rng.next() * 4)),
    });
  }
  return out;
}

/** 2-4 items of distinct categories drawn from one aesthetic. */
export function drawOutfit(aesthetic: Aesthetic, rng: Rng): ProductAttributes[] {
  const n = rng.weighted({ 2: 3, 3: 4, 4: 3 });
  const categories = { ...aesthetic.categories };
  const items: ProductAttributes[] = [];
  for (let i = 0; i < Number(n); i++) {
    const category = rng.weighted(categories);
    delete categories[category];
    items.push({ colour: rng.weighted(aesthetic.colours), pattern: rng.weighted(aesthetic.patterns), category, aesthetic: aesthetic.id });
  }
  return items;
}

/** `perCreator` posts for every creator, ids in creator order. */
export function generatePosts(creators: readonly GeneratedCreator[], perCreator: number, referenceMs: number, rng: Rng): GeneratedPost[] {
  const total = creators.length * perCreator;
  const out: GeneratedPost[] = [];
  for (const { creator, voice, reach } of creators) {
    for (let k = 0; k < perCreator; k++) {
      const aestheticId = creator.aesthetics.length > 1 && rng.chance(0.3) ? creator.aesthetics[1] : creator.aesthetics[0];
      const aesthetic = AESTHETIC_BY_ID.get(aestheticId)!;
      const items = drawOutfit(aesthetic, rng);
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
