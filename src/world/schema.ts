/**
 * The on-disk shape of a "world": a catalog, creators with posts, and shoppers.
 *
 * This is the contract between the world generator (`npm run fixtures`), the model's
 * training script (which reads a generated world), the ingest pipeline and the offline
 * evaluation. A prototyper who brings their own catalog writes files of this shape.
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

export const SENSITIVE_HEALTH = 'health' as const;

/** Ground-truth attributes a product was rendered from (used for training and evaluation only). */
export const ProductAttributes = z.object({
  colour: z.string(),
  pattern: z.string(),
  category: z.string(),
  aesthetic: z.string(),
});
export type ProductAttributes = z.infer<typeof ProductAttributes>;

export const AffiliateNetwork = z.enum(['amazon', 'impact', 'rakuten', 'cj', 'utm']);
export type AffiliateNetwork = z.infer<typeof AffiliateNetwork>;

export const Product = z.object({
  id: z.string().min(1),
  title: z.string().min(1),
  description: z.string(),
  brand: z.string(),
  category: z.string().min(1),
  /** Present only for special-category items (GDPR Art. 9): currently only "health". */
  sensitive: z.literal(SENSITIVE_HEALTH).optional(),
  price: z.number().nonnegative(),
  currency: z.string().length(3),
  merchant: z.string().min(1),
  url: z.url(),
  network: AffiliateNetwork,
  /** Path relative to the world folder, a data: URL, or an allowlisted http(s) URL. */
  image: z.string().min(1),
  attributes: ProductAttributes.optional(),
});
export type Product = z.infer<typeof Product>;

/** Per-merchant affiliate programme settings, consumed by the affiliate link builders. */
export const Merchant = z.object({
  id: z.string().min(1),
  name: z.string(),
  network: AffiliateNetwork,
  /** Network-specific settings, e.g. { tag: "ourstore", marketplace: "com" } for Amazon. */
  settings: z.record(z.string(), z.string()),
});
export type Merchant = z.infer<typeof Merchant>;

export const CreatorOptIns = z.object({
  /** My posts may be used to profile my followers' taste. */
  styleSource: z.boolean(),
  /** I may be credited and paid for the purchases my posts inspire. */
  affiliate: z.boolean(),
});

export const Creator = z.object({
  id: z.string().min(1),
  handle: z.string().min(1),
  displayName: z.string(),
  aesthetics: z.array(z.string()).min(1).max(2),
  optIns: CreatorOptIns,
});
export type Creator = z.infer<typeof Creator>;

export const Engagement = z.object({
  likes: z.number().int().nonnegative(),
  comments: z.number().int().nonnegative(),
  saves: z.number().int().nonnegative(),
});

export const Post = z.object({
  id: z.string().min(1),
  creatorId: z.string().min(1),
  image: z.string().min(1),
  caption: z.string(),
  postedAt: z.iso.datetime(),
  engagement: Engagement,
  /** Ground truth: the attributes of the 2-4 items in the flat-lay (evaluation only). */
  items: z.array(ProductAttributes).optional(),
  /** Set when the post is about a health & wellness item. */
  sensitive: z.literal(SENSITIVE_HEALTH).optional(),
});
export type Post = z.infer<typeof Post>;

export const ConsentPurpose = z.enum(['personalization', 'clickTracking', 'health']);
export type ConsentPurpose = z.infer<typeof ConsentPurpose>;

export const ConsentEvent = z.object({
  purpose: ConsentPurpose,
  granted: z.boolean(),
  at: z.iso.datetime(),
  source: z.string(),
  policyVersion: z.string(),
});
export type ConsentEvent = z.infer<typeof ConsentEvent>;

export const AgeBand = z.enum(['under13', '13-15', '16-17', '18-24', '25-34', '35-44', '45-54', '55+']);
export type AgeBand = z.infer<typeof AgeBand>;

export const User = z.object({
  id: z.string().min(1),
  displayName: z.string(),
  /** ISO 3166-1 alpha-2 country code, e.g. "DE", "US". */
  region: z.string().length(2),
  ageBand: AgeBand,
  follows: z.array(z.string()).max(5),
  consents: z.array(ConsentEvent),
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
