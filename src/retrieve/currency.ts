/**
 * Prices in different currencies compared in one: a configured rate table (CURRENCY_RATES, units
 * of each currency per one unit of the base, the first entry) as of a stated date
 * (CURRENCY_RATES_DATE), which every price-filtered response shows. A product whose currency is
 * not in the table cannot be compared, so it never passes a price filter.
 */
export interface CurrencyRates {
  /** The currency price filters are in when a request names none (the table's first entry). */
  base: string;
  /** Units of each currency per one unit of `base` (base itself: 1). */
  perBase: Readonly<Record<string, number>>;
  /** The date the rates are from, shown in responses. */
  date: string;
}

/** `amount` in `from` expressed in `to`; undefined when either currency is not in the table. */
export function convert(amount: number, from: string, to: string, rates: CurrencyRates): number | undefined {
  if (from === to) return amount;
  const f = rates.perBase[from];
  const t = rates.perBase[to];
  if (f === undefined || t === undefined) return undefined;
  return (amount / f) * t;
}
