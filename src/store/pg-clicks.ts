/**
 * The affiliate click log in PostgreSQL: the same contract as sqlite-clicks.ts (ISO-8601 UTC
 * strings compared as text; a date-only `to` includes that day). Reports may be served by a
 * read replica (a few seconds of lag changes a count, never a decision); the clicked-products
 * list that shapes a shopper's recommendations is read from the primary.
 */
import type { Click } from '../domain/index.js';
import { bounds } from './sqlite-clicks.js';
import { clickReportSql } from './click-report-sql.js';
import type { PgPools } from './pg-pool.js';
import type { ClickReportRow } from './types.js';
import type { ClickOps } from './areas.js';

interface ClickRow { at: string; product_id: string; merchant: string; network: Click['network']; creator_code: string | null; user_ref: string | null }

const toClick = (r: ClickRow): Click => ({ at: r.at, productId: r.product_id, merchant: r.merchant, network: r.network, creatorCode: r.creator_code, userRef: r.user_ref });

export function pgClicks({ primary: db, read }: PgPools): ClickOps {
  return {
    async recordClick(c, options) {
      // Atomic across replicas: the unique (product_id, dedupe_key) index decides which insert counts.
      const r = await db.query(
        `INSERT INTO clicks (at, product_id, merchant, network, creator_code, user_ref, dedupe_key) VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (product_id, dedupe_key) DO NOTHING`,
        [new Date(c.at).toISOString(), c.productId, c.merchant, c.network, c.creatorCode, c.userRef, options?.dedupeKey ?? null],
      );
      return (r.rowCount ?? 0) > 0;
    },
    async listClicks(filter) {
      const { from, to } = bounds(filter);
      const { rows } = await read.query<ClickRow>('SELECT * FROM clicks WHERE at >= $1 AND at <= $2 ORDER BY at, seq', [from, to]);
      return rows.map(toClick);
    },
    async clickReport(groupBy, filter) {
      const { from, to } = bounds(filter);
      // count(*) is bigint in PostgreSQL (a string in node-postgres): ::int per count.
      const sql = clickReportSql(groupBy, filter?.byDay ?? false, 'at >= $1 AND at <= $2', ' COLLATE "C"')
        .replace(/COUNT\(([^)]*)\) AS (\w+)/g, 'COUNT($1)::int AS $2');
      const { rows } = await read.query<ClickReportRow>(sql, [from, to]);
      return rows;
    },
    async clickedProducts(userRef) {
      const { rows } = await db.query<{ product_id: string }>('SELECT DISTINCT product_id FROM clicks WHERE user_ref = $1', [userRef]);
      return new Set(rows.map((r) => r.product_id));
    },
    async clicksByUserRef(userRef) {
      // The primary: an export must not miss a click a lagging replica has not seen yet.
      return (await db.query<ClickRow>('SELECT * FROM clicks WHERE user_ref = $1 ORDER BY at, seq', [userRef])).rows.map(toClick);
    },
  };
}
