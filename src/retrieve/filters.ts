/**
 * Turns query filters and consent into one predicate over product ids, evaluated inside the ANN
 * search (so a strict filter still fills the list) and over the non-personalised list alike.
 */
import type { ProductCatalog } from './catalog.js';

/** Catalog filters shared by recommendations, search and similar (the core's query schemas produce this shape). */
export interface ProductFilters {
  category?: string;
  minPrice?: number;
  maxPrice?: number;
  merchant?: string;
}

export interface CandidateRules {
  filters?: ProductFilters;
  /** Ids never to return (already clicked, the query product itself, ...). */
  excludeIds?: ReadonlySet<string>;
  /** Health & wellness products (by the category taxonomy) pass only when this is true. */
  allowSensitive: boolean;
}

/**
 * A predicate that is false for ids missing from the catalog (deleted products never come back,
 * even if an index still holds a stale vector), health products (per the taxonomy, now) unless allowed, excluded ids,
 * and products outside the filters.
 */
export function productPredicate(catalog: ProductCatalog, rules: CandidateRules): (id: string) => boolean {
  const f = rules.filters ?? {};
  return (id) => {
    const p = catalog.get(id);
    if (!p) return false;
    if (!rules.allowSensitive && catalog.taxonomy.productIsHealth(p)) return false;
    if (rules.excludeIds?.has(id)) return false;
    if (f.category !== undefined && p.category !== f.category) return false;
    if (f.merchant !== undefined && p.merchant !== f.merchant) return false;
    if (f.minPrice !== undefined && p.price < f.minPrice) return false;
    if (f.maxPrice !== undefined && p.price > f.maxPrice) return false;
    return true;
  };
}
