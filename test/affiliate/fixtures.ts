/** Small hand-written merchants, products and creators shared by the affiliate tests. */
import type { Creator, Merchant, Product } from '../../src/domain/index.js';

export const SECRET = 'test-link-secret-0123456789';

export const merchants: Merchant[] = [
  { id: 'm-amz', name: 'Amazon UK', network: 'amazon', settings: { tag: 'ourstore', marketplace: 'co.uk' } },
  { id: 'm-imp', name: 'Impact shop', network: 'impact', settings: { trackingDomain: 'shop.sjv.io', mediaPartnerId: '111', adId: '222', campaignId: '333' } },
  { id: 'm-rak', name: 'Rakuten shop', network: 'rakuten', settings: { siteId: 'PUB1', mid: '4242' } },
  { id: 'm-cj', name: 'CJ shop', network: 'cj', settings: { pid: '555', aid: '666' } },
  { id: 'm-utm', name: 'Boutique', network: 'utm', settings: { subIdParam: 'ref' } },
];

export function product(id: string, merchant: string, url: string, extra: Partial<Product> = {}): Product {
  const network = merchants.find((m) => m.id === merchant)?.network ?? 'utm';
  return {
    id, title: `Item ${id}`, description: '', brand: 'Brand', category: 'dress', price: 50, currency: 'EUR',
    merchant, url, network, image: `images/products/${id}.jpg`, ...extra,
  };
}

export function creator(id: string, optIns: Creator['optIns']): Creator {
  return { id, handle: `@${id}.style`, displayName: `Creator ${id}`, aesthetics: ['coastal'], optIns };
}
