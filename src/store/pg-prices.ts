/**
 * Prices a B-tree can answer a price band from (PostgreSQL). A band is in the filter's currency
 * and every product's price in its own, so no index on `price` helps; each product also keeps
 * `base_price`, its price in the rate table's base currency (`products_by_base_price`, PG
 * migration 7). The rate table the base prices were computed with lives in the database
 * (`currency_rates`, its fingerprint in meta), so every writer computes them alike, whichever
 * replica it is: product writes convert through it in SQL, and `syncCurrencyRates` (start-up,
 * from CURRENCY_RATES) recomputes them all when the configured table differs.
 *
 * A band query narrows by base price only while the stored fingerprint is the request's rate
 * table (`pg-vector-index.ts`), and always keeps the exact per-row conversion, so results stay
 * exact even while replicas disagree about the rates (a rolling rate change): then it scans.
 */
import { tx, type PgPools } from './pg-pool.js';

/** The rate table as the store needs it: units of each currency per one unit of `base`. */
export interface PriceRates {
  base: string;
  perBase: Readonly<Record<string, number>>;
}

/** The meta key holding the fingerprint of the rates `base_price` was computed with. */
export const RATES_META_KEY = 'currency_rates';

/** Equal for equal tables whatever the key order (numbers as JavaScript prints them: exact round trip). */
export function ratesFingerprint(r: PriceRates): string {
  return JSON.stringify([r.base, Object.entries(r.perBase).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))]);
}

/**
 * The SQL of one product's base price from its `price` and `data` columns (NULL, which passes no
 * band, when its currency is not in the table). Uppercased as the exact filter looks it up.
 */
export const basePriceSql = (price: string, data: string) => `${price} / (SELECT r.per FROM currency_rates r WHERE r.code = upper(${data}->>'currency'))`;

/**
 * Makes the stored rate table and every product's base price agree with `rates`; a no-op (one
 * read) when they already do. Returns whether it recomputed. Product writes wait meanwhile (a
 * write committed before it is recomputed, one after it converts with the new table).
 */
export async function syncCurrencyRates(pools: PgPools, rates: PriceRates): Promise<boolean> {
  const fingerprint = ratesFingerprint(rates);
  const stored = async (c: { query: PgPools['primary']['query'] }) =>
    (await c.query<{ value: string }>('SELECT value FROM meta WHERE key = $1', [RATES_META_KEY])).rows[0]?.value;
  if ((await stored(pools.primary)) === fingerprint) return false;
  return tx(pools.primary, async (c) => {
    // One recompute at a time across replicas; then no product write until it commits.
    await c.query("SELECT pg_advisory_xact_lock(hashtext(current_schema() || ':currency-rates'))");
    if ((await stored(c)) === fingerprint) return false;
    await c.query('LOCK TABLE products IN SHARE ROW EXCLUSIVE MODE');
    await c.query('DELETE FROM currency_rates');
    const codes = Object.keys(rates.perBase);
    await c.query('INSERT INTO currency_rates (code, per) SELECT * FROM unnest($1::text[], $2::float8[])', [codes, codes.map((k) => rates.perBase[k])]);
    await c.query(`UPDATE products SET base_price = ${basePriceSql('price', 'data')} WHERE base_price IS DISTINCT FROM ${basePriceSql('price', 'data')}`);
    await c.query('INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [RATES_META_KEY, fingerprint]);
    return true;
  });
}
