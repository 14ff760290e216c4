/**
 * The shapes the core accepts and returns, as zod schemas: the HTTP layer validates with them and
 * generates `/openapi.json` from them, and the demo page's types are inferred from them, so the
 * documented API, the code and the page cannot drift apart.
 */
import { z } from 'zod';
import { ConsentDecision, PurposeFlags } from '../consent/decision.js';
import {
  AffiliateNetwork, AgeBand, Click, ConsentEvent, Creator, CreatorOptIns, FeedbackInput, FeedbackType, Id, ImageRef, Post, TEXT_LIMITS as L, line, text,
} from '../domain/index.js';
import type { ProductFilters as RetrieveFilters } from '../retrieve/filters.js';

export const MAX_LIMIT = 100;

/**
 * A multi-valued filter: "dress,skirt" (comma-separated), a repeated query parameter, or a JSON
 * array; values are trimmed, de-duplicated and matched case-insensitively.
 */
const multi = (description: string) =>
  z
    .union([z.string().max(2000), z.array(z.string().max(200)).max(50)])
    .transform((v) => [...new Set((Array.isArray(v) ? v : [v]).flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean))])
    .pipe(z.array(z.string()).min(1, { error: 'give at least one value' }).max(50))
    .optional()
    .describe(description);

/** Catalog filters shared by recommendations, search, similar and the catalog listing. */
const filterFields = {
  category: multi('Only these categories, e.g. "dress,skirt".'),
  brand: multi('Only these brands, e.g. "Saltline,Blocklab".'),
  colour: multi('Only these colours, e.g. "navy,white" (products without a colour never match).'),
  merchant: multi('Only these merchant ids.'),
  minPrice: z.coerce.number().nonnegative().optional().describe('Lowest price, inclusive, in `currency`.'),
  maxPrice: z.coerce.number().nonnegative().optional().describe('Highest price, inclusive, in `currency`.'),
  currency: z
    .string()
    .regex(/^[A-Za-z]{3}$/, { error: 'an ISO 4217 code, e.g. "EUR"' })
    .transform((c) => c.toUpperCase())
    .optional()
    .describe("The currency of minPrice/maxPrice (default: the rate table's base); prices in other currencies are converted with CURRENCY_RATES."),
};
const priceOrder = [
  (f: { minPrice?: number; maxPrice?: number }) => f.minPrice === undefined || f.maxPrice === undefined || f.minPrice <= f.maxPrice,
  { message: 'minPrice must not exceed maxPrice', path: ['minPrice'] as PropertyKey[] },
] as const;

export const ProductFilters = z.object(filterFields).refine(...priceOrder);
export type ProductFilters = z.infer<typeof ProductFilters>;
// The core's filters are the retrieve stage's filters: a compile-time check that they stay one shape.
const _sameShape: RetrieveFilters = {} as ProductFilters;
void _sameShape;

/** Shown with every price-filtered list: what the prices were compared in, and the rates' date. */
export const PriceFilterInfo = z
  .object({ currency: z.string(), ratesDate: z.string().describe('The date of the CURRENCY_RATES used to convert prices.') })
  .nullable()
  .describe('Set when minPrice or maxPrice was given; null otherwise.');
export type PriceFilterInfo = z.infer<typeof PriceFilterInfo>;

/** Search and similar may name a shopper: their consent decision then applies exactly as for recommendations. */
const shopperId = Id.optional().describe(
  "A shopper whose consent decision applies (health items only with their health consent, their link pseudonym only with click tracking; minors never). Without it, health items are left out and links carry no reference.",
);

const limit = z.coerce.number().int().min(1).max(MAX_LIMIT).default(20).describe(`How many items (1-${MAX_LIMIT}).`);

export const MAX_EXCLUDE = 500;
export const DEFAULT_GROUP_CAP = 2;

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
    exclude: z
      .union([z.string().max(20_000), z.array(z.string().max(200)).max(MAX_EXCLUDE)])
      .transform((v) => [...new Set((Array.isArray(v) ? v : [v]).flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean))])
      .pipe(z.array(z.string()).max(MAX_EXCLUDE))
      .optional()
      .describe(`Product ids never to return, comma-separated (e.g. what is already in the cart); up to ${MAX_EXCLUDE}.`),
    groupBy: z.enum(['creator', 'brand']).optional().describe('Cap how many items share the inspiring creator or the brand (see groupCap).'),
    // Optional rather than defaulted, so in-process callers (eval, bench) may leave it out; the core applies DEFAULT_GROUP_CAP.
    groupCap: z.coerce.number().int().min(1).max(MAX_LIMIT).optional().describe('With groupBy: at most this many items per creator or brand (default 2).'),
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
  colour: z.string().optional(),
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
  score: z
    .number()
    .describe('Cosine similarity to the closest interest, lowered for look-alikes of items marked "not interested" (popularity share when not personalised).'),
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
  priceFilter: PriceFilterInfo,
  items: z.array(RecommendationItem),
});
export type RecommendationResponse = z.infer<typeof RecommendationResponse>;

