/**
 * The affiliate click log in PostgreSQL: the same contract as sqlite-clicks.ts (ISO-8601 UTC
 * strings compared as text; a date-only `to` includes that day). Reports may be served by a
 * read replica (a few seconds of lag changes a count, never a decision); the clicked-products
 * list that shapes a shopper's recommendations is read from the primary.
 */
import type { Click } from '../domain/index.js';
import { bounds, UNCREDITED } from './sqlite-clicks.js';
import type { PgPools } from './pg-pool.js';
import type { ClickGroupBy } from './types.js';
import type { ClickOps } from './areas.js';

const GROUP_COLUMN: Record<ClickGroupBy, string> = {
  creator: `COALESCE(creator_code, '${UNCREDITED}')`,
  product: 'product_id',
  network: 'network',
};

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
      const { rows } = await read.query<{ key: string; clicks: number }>(
        `SELECT ${GROUP_COLUMN[groupBy]} AS key, count(*)::int AS clicks FROM clicks WHERE at >= $1 AND at <= $2
         GROUP BY 1 ORDER BY clicks DESC, ${GROUP_COLUMN[groupBy]} COLLATE "C"`,
        [from, to],
      );
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
