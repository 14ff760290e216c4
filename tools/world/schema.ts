/**
 * The on-disk shape of a "world": a catalog, creators with posts, and shoppers.
 *
 * The entities are the service's own domain shapes (`src/domain/`), extended here with the ground
 * truth only the generator, the model training and the offline evaluation may know (product
 * attributes, the items in a post, a shopper's held-out purchases, the aesthetics vocabulary).
 * The service's ingest reads the same files and strips those fields. A prototyper who brings
 * their own catalog writes files of this shape (the ground-truth fields are optional for ingest).
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
import { Creator as DomainCreator, Post as DomainPost, Product as DomainProduct, SENSITIVE_HEALTH, ShopperRecord } from '../../src/domain/index.js';

export { AffiliateNetwork, AgeBand, ConsentEvent, ConsentPurpose, CreatorOptIns, Engagement, Merchant, SENSITIVE_HEALTH } from '../../src/domain/index.js';

/** Ground-truth attributes a product was rendered from (used for training and evaluation only). */
export const ProductAttributes = z.object({
  colour: z.string(),
  pattern: z.string(),
  category: z.string(),
  aesthetic: z.string(),
});
export type ProductAttributes = z.infer<typeof ProductAttributes>;

/** The service's product plus the attributes it was rendered from. */
export const Product = DomainProduct.extend({ attributes: ProductAttributes.optional() });
export type Product = z.infer<typeof Product>;

/** Generated creators always carry the 1-2 aesthetics they post in. */
export const Creator = DomainCreator.extend({ aesthetics: z.array(z.string()).min(1).max(2) });
export type Creator = z.infer<typeof Creator>;

/** The service's post plus the ground truth of its flat-lay. */
export const Post = DomainPost.extend({
  /** Ground truth: the attributes of the 2-4 items in the flat-lay (evaluation only). */
  items: z.array(ProductAttributes).optional(),
});
export type Post = z.infer<typeof Post>;

/** The service's shopper record plus the held-out purchases the evaluation scores against. */
export const User = ShopperRecord.extend({
  follows: z.array(z.string()).max(5),
  /** Held-out interactions: product ids this shopper would buy (evaluation ground truth only). */
  heldOut: z.array(z.string()),
});
export type User = z.infer<typeof User>;

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
  /** Fixed "now" of the world: posts and consent events lie before it (generated worlds). */
  referenceDate: z.iso.datetime().optional(),
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
