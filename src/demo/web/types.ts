/**
 * The API shapes the demo page reads, as the page sees them through `/demo-api`. They mirror the
 * service contract (issues 3 and 4); the page is a plain browser bundle, so it keeps its own copy
 * instead of importing the server's zod schemas (which would drag zod into the browser).
 */

export type Purpose = 'personalization' | 'clickTracking' | 'health';

export interface Shopper {
  id: string;
  displayName: string;
  region: string;
  ageBand: string;
  /** Present on `GET /v1/users/:id`: creator ids, or creator objects on richer servers. */
  follows?: Array<string | { id: string }>;
}

export interface CreatorPost {
  id: string;
  imageUrl: string;
  caption: string;
  postedAt?: string;
}

export interface CreatorDetail {
  id: string;
  handle: string;
  displayName: string;
  aesthetics?: string[];
  posts?: CreatorPost[];
}

export interface ProductCard {
  id: string;
  title: string;
  brand: string;
  category: string;
  price: number;
  currency: string;
  merchant: string;
  network: string;
  imageUrl: string;
}

export interface InspiredBy {
  creatorId: string;
  handle: string;
  displayName: string;
  postId: string;
  postImageUrl: string;
  caption: string;
  similarity: number;
}

export interface RecommendationItem {
  rank: number;
  score: number;
  product: ProductCard;
  inspiredBy: InspiredBy | null;
  affiliateUrl: string;
  disclosure: string;
}

export interface ConsentSummary {
  applied: string[];
  personalization: boolean;
  clickTracking: boolean;
  health: boolean;
  minor: boolean;
}

export interface Recommendations {
  userId: string;
  personalized: boolean;
  reason: string | null;
  consent: ConsentSummary;
  parameters: string;
  diversity: number;
  items: RecommendationItem[];
}

export interface ConsentState {
  current: Record<Purpose, boolean>;
  minor: boolean;
  history: unknown[];
}

export interface SearchResult {
  items: Array<Omit<RecommendationItem, 'inspiredBy'> & { inspiredBy?: InspiredBy | null }>;
}
