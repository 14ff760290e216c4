/**
 * Generates the product catalog: each product is drawn from one aesthetic's distributions and
 * listed with a merchant that sells its category group.
 */
import type { Rng } from './prng.js';
import type { Aesthetic, Product } from './schema.js';
import { AESTHETICS, brandsOf } from './aesthetics.js';
import { MERCHANTS, type MerchantDef } from './merchants.js';
import { productDescription, productTitle } from './text.js';
import { CATEGORY_BY_ID, lookup } from './vocabulary.js';

/** A product plus the seed its image is rendered from. */
export interface GeneratedProduct {
  product: Product;
  renderSeed: number;
}

/** Zero-padded ids that stay sortable for any count (p00001 … p20000). */
export function padId(prefix: string, n: number, total: number, minWidth = 5): string {
  return prefix + String(n).padStart(Math.max(minWidth, String(total).length), '0');
}

function pickMerchant(group: string, rng: Rng): MerchantDef {
  const weights: Record<string, number> = {};
  for (const m of MERCHANTS) {
    const w = m.groups[group as keyof MerchantDef['groups']];
    if (w) weights[m.id] = w;
  }
  const id = rng.weighted(weights);
  return MERCHANTS.find((m) => m.id === id)!;
}

const slug = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

function price(aesthetic: Aesthetic, factor: number, rng: Rng): number {
  const [lo, hi] = aesthetic.priceBand;
  const raw = (lo + rng.next() * (hi - lo)) * factor;
  // Retail-style endings: 24.99, 25.00, 24.95.
  return Math.max(1, Math.floor(raw)) + rng.pick([0.99, 0, 0.95, 0.5]);
}

/** Draws one product of `aesthetic`. */
function oneProduct(id: string, aesthetic: Aesthetic, rng: Rng): GeneratedProduct {
  const colour = rng.weighted(aesthetic.colours);
  const pattern = rng.weighted(aesthetic.patterns);
  const category = rng.weighted(aesthetic.categories);
  const cat = lookup(CATEGORY_BY_ID, category);
  const brand = rng.pick(brandsOf(aesthetic.id));
  const merchant = pickMerchant(cat.group, rng);
  const look = { colour, pattern, category };
  const title = productTitle(look, brand, aesthetic, rng);
  const url =
    merchant.network === 'amazon'
      ? `https://${merchant.domain}/dp/B0${id.slice(1).padStart(8, '0')}`
      : `https://${merchant.domain}/p/${slug(title)}-${id}`;
  const product: Product = {
    id,
    title,
    description: productDescription(look, aesthetic, rng),
    brand,
    category,
    ...(cat.sensitive ? { sensitive: cat.sensitive } : {}),
    price: price(aesthetic, cat.priceFactor, rng),
    currency: merchant.currency,
    merchant: merchant.id,
    url,
    network: merchant.network,
    image: `images/products/${id}.jpg`,
    attributes: { colour, pattern, category, aesthetic: aesthetic.id },
  };
  return { product, renderSeed: Math.floor(rng.next() * 4294967296) };
}

/** `count` products, spread evenly over the aesthetics (round-robin, so small worlds cover all). */
export function generateCatalog(count: number, rng: Rng): GeneratedProduct[] {
  const out: GeneratedProduct[] = [];
  for (let i = 0; i < count; i++) {
    out.push(oneProduct(padId('p', i + 1, count), AESTHETICS[i % AESTHETICS.length], rng));
  }
  return out;
}
