/** Small valid world entities for store/ingest tests. */
import type { Creator, Post, Product } from '../../src/domain/index.js';

export function product(id: string, over: Partial<Product> = {}): Product {
  return {
    id, title: `Linen dress ${id}`, description: 'A breezy linen dress', brand: 'Acme', category: 'dress',
    price: 59, currency: 'EUR', merchant: 'm-test', url: `https://shop.example/${id}`, network: 'utm',
    image: `images/products/${id}.png`, ...over,
  };
}

export function creator(id: string, over: Partial<Creator> = {}): Creator {
  return { id, handle: `@${id}`, displayName: `Creator ${id}`, aesthetics: ['coastal'], optIns: { styleSource: true, affiliate: true }, ...over };
}

export function post(id: string, creatorId: string, over: Partial<Post> = {}): Post {
  return {
    id, creatorId, image: `images/posts/${id}.png`, caption: `Sunday look ${id}`, postedAt: '2026-01-10T10:00:00Z',
    engagement: { likes: 10, comments: 1, saves: 2 }, ...over,
  };
}
