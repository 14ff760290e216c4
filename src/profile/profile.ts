/**
 * The profile stage: a shopper's taste as one interest (centroid) per followed creator, built from
 * that creator's post vectors. Multi-interest on purpose: a shopper who follows a boho and a
 * streetwear creator should get both styles, not a muddy average of the two.
 *
 * Consent is applied here, before any vector is read into a profile: creators without the
 * `styleSource` opt-in contribute nothing, and health posts (those showing a category the
 * taxonomy marks health) are left out unless the shopper's decision allows health (inferring a
 * health interest is itself processing health data).
 */
import type { CategoryTaxonomy, Creator, Post } from '../domain/index.js';
import { weightedCentroid } from '../embed/vectors.js';
import type { CreatorPart } from './creator-interests.js';
import { SAVED_POST_BOOST } from './feedback.js';

/** A post that may be used in this profile, with its vector and its weight. */
export interface ProfilePost {
  post: Post;
  creator: Creator;
  vector: Float32Array;
  weight: number;
}

export interface Interest {
  /** The creator this interest stands for; null for the single-centroid ablation and the history interest. */
  creator: Creator | null;
  /** 'history': built from the shopper's own feedback events (src/profile/history.ts), not from posts. */
  source?: 'history';
  centroid: Float32Array;
  /** Sum of its posts' weights. */
  weight: number;
}

export interface Profile {
  interests: Interest[];
  /** Every post the profile uses: what `inspiredBy` may cite. */
  posts: ProfilePost[];
  /** Creator ids the profile draws on, for cache invalidation. */
  creatorIds: Set<string>;
  /** The shared per-creator parts it was assembled from (`assembleProfile`); their posts are `posts`. */
  parts?: CreatorPart[];
}

export interface ProfileSettings {
  /** A post this many days old weighs half as much as a new one. */
  halfLifeDays: number;
  /** 'multi' (default): one interest per creator; 'single': one centroid (an eval ablation). */
  mode?: 'multi' | 'single';
}

export interface ProfileInput {
  creators: Creator[];
  posts: Post[];
  vectors: Map<string, Float32Array>;
  allowHealth: boolean;
  /** Decides which posts are health (a post showing a health category), read at build time. */
  taxonomy: Pick<CategoryTaxonomy, 'postIsHealth'>;
  now: Date;
  /** Posts the shopper saved: they weigh SAVED_POST_BOOST times as much (feedback events). */
  savedPosts?: ReadonlySet<string>;
  /** Posts the shopper hid: never in the profile, so never cited either (feedback events). */
  hiddenPosts?: ReadonlySet<string>;
}

const DAY_MS = 86_400_000;

/** Which creators may shape a profile: only those who opted in as a style source. */
export function eligibleCreators(creators: Creator[]): Creator[] {
  return creators.filter((c) => c.optIns.styleSource);
}

/**
 * Recency times log-scaled engagement: a viral post counts more, but not a thousand times more.
 * @example postWeight(post, now, 30) // 1 * (1 + ln(1 + likes + 2 comments + 3 saves)) for a post from now
 */
export function postWeight(post: Post, now: Date, halfLifeDays: number): number {
  const ageDays = Math.max(0, (now.getTime() - Date.parse(post.postedAt)) / DAY_MS);
  const recency = Math.pow(0.5, ageDays / halfLifeDays);
  const e = post.engagement;
  return recency * (1 + Math.log1p(e.likes + 2 * e.comments + 3 * e.saves));
}

/** Builds the profile; an empty `interests` list means there is nothing to personalise from. */
export function buildProfile(input: ProfileInput, settings: ProfileSettings): Profile {
  const creators = new Map(eligibleCreators(input.creators).map((c) => [c.id, c]));
  const posts: ProfilePost[] = [];
  for (const post of input.posts) {
    const creator = creators.get(post.creatorId);
    const vector = input.vectors.get(post.id);
    if (!creator || !vector) continue;
    if (!input.allowHealth && input.taxonomy.postIsHealth(post)) continue;
    if (input.hiddenPosts?.has(post.id)) continue;
    const boost = input.savedPosts?.has(post.id) ? SAVED_POST_BOOST : 1;
    posts.push({ post, creator, vector, weight: boost * postWeight(post, input.now, settings.halfLifeDays) });
  }
  const creatorIds = new Set(posts.map((p) => p.creator.id));
  if (posts.length === 0) return { interests: [], posts, creatorIds };
  if (settings.mode === 'single') {
    const weight = posts.reduce((s, p) => s + p.weight, 0);
    return { interests: [{ creator: null, centroid: centroidOf(posts), weight }], posts, creatorIds };
  }
  const interests: Interest[] = [];
  for (const id of creatorIds) {
    const own = posts.filter((p) => p.creator.id === id);
    interests.push({ creator: creators.get(id)!, centroid: centroidOf(own), weight: own.reduce((s, p) => s + p.weight, 0) });
  }
  return { interests, posts, creatorIds };
}

/** The weighted centroid of posts, summed in their order. */
export function centroidOf(posts: ProfilePost[]): Float32Array {
  return weightedCentroid(
    posts.map((p) => p.vector),
    posts.map((p) => p.weight),
  );
}
