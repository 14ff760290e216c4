/**
 * The world's merchants: a handful of fictional shops, each on exactly one affiliate network,
 * with plausible per-network settings for the affiliate link builders. All hosts use the reserved
 * `.test` TLD so nothing can ever resolve.
 */
import type { Merchant } from './schema.js';
import type { CategoryGroup } from './vocabulary.js';

/** A merchant plus what the generator needs to list products with it. */
export interface MerchantDef extends Merchant {
  /** Host of the merchant's product pages. */
  domain: string;
  currency: 'USD' | 'EUR' | 'GBP';
  /** Relative preference per category group; absent groups are not sold. */
  groups: Partial<Record<CategoryGroup, number>>;
}

const FASHION = { apparel: 3, shoes: 2, bags: 2, accessories: 2 } as const;

export const MERCHANTS: readonly MerchantDef[] = [
  {
    id: 'm-amazon', name: 'Amazon (test marketplace)', network: 'amazon', domain: 'www.amazon.test', currency: 'USD',
    settings: { tag: 'creatorstyle-20', marketplace: 'com', domain: 'www.amazon.test' },
    groups: { apparel: 1, shoes: 1, bags: 1, accessories: 1, home: 2, health: 2 },
  },
  {
    id: 'm-northwind', name: 'Northwind Apparel', network: 'impact', domain: 'shop.northwind-apparel.test', currency: 'USD',
    settings: { campaignId: '14210', mediaPartnerId: '3381927', adId: '1192837', trackingDomain: 'northwind-apparel.sjv.test' },
    groups: FASHION,
  },
  {
    id: 'm-maison', name: 'Maison Lumière', network: 'rakuten', domain: 'www.maison-lumiere.test', currency: 'EUR',
    settings: { siteId: 'Xk9cR2mQ7vA', mid: '43817', trackingDomain: 'click.linksynergy.test' },
    groups: { ...FASHION, home: 1 },
  },
  {
    id: 'm-urbanthread', name: 'Urban Thread', network: 'cj', domain: 'www.urbanthread.test', currency: 'USD',
    settings: { pid: '9012345', aid: '13579246', trackingDomain: 'www.anrdoezrs.test' },
    groups: FASHION,
  },
  {
    id: 'm-hearth', name: 'Hearth & Home Goods', network: 'utm', domain: 'www.hearth-home.test', currency: 'GBP',
    settings: { source: 'creatorstyle', medium: 'affiliate', campaign: 'creator-recs', subIdParam: 'sub_id' },
    groups: { home: 6, accessories: 1 },
  },
  {
    id: 'm-pulse', name: 'Pulse Wellness', network: 'impact', domain: 'shop.pulse-wellness.test', currency: 'USD',
    settings: { campaignId: '18820', mediaPartnerId: '3381927', adId: '1200441', trackingDomain: 'pulse-wellness.sjv.test' },
    groups: { health: 6, shoes: 0.5 },
  },
  {
    id: 'm-velvet', name: 'Velvet Lane', network: 'rakuten', domain: 'www.velvet-lane.test', currency: 'GBP',
    settings: { siteId: 'Pq4LmZ8tW1e', mid: '51264', trackingDomain: 'click.linksynergy.test' },
    groups: FASHION,
  },
  {
    id: 'm-kickstand', name: 'Kickstand', network: 'cj', domain: 'www.kickstand.test', currency: 'USD',
    settings: { pid: '9012345', aid: '14820377', trackingDomain: 'www.anrdoezrs.test' },
    groups: { shoes: 6, bags: 1 },
  },
  {
    id: 'm-atelier', name: 'Atelier Nord', network: 'utm', domain: 'www.atelier-nord.test', currency: 'EUR',
    settings: { source: 'creatorstyle', medium: 'affiliate', campaign: 'creator-recs', subIdParam: 'subid' },
    groups: { ...FASHION, home: 1 },
  },
];

/** The public merchant record (as written to merchants.json): the world-format fields only. */
export function toMerchant(def: MerchantDef): Merchant {
  return { id: def.id, name: def.name, network: def.network, settings: { ...def.settings, domain: def.domain, currency: def.currency } };
}
