/**
 * The click report's SQL, shared by both backends (the clicks table has the same columns in
 * SQLite and PostgreSQL): `at` is ISO-8601 UTC text in both, so its first 10 characters are the
 * UTC calendar day. Clicks that credited nobody are grouped under UNCREDITED.
 */
import type { ClickGroupBy } from './types.js';

/** Report key for clicks that credited no creator. */
export const UNCREDITED = '(none)';

const DAY = 'substr(at, 1, 10)';

const COLUMN: Record<ClickGroupBy, string> = {
  creator: `COALESCE(creator_code, '${UNCREDITED}')`,
  product: 'product_id',
  merchant: 'merchant',
  network: 'network',
  day: DAY,
};

/** Whether a report is ordered as a time series (key, then day) instead of most clicked first. */
export const byTime = (groupBy: ClickGroupBy, byDay: boolean) => groupBy === 'day' || byDay;

/**
 * SELECT for one grouping; `range` is the backend's WHERE on `at`, `collate` what makes ORDER BY
 * byte order (PostgreSQL's default collation is the locale's; SQLite's BINARY already is).
 */
export function clickReportSql(groupBy: ClickGroupBy, byDay: boolean, range: string, collate = ''): string {
  const key = COLUMN[groupBy];
  const day = byDay && groupBy !== 'day' ? DAY : 'NULL';
  const groups = day === 'NULL' ? [key] : [key, day];
  const order = byTime(groupBy, byDay) ? groups.map((g) => `${g}${collate}`).join(', ') : `clicks DESC, ${key}${collate}`;
  return `SELECT ${key} AS key, ${day} AS day, COUNT(*) AS clicks, COUNT(creator_code) AS credited, COUNT(DISTINCT product_id) AS products
    FROM clicks WHERE ${range} GROUP BY ${groups.join(', ')} ORDER BY ${order}`;
}
