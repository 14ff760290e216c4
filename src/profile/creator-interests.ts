/**
 * One followed creator's share of a profile (their interest and their usable posts), cached per
 * creator and consent variant (health posts allowed or not), because it is the same for every
 * follower: a new shopper's profile is assembled from parts other shoppers already built, and
 * every follower's interest for a creator is the SAME object, so candidate lists computed for it
 * are shared (`retrieve/candidate-lists.ts`).
 *
 * Invalidated by the creator's posts, opt-ins or removal (`creatorChanged` in core/state.ts).
 * Parts are built only for creators the caller already found eligible (styleSource): the cache
 * never decides consent, it only holds what a decision allowed.
 */
import type { Creator, Post } from '../domain/index.js';
import { SAVED_POST_BOOST } from './feedback.js';
import { buildProfile, centroidOf, type Interest, type Profile, type ProfileInput, type ProfilePost, type ProfileSettings } from './profile.js';

export interface CreatorPart {
  creator: Creator;
  /** Null when the creator has no post this variant may use. */
  interest: Interest | null;
  posts: ProfilePost[];
  /** The creator's opaque link code when they may be credited (both opt-ins), else null. */
  code: string | null;
}

/** The part of one eligible creator, built exactly as `buildProfile` builds it inside a profile. */
export function creatorPart(
  input: Omit<ProfileInput, 'creators'> & { creator: Creator; code: string | null },
  settings: Pick<ProfileSettings, 'halfLifeDays'>,
): CreatorPart {
  const p = buildProfile({ creators: [input.creator], posts: input.posts, vectors: input.vectors, allowHealth: input.allowHealth, taxonomy: input.taxonomy, now: input.now }, { ...settings, mode: 'multi' });
  return { creator: input.creator, interest: p.interests[0] ?? null, posts: p.posts, code: input.code };
}

/**
 * One shopper's copy of a shared part when they saved or hid any of its posts (feedback events):
 * saved posts weigh SAVED_POST_BOOST times as much, hidden ones are left out (so never cited),
 * exactly as `buildProfile` does with `savedPosts`/`hiddenPosts`. The shared part itself is
 * returned untouched otherwise, so its candidate lists stay shared.
 */
export function personalisePart(
  part: CreatorPart,
  feedback: { savedPosts: ReadonlySet<string>; hiddenPosts: ReadonlySet<string> },
): CreatorPart {
  const { savedPosts, hiddenPosts } = feedback;
  if (!part.posts.some((p) => savedPosts.has(p.post.id) || hiddenPosts.has(p.post.id))) return part;
  const posts = part.posts
    .filter((p) => !hiddenPosts.has(p.post.id))
    .map((p) => (savedPosts.has(p.post.id) ? { ...p, weight: p.weight * SAVED_POST_BOOST } : p));
  const interest: Interest | null = posts.length === 0 ? null : { creator: part.creator, centroid: centroidOf(posts), weight: posts.reduce((s, p) => s + p.weight, 0) };
  return { ...part, posts, interest };
}

/**
 * A profile from its creators' parts, identical to `buildProfile` over the same creators' posts:
 * posts in the store's order (newest first, then id), interests in the order their creator's
 * newest post appears, one centroid over every post in 'single' mode.
 */
export function assembleProfile(parts: CreatorPart[], settings: Pick<ProfileSettings, 'mode'>): Profile {
  const posts = parts.flatMap((p) => p.posts).sort((a, b) => storeOrder(a.post, b.post));
  const creatorIds = new Set(posts.map((p) => p.creator.id));
  if (posts.length === 0) return { interests: [], posts, creatorIds, parts };
  if (settings.mode === 'single') {
    const weight = posts.reduce((s, p) => s + p.weight, 0);
    return { interests: [{ creator: null, centroid: centroidOf(posts), weight }], posts, creatorIds, parts };
  }
  const byCreator = new Map(parts.map((p) => [p.creator.id, p.interest]));
  return { interests: [...creatorIds].map((id) => byCreator.get(id)!).filter((i): i is Interest => !!i), posts, creatorIds, parts };
}

/** `ORDER BY posted_at DESC, id` as SQLite compares text (code point order). */
export function storeOrder(a: Post, b: Post): number {
  return codePoints(b.postedAt, a.postedAt) || codePoints(a.id, b.id);
}

function codePoints(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; ) {
    const ca = a.codePointAt(i)!;
    const cb = b.codePointAt(i)!;
    if (ca !== cb) return ca < cb ? -1 : 1;
    i += ca > 0xffff ? 2 : 1;
  }
  return a.length - b.length < 0 ? -1 : a.length === b.length ? 0 : 1;
}

/** Parts per (creator, health variant); the least recently set are dropped beyond `maxEntries`. */
export class CreatorInterestCache {
  private readonly entries = new Map<string, CreatorPart>();
  /**
   * The creators' own rows (null: no such creator), so a computed list does not read its followed
   * creators again (one round trip on PostgreSQL): dropped with the creator's parts, by the same
   * invalidation, so an opt-out or removal reaches the next request exactly as it does for parts.
   */
  private readonly rows = new Map<string, Creator | null>();
  /** Bumped by every invalidation: a part built across one (the store is async) is not kept. */
  private generation = 0;

  constructor(private readonly maxEntries = 10_000) {}

  get epoch(): number {
    return this.generation;
  }

  get(creatorId: string, allowHealth: boolean): CreatorPart | undefined {
    return this.entries.get(key(creatorId, allowHealth));
  }

  set(part: CreatorPart, allowHealth: boolean, epoch: number): void {
    if (epoch !== this.generation) return;
    const k = key(part.creator.id, allowHealth);
    this.entries.delete(k);
    this.entries.set(k, part);
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }

  /** The rows of `ids`, in order and without the missing ones, or undefined unless every id is known. */
  creatorsOf(ids: readonly string[]): Creator[] | undefined {
    const out: Creator[] = [];
    for (const id of ids) {
      const row = this.rows.get(id);
      if (row === undefined) return undefined;
      if (row) out.push(row);
    }
    return out;
  }

  /** Remembers what a read of `ids` found (the rest do not exist), unless a creator changed since `epoch`. */
  setCreators(ids: readonly string[], found: readonly Creator[], epoch: number): void {
    if (epoch !== this.generation) return;
    const byId = new Map(found.map((c) => [c.id, c]));
    for (const id of ids) {
      this.rows.delete(id);
      this.rows.set(id, byId.get(id) ?? null);
    }
    while (this.rows.size > this.maxEntries) this.rows.delete(this.rows.keys().next().value!);
  }

  invalidateCreator(creatorId: string): void {
    this.generation++;
    this.rows.delete(creatorId);
    this.entries.delete(key(creatorId, false));
    this.entries.delete(key(creatorId, true));
  }

  clear(): void {
    this.generation++;
    this.entries.clear();
    this.rows.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}

const key = (creatorId: string, allowHealth: boolean) => `${allowHealth ? 'h' : '-'}|${creatorId}`;
