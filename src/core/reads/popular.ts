/**
 * The non-personalised list, used when a shopper has not consented to profiling, is a minor, or
 * follows no creator whose posts may be used: most-clicked products first (clicks by everyone, no
 * personal data), then the catalog's fixed editorial order.
 */
import type { Store } from '../../store/types.js';
import type { ProductCatalog } from '../../retrieve/catalog.js';

export interface PopularItem {
  id: string;
  /** Share of all counted clicks, in [0, 1]; 0 for items ranked editorially. */
  score: number;
}

export async function popularList(
  store: Pick<Store, 'clickReport'>,
  catalog: ProductCatalog,
  accept: (id: string) => boolean,
  limit: number,
  /** An admission rule against what is already picked (groupBy=brand). */
  admit?: (id: string, picked: readonly string[]) => boolean,
): Promise<PopularItem[]> {
  const clicks = await store.clickReport('product');
  const total = clicks.reduce((s, r) => s + r.clicks, 0) || 1;
  const out: PopularItem[] = [];
  const seen = new Set<string>();
  const picked: string[] = [];
  const take = (id: string, score: number) => {
    seen.add(id);
    if (admit && !admit(id, picked)) return;
    picked.push(id);
    out.push({ id, score });
  };
  for (const row of [...clicks].sort((a, b) => b.clicks - a.clicks || (a.key < b.key ? -1 : 1))) {
    if (out.length >= limit) return out;
    if (!accept(row.key) || seen.has(row.key)) continue;
    take(row.key, row.clicks / total);
  }
  // Lazily: the order over the whole catalog is never materialised for a page of it.
  for (const id of catalog.editorialIds()) {
    if (out.length >= limit) break;
    if (seen.has(id) || !accept(id)) continue;
    take(id, 0);
  }
  return out;
}