/** A product or a post used as an example in a steered search. */
export const ExampleRef = z
  .strictObject({ productId: Id.optional(), postId: Id.optional() })
  .refine((e) => (e.productId === undefined) !== (e.postId === undefined), { message: 'give exactly one of productId, postId' });
export type ExampleRef = z.infer<typeof ExampleRef>;
export const MAX_EXAMPLES = 20;

export const SearchRequest = z
  .object({
    text: text(L.searchText).trim().min(1).optional().describe('What to look for, e.g. "boho summer dress".'),
    terms: z
      .record(z.string().trim().min(1).max(200), z.number().min(-10).max(10))
      .refine((t) => Object.keys(t).length >= 1 && Object.keys(t).length <= 10, { message: 'give 1-10 terms' })
      .refine((t) => Object.values(t).some((w) => w !== 0), { message: 'at least one weight must be non-zero' })
      .optional()
      .describe('Weighted terms: {"red floral dress": 1, "ruffles": -0.5}; negative weights steer away (the query is the weighted sum of the terms\' vectors).'),
    image: ImageRef.optional(),
    positive: z.array(ExampleRef).max(MAX_EXAMPLES).optional().describe('More like these products or posts.'),
    negative: z.array(ExampleRef).max(MAX_EXAMPLES).optional().describe('Less like these products or posts.'),
    strategy: z
      .enum(['average_vector', 'best_score'])
      .optional()
      .describe(
        'How examples combine, as in Qdrant\'s recommend API (default average_vector). average_vector: one query, avg(positive) + (avg(positive) - avg(negative)). best_score: each candidate scores by its closest example; closer to a negative than to any positive ranks below every candidate that is not.',
      ),
    limit,
    filters: ProductFilters.optional(),
    userId: shopperId,
  })
  .refine((b) => b.text !== undefined || b.image !== undefined || b.terms !== undefined || (b.positive?.length ?? 0) > 0, {
    message: 'give text, terms, image or positive examples',
    path: ['text'],
  });
export type SearchRequest = z.infer<typeof SearchRequest>;

export const SearchItem = RecommendationItem.omit({ inspiredBy: true });
export const SearchResponse = z.object({
  userId: z.string().nullable().describe('The shopper whose consent decision was applied; null when none was named.'),
  consent: ConsentSummary.nullable().describe('The decision applied for that shopper (null without one: nobody\'s data or choices are used).'),
  reason: z.string().nullable().describe('Why health & wellness items are left out of this list; null when they may appear.'),
  parameters: z.string().describe('Plain-language main ranking parameters (EU DSA Art. 27).'),
  priceFilter: PriceFilterInfo,
  items: z.array(SearchItem),
});
export type SearchResponse = z.infer<typeof SearchResponse>;

export const SimilarQuery = z.object({ limit, userId: shopperId, ...filterFields }).refine(...priceOrder);

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

/** Paging of every list: `limit` items after the opaque `cursor` (the `next` of the previous page). */
export const MAX_PAGE = 1000;
export const pageFields = {
  limit: z.coerce.number().int().min(1).max(MAX_PAGE).default(100).describe(`Items per page (1-${MAX_PAGE}).`),
  cursor: z.string().min(1).max(1000).optional().describe('The `next` value of the previous page; omit for the first page.'),
};
export const PageQuery = z.object(pageFields);
export type PageQuery = z.infer<typeof PageQuery>;
export const nextCursor = z.string().nullable().describe('Pass as `cursor` to get the next page; null on the last page.');
export const pageOf = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), next: nextCursor });

/** What a click report's rows are keyed by; `day` is the UTC calendar day of the click. */
export const ClickDimension = z.enum(['creator', 'product', 'merchant', 'network', 'day']);
export const ClickGroupBy = z
  .enum(['creator', 'product', 'merchant', 'network', 'day', 'creator,day', 'product,day', 'merchant,day', 'network,day'])
  .describe('Row key: creator code, product id, merchant id, network or UTC day (YYYY-MM-DD); "<key>,day" splits each key by UTC day.');
