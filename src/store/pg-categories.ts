/**
 * The category taxonomy in PostgreSQL: the same contract as sqlite-categories.ts, one row per
 * category stored whole. `sensitive` is also a column, so a filtered pgvector search can leave out
 * health categories in SQL (pg-vector-index.ts). Read from the primary: it decides health.
 */
import { SENSITIVE_HEALTH, type Category } from '../domain/index.js';
import type { PgPools } from './pg-pool.js';
import type { CategoryOps } from './areas.js';

export function pgCategories({ primary: db }: PgPools): CategoryOps {
  return {
    async upsertCategories(categories) {
      if (categories.length === 0) return;
      // One statement: all or nothing, like SQLite's transaction.
      await db.query(
        `INSERT INTO categories (id, sensitive, data) SELECT * FROM unnest($1::text[], $2::boolean[], $3::json[])
         ON CONFLICT (id) DO UPDATE SET sensitive = excluded.sensitive, data = excluded.data`,
        [categories.map((c) => c.id), categories.map((c) => c.sensitive === SENSITIVE_HEALTH), categories.map((c) => JSON.stringify(c))],
      );
    },
    async listCategories() {
      const { rows } = await db.query<{ data: Category }>('SELECT data FROM categories ORDER BY id COLLATE "C"');
      return rows.map((r) => r.data);
    },
  };
}
