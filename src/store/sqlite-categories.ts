/**
 * The category taxonomy in SQLite: one row per category, stored whole as JSON like the other
 * entities. Which categories are health is decided here and nowhere else in the store.
 */
import type Database from 'better-sqlite3';
import type { Category } from '../domain/index.js';
import type { CategoryOps } from './areas.js';

export function sqliteCategories(db: Database.Database): CategoryOps {
  const s = {
    upsert: db.prepare('INSERT INTO categories (id, data) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET data = excluded.data'),
    list: db.prepare<[], { data: string }>('SELECT data FROM categories ORDER BY id'),
  };
  const upsert = db.transaction((categories: Category[]) => {
    for (const c of categories) s.upsert.run(c.id, JSON.stringify(c));
  });
  return {
    async upsertCategories(categories) {
      upsert(categories);
    },
    async listCategories() {
      return s.list.all().map((r) => JSON.parse(r.data) as Category);
    },
  };
}
