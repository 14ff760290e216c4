/**
 * A request's product filters split for the product table: the columns a scan applies itself
 * (recommendations' candidate lists, search's exact fallback) and the full predicate for the rest.
 */
import type { ListRules } from '../../retrieve/candidate-lists.js';
import type { CurrencyRates } from '../../retrieve/currency.js';
import type { ProductFilters } from '../../retrieve/filters.js';

/**
 * The request's filters split for the candidate lists: the table's own columns (one category, one
 * merchant, a price range) and, for anything richer (several values, brand, colour) or a price
 * range, the full predicate as `accept`: walks stay exact with it, they just reach further down a
 * list (and, for a very selective filter, build a deeper one).
 *
 * Prices: the table holds each price in the rate table's base currency, and the bounds are
 * converted to it and widened by a hair, so the lists' restriction lets through everything the
 * exact predicate (which converts each price the API's way) can accept; `accept` removes the rest.
 */
export function listRules(f: ProductFilters, excludeIds: ReadonlySet<string>, allowSensitive: boolean, full: (id: string) => boolean, rates: CurrencyRates): ListRules {
  const one = (v?: string[]) => (v !== undefined && v.length === 1 ? v[0] : undefined);
  const multi = (v?: string[]) => (v?.length ?? 0) > 1;
  const rich = multi(f.category) || multi(f.merchant) || (f.brand?.length ?? 0) > 0 || (f.colour?.length ?? 0) > 0;
  const priced = f.minPrice !== undefined || f.maxPrice !== undefined;
  // priceFilterInfo has refused a currency outside the table before this runs.
  const per = rates.perBase[f.currency ?? rates.base] ?? Number.NaN;
  const widen = (x: number | undefined, up: boolean) => (x === undefined || !Number.isFinite(x / per) ? undefined : x / per + (up ? 1 : -1) * (Math.abs(x / per) * 1e-9 + 1e-9));
  // Category ids are lower-case (the taxonomy's id rule); the API matches them case-insensitively.
  const filters = {
    category: multi(f.category) ? undefined : one(f.category)?.toLowerCase(), merchant: multi(f.merchant) ? undefined : one(f.merchant),
    minPrice: widen(f.minPrice, false), maxPrice: widen(f.maxPrice, true),
  };
  return { filters, excludeIds, allowSensitive, accept: rich || priced ? full : undefined };
}
