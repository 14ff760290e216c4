/**
 * The shapes the core accepts and returns, as zod schemas: the HTTP layer validates with them and
 * generates `/openapi.json` from them, and the demo page's types are inferred from them, so the
 * documented API, the code and the page cannot drift apart.
 */
import { z } from 'zod';
import { ConsentDecision, PurposeFlags } from '../consent/decision.js';
import {
  AffiliateNetwork, AgeBand, Click, ConsentEvent, Creator, CreatorOptIns, Id, ImageRef, Post, TEXT_LIMITS as L, line, text,
} from '../domain/index.js';
import type { ProductFilters as RetrieveFilters } from '../retrieve/filters.js';

export const MAX_LIMIT = 100;

/** Catalog filters shared by recommendations, search and similar. */
const filterFields = {
  category: line(L.category).min(1).optional().describe('Only this category, e.g. "dress".'),
  minPrice: z.coerce.number().nonnegative().optional().describe('Lowest price, inclusive.'),
  maxPrice: z.coerce.number().nonnegative().optional().describe('Highest price, inclusive.'),
  merchant: Id.optional().describe('Only this merchant id.'),
};
const priceOrder = [
  (f: { minPrice?: number; maxPrice?: number }) => f.minPrice === undefined || f.maxPrice === undefined || f.minPrice <= f.maxPrice,
  { message: 'minPrice must not exceed maxPrice', path: ['minPrice'] as PropertyKey[] },
] as const;

export const ProductFilters = z.object(filterFields).refine(...priceOrder);
export type ProductFilters = z.infer<typeof ProductFilters> & RetrieveFilters;

/** Search and similar may name a shopper: their consent decision then applies exactly as for recommendations. */
const shopperId = Id.optional().describe(
  "A shopper whose consent decision applies (health items only with their health consent, their link pseudonym only with click tracking; minors never). Without it, health items are left out and links carry no reference.",
);

const limit = z.coerce.number().int().min(1).max(MAX_LIMIT).default(20).describe(`How many items (1-${MAX_LIMIT}).`);

export const RecommendQuery = z
  .object({
    limit,
    ...filterFields,
    diversity: z.coerce
      .number()
      .min(0)
      .max(1)
      .default(0.3)
      .describe('0 = pure relevance; higher trades relevance for variety (MMR, lambda = 1 - diversity).'),
  })
  .refine(...priceOrder);
export type RecommendQuery = z.infer<typeof RecommendQuery>;

export const ProductView = z.object({
  id: z.string(),
  title: z.string(),
  brand: z.string(),
  category: z.string(),
  price: z.number(),
  currency: z.string(),
  merchant: z.string(),
  network: AffiliateNetwork,
  imageUrl: z.string().describe('Served by GET /media/products/:id.'),
});
export type ProductView = z.infer<typeof ProductView>;

export const InspiredBy = z.object({
  creatorId: z.string(),
  handle: z.string(),
  displayName: z.string(),
  postId: z.string(),
  postImageUrl: z.string(),
  caption: z.string(),
  similarity: z.number().describe('Cosine similarity between the product and this post.'),
});
export type InspiredBy = z.infer<typeof InspiredBy>;

/** The decision a list was made under (its `reason` is the response's own field). */
export const ConsentSummary = ConsentDecision.omit({ reason: true });

export const RecommendationItem = z.object({
  rank: z.number().int(),
  score: z.number().describe('Cosine similarity to the closest followed-creator interest (popularity share when not personalised).'),
  product: ProductView,
  inspiredBy: InspiredBy.nullable(),
  affiliateUrl: z.string().describe('Always /r/<signed token>; the server builds the merchant URL.'),
  disclosure: z.string(),
});
export type RecommendationItem = z.infer<typeof RecommendationItem>;

export const RecommendationResponse = z.object({
  userId: z.string(),
  personalized: z.boolean(),
  reason: z.string().nullable(),
  consent: ConsentSummary,
  parameters: z.string().describe('Plain-language main ranking parameters (EU DSA Art. 27).'),
  diversity: z.number(),
  items: z.array(RecommendationItem),
});
export type RecommendationResponse = z.infer<typeof RecommendationResponse>;

export const SearchRequest = z
  .object({
    text: text(L.searchText).trim().min(1).optional().describe('What to look for, e.g. "boho summer dress".'),
    image: ImageRef.optional(),
    limit,
    filters: ProductFilters.optional(),
    userId: shopperId,
  })
  .refine((b) => b.text !== undefined || b.image !== undefined, { message: 'give text, image or both', path: ['text'] });
export type SearchRequest = z.infer<typeof SearchRequest>;

export const SearchItem = RecommendationItem.omit({ inspiredBy: true });
export const SearchResponse = z.object({
  userId: z.string().nullable().describe('The shopper whose consent decision was applied; null when none was named.'),
  consent: ConsentSummary.nullable().describe('The decision applied for that shopper (null without one: nobody\'s data or choices are used).'),
  reason: z.string().nullable().describe('Why health & wellness items are left out of this list; null when they may appear.'),
  parameters: z.string().describe('Plain-language main ranking parameters (EU DSA Art. 27).'),
  items: z.array(SearchItem),
});
export type SearchResponse = z.infer<typeof SearchResponse>;

