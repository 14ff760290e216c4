/**
 * What shoppers do: they like and save posts of the creators they follow, and they buy. Purchases
 * are drawn from the purchase model (purchases.ts): a history before the world's reference date,
 * which methods may read, and a held-out set in the window after it, which only the evaluation
 * reads. Every number here is documented in fixtures/README.md ("Shoppers' behaviour").
 */
import type { GeneratedCreator, GeneratedPost } from './creators.js';
import { isoSeconds } from './creators.js';
import { AESTHETIC_BY_ID } from './aesthetics.js';
import { exponential, gaussian, type Rng } from './prng.js';
import { modelCatalog, PURCHASE_MODEL, shopperModel, type ModelCatalog, type ModelReaction } from './purchases.js';
import type { Look, PostReaction, Product, PurchaseModel, User } from './schema.js';
import type { GeneratedUser } from './users.js';

const DAY_MS = 86_400_000;

export const BEHAVIOUR = {
  /** A shopper reacts to a followed creator's most-liked post with probability `activity`, to the others in proportion to their likes. */
  activity: [0.2, 0.8] as const,
  /** Share of reactions that are saves (the rest are likes). */
  saveShare: 0.25,
  /** Mean delay between a post and a reaction to it. */
  reactionDelayDays: 2,
  /** Shoppers with no purchase before the reference date (new customers). */
  coldStartShare: 0.25,
  /** Purchases in the history of the others, and how far back it reaches. */
  historyPurchases: [1, 16] as const,
  historyDays: 150,
  /** Purchases in the held-out window. */
  heldOutPurchases: [10, 20] as const,
  /** The price band centres on the geometric mean of the taste aesthetic's price band, spread log-normally, and spans ×/÷ bandWidth. */
  priceSpread: 0.3,
  bandWidth: 2,
  /** Log-normal sigma of product appeal (mean of log appeal 0). */
  appealSigma: 0.8,
};

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;
const toSecond = (ms: number) => Math.floor(ms / 1000) * 1000;

/** Hidden appeal per product, in catalog order: a few bestsellers, a long tail. */
export function drawAppeal(count: number, rng: Rng): number[] {
  return Array.from({ length: count }, () => Math.max(0.001, round(Math.exp(BEHAVIOUR.appealSigma * gaussian(rng)), 3)));
}

/** The model's view of a world's products (needs `attributes` and `appeal`; products without them never sell by look). */
export function catalogFor(products: readonly Product[]): ModelCatalog {
  return modelCatalog(products.map((p) => ({
    price: p.price,
    appeal: p.appeal ?? 1,
    look: p.attributes ?? { colour: '', pattern: '', category: p.category },
  })));
}

/** A shopper's reactions resolved to times and post items, for the purchase model. */
export function modelReactions(reactions: readonly PostReaction[], postItems: ReadonlyMap<string, readonly Look[]>): ModelReaction[] {
  return reactions.map((r) => ({ atMs: Date.parse(r.at), kind: r.kind, items: postItems.get(r.postId) ?? [] }));
}

/** The fixed moment held-out purchases are drawn at (the middle of the window; all reactions lie before it). */
export function heldOutMoment(referenceMs: number, model: PurchaseModel): number {
  return referenceMs + (model.heldOutDays / 2) * DAY_MS;
}

function reactionsOf(follows: readonly string[], postsBy: ReadonlyMap<string, readonly GeneratedPost[]>, activity: number, referenceMs: number, rng: Rng): PostReaction[] {
  const out: Array<PostReaction & { ms: number }> = [];
  for (const creatorId of follows) {
    const posts = postsBy.get(creatorId) ?? [];
    const maxLikes = Math.max(1, ...posts.map((p) => p.post.engagement.likes));
    for (const { post } of posts) {
      if (!rng.chance((activity * post.engagement.likes) / maxLikes)) continue;
      const kind = rng.chance(BEHAVIOUR.saveShare) ? 'save' : 'like';
      const ms = toSecond(Math.min(Date.parse(post.postedAt) + exponential(rng, BEHAVIOUR.reactionDelayDays * DAY_MS), referenceMs - 60_000));
      out.push({ postId: post.id, kind, at: isoSeconds(ms), ms });
    }
  }
  return out.sort((a, b) => a.ms - b.ms).map(({ postId, kind, at }) => ({ postId, kind, at }));
}

function priceBand(taste: string | null, rng: Rng): [number, number] {
  const band = taste ? AESTHETIC_BY_ID.get(taste)?.priceBand : undefined;
  const centre = (band ? Math.sqrt(band[0] * band[1]) : 60) * Math.exp(BEHAVIOUR.priceSpread * gaussian(rng));
  return [round(centre / BEHAVIOUR.bandWidth, 2), round(centre * BEHAVIOUR.bandWidth, 2)];
}

/**
 * Adds reactions, price band, purchase history and held-out purchases to every shopper.
 * `products` must carry `attributes` and `appeal` (as generated).
 */
export function addBehaviour(
  users: readonly GeneratedUser[], creators: readonly GeneratedCreator[], posts: readonly GeneratedPost[], products: readonly Product[],
  referenceMs: number, rng: Rng, model: PurchaseModel = PURCHASE_MODEL,
): User[] {
  const catalog = catalogFor(products);
  const postsBy = new Map<string, GeneratedPost[]>(creators.map((c) => [c.creator.id, []]));
  for (const p of posts) postsBy.get(p.post.creatorId)?.push(p);
  const postItems = new Map(posts.map((p) => [p.post.id, p.post.items ?? []]));
  const heldOutAt = heldOutMoment(referenceMs, model);

  return users.map(({ user, taste }) => {
    const activity = BEHAVIOUR.activity[0] + rng.next() * (BEHAVIOUR.activity[1] - BEHAVIOUR.activity[0]);
    const band = priceBand(taste, rng);
    const reactions = reactionsOf(user.follows, postsBy, activity, referenceMs, rng);
    const shopper = shopperModel(catalog, band, modelReactions(reactions, postItems), model);
    const owned = new Set<number>();
    const buy = (atMs: number) => {
      const i = shopper.sample(atMs, rng, owned);
      owned.add(i);
      return products[i]!.id;
    };
    const historyCount = products.length === 0 || rng.chance(BEHAVIOUR.coldStartShare) ? 0 : rng.int(...BEHAVIOUR.historyPurchases);
    const times = Array.from({ length: historyCount }, () => toSecond(referenceMs - rng.next() * BEHAVIOUR.historyDays * DAY_MS)).sort((a, b) => a - b);
    const history = times.map((ms) => ({ productId: buy(ms), at: isoSeconds(ms) }));
    const heldOutCount = products.length === 0 || user.follows.length === 0 ? 0 : Math.min(rng.int(...BEHAVIOUR.heldOutPurchases), products.length - owned.size);
    const heldOut = Array.from({ length: heldOutCount }, () => buy(heldOutAt));
    const { heldOut: _, ...rest } = user;
    return { ...rest, taste: { priceBand: band }, reactions, history, heldOut };
  });
}
