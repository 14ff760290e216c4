/**
 * The shapes the core accepts and returns, as zod schemas: the HTTP layer validates with them and
 * generates `/openapi.json` from them, so the documented API cannot drift from the code.
 */
import { z } from 'zod';
import { AffiliateNetwork, ConsentPurpose } from '../world/schema.js';

export const MAX_LIMIT = 100;

/** Catalog filters shared by recommendations and search. */
export const ProductFilters = z
  .object({
    category: z.string().min(1).optional().describe('Only this category, e.g. "dress".'),
    minPrice: z.coerce.number().nonnegative().optional().describe('Lowest price, inclusive.'),
    maxPrice: z.coerce.number().nonnegative().optional().describe('Highest price, inclusive.'),
    merchant: z.string().min(1).optional().describe('Only this merchant id.'),
  })
  .refine((f) => f.minPrice === undefined || f.maxPrice === undefined || f.minPrice <= f.maxPrice, {
    message: 'minPrice must not exceed maxPrice',
    path: ['minPrice'],
  });
export type ProductFilters = z.infer<typeof ProductFilters>;

const limit = z.coerce.number().int().min(1).max(MAX_LIMIT).default(20).describe(`How many items (1-${MAX_LIMIT}).`);

export const RecommendQuery = z
  .object({
    limit,
    category: z.string().min(1).optional(),
    minPrice: z.coerce.number().nonnegative().optional(),
    maxPrice: z.coerce.number().nonnegative().optional(),
    merchant: z.string().min(1).optional(),
    diversity: z.coerce
      .number()
      .min(0)
      .max(1)
      .default(0.3)
      .describe('0 = pure relevance; higher trades relevance for variety (MMR, lambda = 1 - diversity).'),
  })
  .refine((f) => f.minPrice === undefined || f.maxPrice === undefined || f.minPrice <= f.maxPrice, {
    message: 'minPrice must not exceed maxPrice',
    path: ['minPrice'],
  });
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

export const ConsentSummary = z.object({
  applied: z.array(ConsentPurpose),
  personalization: z.boolean(),
  clickTracking: z.boolean(),
  health: z.boolean(),
  minor: z.boolean(),
});

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
    text: z.string().trim().min(1).max(500).optional().describe('What to look for, e.g. "boho summer dress".'),
    image: z
      .string()
      .min(1)
      .optional()
      .describe('A data: URL, a path relative to the world folder, or an http(s) URL on ALLOWED_IMAGE_HOSTS.'),
    limit,
    filters: ProductFilters.optional(),
  })
  .refine((b) => b.text !== undefined || b.image !== undefined, { message: 'give text, image or both', path: ['text'] });
export type SearchRequest = z.infer<typeof SearchRequest>;

export const SearchItem = RecommendationItem.omit({ inspiredBy: true });
export const SearchResponse = z.object({ items: z.array(SearchItem) });
export type SearchResponse = z.infer<typeof SearchResponse>;

export const SimilarQuery = z.object({ limit });