export const SimilarQuery = z.object({ limit, userId: shopperId });

export const ProductDetail = ProductView.extend({
  description: z.string(),
  url: z.string(),
  health: z.boolean().describe('A health & wellness item: its category is a health category of the taxonomy.'),
});
export type ProductDetail = z.infer<typeof ProductDetail>;

export const PostView = Post.pick({ id: true, caption: true, postedAt: true, engagement: true }).extend({ imageUrl: z.string() });
export const CreatorView = Creator.extend({ posts: z.array(PostView).optional().describe("The creator's most recent posts.") });
export type CreatorView = z.infer<typeof CreatorView>;

export const ShopperView = z.object({
  id: z.string(),
  displayName: z.string(),
  region: z.string(),
  ageBand: AgeBand,
  demo: z.boolean().describe('A demo persona (loaded from the world folder): the only shoppers the demo page can reach. Not settable through the API.'),
  follows: z.array(z.string()),
});
export type ShopperView = z.infer<typeof ShopperView>;
export const ShopperSummary = ShopperView.omit({ follows: true });

export const ErasureView = z.object({ userId: z.string(), erased: z.literal(true), retained: z.string() });
export type ErasureView = z.infer<typeof ErasureView>;

export const ClickGroupBy = z.enum(['creator', 'product', 'network']);
export const ClickReport = z.object({
  groupBy: ClickGroupBy,
  from: z.string().nullable(),
  to: z.string().nullable(),
  total: z.number().int(),
  rows: z.array(z.object({ key: z.string(), clicks: z.number().int() })),
});
export type ClickReport = z.infer<typeof ClickReport>;

export const Health = z.object({
  status: z.literal('ok'),
  model: z.object({ id: z.string(), dimension: z.number().int() }),
  index: z.object({ products: z.number().int() }),
  counts: z.object({ products: z.number().int(), creators: z.number().int(), posts: z.number().int(), users: z.number().int() }),
});
export type Health = z.infer<typeof Health>;

/** Identifies the export document's format, so a receiving service can recognise and version it. */
export const SHOPPER_EXPORT_FORMAT = 'creator-style-recommender/shopper-export' as const;

/**
 * Everything the service holds about one shopper (GDPR Art. 15 right of access, Art. 20 portability),
 * as one JSON document. Nothing about any other shopper is in it: clicks are theirs by their link
 * pseudonym, and creators and posts are shown only as far as they shape this shopper's profile.
 */
export const ShopperExport = z.object({
  format: z.literal(SHOPPER_EXPORT_FORMAT),
  version: z.literal(1),
  exportedAt: z.string().describe('When this export was made (ISO-8601 UTC).'),
  shopper: ShopperSummary.describe('The profile as stored.'),
  follows: z
    .array(z.object({ creatorId: z.string(), handle: z.string(), displayName: z.string(), optIns: CreatorOptIns }))
    .describe('The creators the shopper follows, in their order, with whether each allows use as a style source and affiliate credit.'),
  consent: z
    .object({ current: PurposeFlags, minor: z.boolean(), decision: ConsentDecision, history: z.array(ConsentEvent) })
    .describe('The full consent ledger (every event, with its source and policy version), the choices it adds up to, and the decision the service applies today.'),
  linkPseudonym: z
    .string()
    .nullable()
    .describe('The random pseudonym the shopper\'s links and clicks are linked under when click tracking applies (never their id); null if none.'),
  clicks: z
    .array(Click.omit({ userRef: true }))
    .describe('Every affiliate click linked to the shopper (through their link pseudonym), oldest first.'),
  profile: z
    .object({
      personalized: z.boolean().describe('Whether the service builds a taste profile of the shopper today.'),
      reason: z.string().nullable().describe('Why not, when it does not.'),
      creators: z.array(z.object({ creatorId: z.string(), handle: z.string(), posts: z.number().int(), weight: z.number() })),
      posts: z.array(z.object({ postId: z.string(), creatorId: z.string(), caption: z.string(), postedAt: z.string(), health: z.boolean(), weight: z.number() })),
    })
    .describe('The creators and posts that shape the shopper\'s recommendations today, with their weights (recency x engagement).'),
  feedback: z
    .array(z.never())
    .describe('Feedback the shopper gave. The service collects none yet, so this is always empty; any feedback it collects later is listed here.'),
  processing: z
    .object({ purposes: z.record(z.string(), z.string()), recipients: z.string(), retention: z.string(), source: z.string() })
    .describe('What the data is used for, who receives any of it, how long it is kept and where it came from (Art. 15(1)).'),
});
export type ShopperExport = z.infer<typeof ShopperExport>;
