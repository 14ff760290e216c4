/**
 * What a price filter is compared in, checked against the rate table: a currency the table does
 * not know is refused (naming the field and the known codes) rather than matching nothing.
 */
import { AppError } from '../errors.js';
import type { CurrencyRates } from '../retrieve/currency.js';
import type { PriceFilterInfo } from './schemas.js';

/**
 * @param where the field path to name in an error ("query.currency", "filters.currency").
 * @throws AppError VALIDATION_FAILED for a currency outside CURRENCY_RATES.
 */
export function priceFilterInfo(
  filters: { minPrice?: number; maxPrice?: number; currency?: string } | undefined,
  rates: CurrencyRates,
  where: string,
): PriceFilterInfo {
  const currency = filters?.currency;
  if (currency !== undefined && rates.perBase[currency] === undefined) {
    const known = Object.keys(rates.perBase).join(', ');
    throw new AppError('VALIDATION_FAILED', `Prices cannot be converted to ${currency}: CURRENCY_RATES knows ${known}.`, [
      { path: where, message: `not in the rate table (known: ${known})` },
    ]);
  }
  if (filters?.minPrice === undefined && filters?.maxPrice === undefined) return null;
  return { currency: currency ?? rates.base, ratesDate: rates.date };
}