export type ClickGroupBy = z.infer<typeof ClickGroupBy>;
/** A creator as the admin-only code mapping shows them. */
export const CreatorRef = z.object({ id: z.string(), handle: z.string(), displayName: z.string() });
export const ClickReportRow = z.object({
  key: z.string().describe('The creator code ("(none)": credited nobody), product id, merchant id, network, or UTC day for groupBy=day.'),
  day: z.string().nullable().describe('The UTC calendar day (YYYY-MM-DD) with groupBy "<key>,day"; null otherwise.'),
  clicks: z.number().int(),
  credited: z.number().int().describe('Clicks that credited a creator.'),
  uncredited: z.number().int().describe('Clicks that credited nobody (no creator, or one not opted in to affiliate credit).'),
  products: z.number().int().describe('Distinct products clicked.'),
  creator: CreatorRef.nullable().optional().describe('Only with reveal=creator (admin scope): who the code belongs to; null for "(none)" and for codes of removed creators (a code is retired with its creator).'),
});
export type ClickReportRow = z.infer<typeof ClickReportRow>;
export const ClickReport = z.object({
  groupBy: ClickGroupBy,
  from: z.string().nullable(),
  to: z.string().nullable(),
  total: z.number().int().describe('Clicks over the whole range (every page).'),
  credited: z.number().int().describe('Clicks over the whole range that credited a creator.'),
  rows: z.array(ClickReportRow),
  next: nextCursor,
});
export type ClickReport = z.infer<typeof ClickReport>;
export const CreatorCode = z.object({ code: z.string(), creator: CreatorRef });
export const CreatorCodeList = pageOf(CreatorCode);

export const Health = z.object({
  status: z.literal('ok'),
  model: z.object({ id: z.string(), dimension: z.number().int() }),
  index: z.object({ products: z.number().int() }),
  counts: z.object({ products: z.number().int(), creators: z.number().int(), posts: z.number().int(), users: z.number().int() }),
});
export type Health = z.infer<typeof Health>;

/** Feedback events as a client sends them (`POST /v1/users/:id/events`): the server stamps the time. */
export const MAX_FEEDBACK_BATCH = 500;
export const FeedbackBody = z.strictObject({
  events: z.array(FeedbackInput).min(1).max(MAX_FEEDBACK_BATCH).describe(`1-${MAX_FEEDBACK_BATCH} events, each on a product or a post.`),
});

export const FeedbackOutcome = z.object({
  index: z.number().int().describe('Position of the event in the request.'),
  outcome: z.enum(['recorded', 'ignored', 'rejected']).describe('recorded; ignored because consent does not allow keeping it; rejected (unknown product or post).'),
  id: z.string().optional().describe('The stored event id (recorded events only).'),
  code: z.string().optional(),
  message: z.string().optional(),
});

export const FeedbackResult = z.object({
  userId: z.string(),
  recorded: z.number().int(),
  ignored: z.number().int(),
  rejected: z.number().int(),
  reason: z.string().nullable().describe('Why nothing was recorded (no personalization consent, or a minor); null otherwise.'),
  results: z.array(FeedbackOutcome),
});
export type FeedbackResult = z.infer<typeof FeedbackResult>;

export const FeedbackView = z.object({
  id: z.string(),
  type: FeedbackType,
  productId: z.string().optional(),
  postId: z.string().optional(),
  at: z.string().describe('Server time the event was recorded.'),
});

export const FeedbackList = pageOf(FeedbackView);
export type FeedbackList = z.infer<typeof FeedbackList>;

export const ProductListQuery = z.object({ ...pageFields, ...filterFields }).refine(...priceOrder);
export type ProductListQuery = z.infer<typeof ProductListQuery>;
export const ProductList = pageOf(ProductView).extend({ priceFilter: PriceFilterInfo });
export type ProductList = z.infer<typeof ProductList>;
export const ShopperList = pageOf(ShopperSummary);
export const CreatorList = pageOf(Creator);
export const PostList = pageOf(PostView);

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
    .array(FeedbackView)
    .describe('Every feedback event the shopper sent that is kept (only under personalization), oldest first, with the server time it was recorded.'),
  processing: z
    .object({ purposes: z.record(z.string(), z.string()), recipients: z.string(), retention: z.string(), source: z.string() })
    .describe('What the data is used for, who receives any of it, how long it is kept and where it came from (Art. 15(1)).'),
});
export type ShopperExport = z.infer<typeof ShopperExport>;
