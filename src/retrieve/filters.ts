/**
 * Turns query filters and consent into one predicate over product ids, evaluated inside the ANN
 * search (so a strict filter still fills the list), over the non-personalised list and over the
 * catalog listing alike.
 */
import type { ProductCatalog } from './catalog.js';
import { convert, type CurrencyRates } from './currency.js';

/**
 * Catalog filters shared by recommendations, search, similar and the catalog listing (the core's
 * query schemas produce this shape). Each list matches any of its values (category=dress,skirt),
 * case-insensitively; prices are in `currency` (the rate table's base when absent).
 */
export interface ProductFilters {
  category?: string[];
  brand?: string[];
  colour?: string[];
  merchant?: string[];
  minPrice?: number;
  maxPrice?: number;
  currency?: string;
}

export interface CandidateRules {
  filters?: ProductFilters;
  /** Ids never to return (already clicked, asked to exclude, bought, the query product itself, ...). */
  excludeIds?: ReadonlySet<string>;
  /** Health & wellness products (by the category taxonomy) pass only when this is true. */
  allowSensitive: boolean;
  /** Needed when a price filter is given. */
  rates?: CurrencyRates;
}

const lowerSet = (values?: string[]) => (values && values.length > 0 ? new Set(values.map((v) => v.toLowerCase())) : undefined);

/**
 * A predicate that is false for ids missing from the catalog (deleted products never come back,
 * even if an index still holds a stale vector), health products (per the taxonomy, now) unless allowed, excluded ids,
 * and products outside the filters.
 */
export function productPredicate(catalog: ProductCatalog, rules: CandidateRules): (id: string) => boolean {
  const f = rules.filters ?? {};
  const category = lowerSet(f.category);
  const brand = lowerSet(f.brand);
  const colour = lowerSet(f.colour);
  const merchant = f.merchant && f.merchant.length > 0 ? new Set(f.merchant) : undefined;
  const priced = f.minPrice !== undefined || f.maxPrice !== undefined;
  const target = f.currency ?? rules.rates?.base;
  return (id) => {
    const p = catalog.get(id);
    if (!p) return false;
    if (!rules.allowSensitive && catalog.taxonomy.productIsHealth(p)) return false;
    if (rules.excludeIds?.has(id)) return false;
    if (category && !category.has(p.category.toLowerCase())) return false;
    if (brand && !brand.has(p.brand.toLowerCase())) return false;
    if (colour && (p.colour === undefined || !colour.has(p.colour.toLowerCase()))) return false;
    if (merchant && !merchant.has(p.merchant)) return false;
    if (priced) {
      const price = rules.rates && target ? convert(p.price, p.currency.toUpperCase(), target, rules.rates) : p.currency === f.currency ? p.price : undefined;
      if (price === undefined) return false;
      if (f.minPrice !== undefined && price < f.minPrice) return false;
      if (f.maxPrice !== undefined && price > f.maxPrice) return false;
    }
    return true;
  };
}
