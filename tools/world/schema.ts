/**
 * The on-disk shape of a "world": a catalog, creators with posts, and shoppers.
 *
 * The entities are the service's own domain shapes (`src/domain/`), extended here with what only
 * the generator, the model training and the offline evaluation may know: ground truth (product
 * attributes and appeal, the items in a post, creator signatures, shoppers' reactions to posts,
 * price bands and held-out purchases, the purchase model) and purchase histories, which methods
 * may read but the service has no API for yet. The service's ingest reads the same files and
 * strips those fields. A prototyper who brings their own catalog writes files of this shape (the
 * world-only fields are optional for ingest; `tools/eval/world.ts` validates a whole world).
 *
 * Layout of a world folder:
 *   world.json          WorldMeta (seed, counts, vocabulary)
 *   products.json       Product[]
 *   creators.json       Creator[]
 *   posts.json          Post[]
 *   users.json          User[]
 *   merchants.json      Merchant[]
 *   images/products/*.jpg, images/posts/*.jpg   (paths in the JSON are relative to the world folder)
 */
import { z } from 'zod';
import { Creator as DomainCreator, MAX_FOLLOWS, Post as DomainPost, Product as DomainProduct, SENSITIVE_HEALTH, ShopperRecord } from '../../src/domain/index.js';

export { AffiliateNetwork, AgeBand, ConsentEvent, ConsentPurpose, CreatorOptIns, Engagement, Merchant, SENSITIVE_HEALTH } from '../../src/domain/index.js';

/** Ground-truth attributes a product was rendered from (used for training and evaluation only). */
export const ProductAttributes = z.object({
  colour: z.string(),
  pattern: z.string(),
  category: z.string(),
  aesthetic: z.string(),
});
export type ProductAttributes = z.infer<typeof ProductAttributes>;

/** The look of an item: what "shop the look" and the purchase model match on. */
export type Look = Pick<ProductAttributes, 'colour' | 'pattern' | 'category'>;

/** The service's product plus the attributes it was rendered from and its hidden appeal. */
export const Product = DomainProduct.extend({
  attributes: ProductAttributes.optional(),
  /** Ground truth: how much more than average this product sells, other things equal (purchase model; evaluation only). */
  appeal: z.number().positive().optional(),
});
export type Product = z.infer<typeof Product>;

/** A creator's personal style inside one of their aesthetics (generated worlds; evaluation only). */
export const CreatorSignature = z.object({
  aesthetic: z.string(),
  /** Favourite colour × pattern combinations: most items of this creator's posts in this aesthetic wear one. */
  looks: z.array(z.object({ colour: z.string(), pattern: z.string() })).min(1),
  /** The categories this creator posts most. */
  categories: z.array(z.string()),
});
export type CreatorSignature = z.infer<typeof CreatorSignature>;

/** Generated creators always carry the 1-2 aesthetics they post in. */
export const Creator = DomainCreator.extend({
  aesthetics: z.array(z.string()).min(1).max(2),
  /** One signature per aesthetic (ground truth; the posts show it, nothing else does). */
  signature: z.array(CreatorSignature).optional(),
});
export type Creator = z.infer<typeof Creator>;

/** The service's post plus the ground truth of its flat-lay. */
export const Post = DomainPost.extend({
  /** Ground truth: the attributes of the 2-4 items in the flat-lay (evaluation only). */
  items: z.array(ProductAttributes).optional(),
});
export type Post = z.infer<typeof Post>;

/** One purchase of a shopper's history. */
export const Purchase = z.object({ productId: z.string(), at: z.iso.datetime() });
export type Purchase = z.infer<typeof Purchase>;

/** A shopper's like or save of one post (ground truth of the purchase model). */
export const PostReaction = z.object({ postId: z.string(), kind: z.enum(['like', 'save']), at: z.iso.datetime() });
export type PostReaction = z.infer<typeof PostReaction>;

/** What drives a shopper's purchases besides the posts they reacted to (ground truth). */
export const ShopperTaste = z.object({
  /** Prices inside [low, high] fit fully; outside, the fit falls off (world.json `purchaseModel.priceSoftness`). */
  priceBand: z.tuple([z.number().positive(), z.number().positive()]),
});
export type ShopperTaste = z.infer<typeof ShopperTaste>;

/**
 * The service's shopper record plus their purchases: a history before the world's reference date
 * (visible to methods, e.g. collaborative filtering) and a later held-out set (hidden: what the
 * evaluation scores against), plus the ground truth that generated them.
 */
