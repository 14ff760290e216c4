/**
 * Turns stored entities into the response shapes. New objects every time: read paths never hand
 * out (or strip fields from) what the store or catalog hold.
 */
import type { Creator, Post, Product, Shopper } from '../domain/index.js';
import type { InspiredBy, ProductView, ShopperView } from './schemas.js';

export const productImageUrl = (id: string) => `/media/products/${encodeURIComponent(id)}`;
export const postImageUrl = (id: string) => `/media/posts/${encodeURIComponent(id)}`;

/** Rounds scores so responses are stable and readable; ranking uses full precision. */
export const round4 = (x: number) => Math.round(x * 10_000) / 10_000;

export function productView(p: Product): ProductView {
  return {
    id: p.id,
    title: p.title,
    brand: p.brand,
    category: p.category,
    price: p.price,
    currency: p.currency,
    merchant: p.merchant,
    network: p.network,
    ...(p.colour !== undefined ? { colour: p.colour } : {}),
    imageUrl: productImageUrl(p.id),
  };
}

export function shopperSummary(user: Shopper): Omit<ShopperView, 'follows'> {
  return { id: user.id, displayName: user.displayName, region: user.region, ageBand: user.ageBand, demo: user.demo === true };
}

export function shopperView(user: Shopper, follows: string[]): ShopperView {
  return { ...shopperSummary(user), follows };
}

export function inspiredByView(creator: Creator, post: Post, similarity: number): InspiredBy {
  return {
    creatorId: creator.id,
    handle: creator.handle,
    displayName: creator.displayName,
    postId: post.id,
    postImageUrl: postImageUrl(post.id),
    caption: post.caption,
    similarity: round4(similarity),
  };
}
