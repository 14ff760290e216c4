/**
 * The API shapes the demo page reads, as the page sees them through `/demo-api`: aliases into
 * `api-types.ts`, which `npm run api-types` generates from the service's OpenAPI document (itself
 * generated from the zod schemas that validate requests). Nothing here is written by hand, so the
 * page cannot drift from the API.
 */
import type { paths } from './api-types.js';

type Json<R> = R extends { content: { 'application/json': infer T } } ? T : never;
/** The 200 body of `method path`. */
type Ok<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends { responses: { 200: infer R } } ? Json<R> : never;

export type Shopper = Ok<'/v1/users/{id}', 'get'>;
export type ShopperList = Ok<'/v1/users', 'get'>;
export type CreatorDetail = Ok<'/v1/creators/{id}', 'get'>;
export type CreatorPost = NonNullable<CreatorDetail['posts']>[number];
export type Recommendations = Ok<'/v1/users/{id}/recommendations', 'get'>;
export type RecommendationItem = Recommendations['items'][number];
export type ProductCard = RecommendationItem['product'];
export type InspiredBy = NonNullable<RecommendationItem['inspiredBy']>;
export type ConsentSummary = Recommendations['consent'];
export type ConsentState = Ok<'/v1/users/{id}/consents', 'get'>;
export type Purpose = keyof ConsentState['current'];
export type SearchResult = Ok<'/v1/search', 'post'>;
export type SearchItem = SearchResult['items'][number];