export const User = ShopperRecord.extend({
  follows: z.array(z.string()).max(MAX_FOLLOWS),
  /** Purchases before `referenceDate`, oldest first. Absent = none (a cold-start shopper). */
  history: z.array(Purchase).optional(),
  /** Product ids bought in the `purchaseModel.heldOutDays` after `referenceDate` (evaluation ground truth only). */
  heldOut: z.array(z.string()),
  /** Posts this shopper liked or saved (ground truth, evaluation only). */
  reactions: z.array(PostReaction).optional(),
  taste: ShopperTaste.optional(),
});
export type User = z.infer<typeof User>;

/**
 * The parameters of the generator's purchase model (fixtures/README.md has the formulas). Written
 * to world.json so the evaluation's oracle computes exactly the probability the purchases were
 * drawn from.
 */
export const PurchaseModel = z.object({
  /** Mixture weights of the three ways a purchase comes about; they sum to 1. */
  lookShare: z.number().min(0).max(1),
  popularityShare: z.number().min(0).max(1),
  noiseShare: z.number().min(0).max(1),
  /** How much a like and a save of a post weigh. */
  reactionWeights: z.object({ like: z.number().nonnegative(), save: z.number().nonnegative() }),
  /** A reaction this many days before the purchase weighs half as much as a fresh one. */
  recencyHalfLifeDays: z.number().positive(),
  /** Weight of a same-category product that shares only the colour, or only the pattern, with a post's item (exact look: 1). */
  partialMatch: z.object({ colourAndCategory: z.number().min(0).max(1), patternAndCategory: z.number().min(0).max(1) }),
  /** Standard deviation, in natural-log price units, of the fall-off outside a shopper's price band. */
  priceSoftness: z.number().positive(),
  /** Length of the held-out window after `referenceDate`. */
  heldOutDays: z.number().positive(),
});
export type PurchaseModel = z.infer<typeof PurchaseModel>;

export const Aesthetic = z.object({
  id: z.string(),
  name: z.string(),
  /** Weights over vocabulary entries (need not sum to 1). */
  colours: z.record(z.string(), z.number()),
  patterns: z.record(z.string(), z.number()),
  categories: z.record(z.string(), z.number()),
  priceBand: z.tuple([z.number(), z.number()]),
  words: z.array(z.string()),
  hashtags: z.array(z.string()),
  /** The 2-4 colours and 1-3 patterns that carry most of this aesthetic's mass (generated worlds). */
  dominantColours: z.array(z.string()).optional(),
  dominantPatterns: z.array(z.string()).optional(),
});
export type Aesthetic = z.infer<typeof Aesthetic>;

/** Words a vocabulary entry goes by: its display name and synonyms (colours also carry their RGB). */
export const LexiconEntry = z.object({
  name: z.string(),
  synonyms: z.array(z.string()),
  rgb: z.tuple([z.number(), z.number(), z.number()]).optional(),
});
export type LexiconEntry = z.infer<typeof LexiconEntry>;

export const WorldMeta = z.object({
  formatVersion: z.literal(1),
  seed: z.number().int(),
  /** Bumped whenever the generator's output for a given seed changes; lets caches detect stale worlds. */
  generatorVersion: z.number().int().optional(),
  /** Fixed "now" of the world: posts, consent events, reactions and history lie before it, held-out purchases after. */
  referenceDate: z.iso.datetime().optional(),
  /** The purchase model's parameters (generated worlds from generator version 3). */
  purchaseModel: PurchaseModel.optional(),
  counts: z.object({
    products: z.number().int(),
    creators: z.number().int(),
    posts: z.number().int(),
    users: z.number().int(),
  }),
  vocabulary: z.object({
    colours: z.array(z.string()),
    patterns: z.array(z.string()),
    categories: z.array(z.object({ id: z.string(), group: z.string(), sensitive: z.literal(SENSITIVE_HEALTH).optional() })),
    aesthetics: z.array(Aesthetic),
    /** Display names, synonyms and colour RGBs keyed by vocabulary id (generated worlds). */
    lexicon: z
      .object({
        colours: z.record(z.string(), LexiconEntry),
        patterns: z.record(z.string(), LexiconEntry),
        categories: z.record(z.string(), LexiconEntry),
      })
      .optional(),
  }),
});
export type WorldMeta = z.infer<typeof WorldMeta>;
