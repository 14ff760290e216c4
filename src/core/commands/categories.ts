/**
 * Category writes: the taxonomy is service data, and the ONE source of which products and posts are
 * health & wellness data. Order: store → taxonomy in memory → every profile and cached list (a
 * category newly marked health takes its products out of every non-consenting list at once).
 *
 * `seedCategories` runs once, when the core starts on a store that has no taxonomy yet: the
 * documented default list, plus every category products already in the store use (a database from
 * before the taxonomy existed), marked health if any of its products carried the old flag.
 */
import { Category, DEFAULT_CATEGORIES, SENSITIVE_HEALTH } from '../../domain/index.js';
import { failResult, okResult, type ItemResult } from '../../ingest/item-result.js';
import { parseItem } from '../../ingest/validate.js';
import type { CoreDeps } from '../deps.js';
import { categoriesChanged, type CoreState } from '../state.js';

export function categoryCommands(deps: CoreDeps, state: CoreState) {
  const { store } = deps;

  async function write(categories: Category[]): Promise<void> {
    await store.upsertCategories(categories);
    for (const c of categories) {
      const before = state.taxonomy.get(c.id);
      const wasHealth = before?.sensitive === SENSITIVE_HEALTH;
      const isHealth = c.sensitive === SENSITIVE_HEALTH;
      if (before && wasHealth !== isHealth) deps.log.info('category health status changed', { category: c.id, health: isHealth });
    }
    categoriesChanged(state, categories);
  }

  return {
    /**
     * Inserts or replaces categories, each whole: an item without `sensitive` is not health, even
     * if it was before (that is how a category is un-marked). Per-item results.
     * @example await commands.upsertCategories([{ id: 'sleep-aid', group: 'health', sensitive: 'health' }]);
     */
    async upsertCategories(items: unknown[]): Promise<ItemResult[]> {
      const results: ItemResult[] = [];
      const good = new Map<string, Category>();
      for (const [k, item] of items.entries()) {
        const parsed = parseItem(Category, item, k);
        if (!parsed.ok) {
          results.push(parsed.result);
          continue;
        }
        if (good.has(parsed.value.id)) {
          results.push(failResult(parsed.value.id, 'VALIDATION_FAILED', `items.${k}.id: category "${parsed.value.id}" appears twice in this batch`));
          continue;
        }
        good.set(parsed.value.id, parsed.value);
        results.push(okResult(parsed.value.id));
      }
      if (good.size > 0) await write([...good.values()]);
      return results;
    },

    /** First start only (the store has no taxonomy): the defaults plus the categories already in use. */
    async seedCategories(): Promise<void> {
      if (state.taxonomy.size > 0 || (await store.listCategories()).length > 0) return;
      const seed = new Map(DEFAULT_CATEGORIES.map((c) => [c.id, { ...c }]));
      let fromCatalog = 0;
      for (const p of state.catalog.products()) {
        let c = seed.get(p.category);
        if (!c) {
          seed.set(p.category, (c = { id: p.category }));
          fromCatalog++;
        }
        // The old per-product flag can only make a category stricter, never less strict.
        if (p.sensitive === SENSITIVE_HEALTH && !DEFAULT_CATEGORIES.some((d) => d.id === p.category)) c.sensitive = SENSITIVE_HEALTH;
      }
      await write([...seed.values()]);
      deps.log.info('category taxonomy seeded', { categories: seed.size, fromCatalog });
    },
  };
}
