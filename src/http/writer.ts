/**
 * The default CatalogWriter: the API's bulk writes go through the same ingest core as
 * `npm run ingest` and start-up (validate per item, load + copy images, embed via the cache,
 * store, index). Creators carry no vectors, so they are only validated and stored.
 */
import { ingestPosts, ingestProducts } from '../ingest/catalog.js';
import type { IngestDeps } from '../ingest/types.js';
import { parseItem } from '../ingest/validate.js';
import { Creator } from '../world/schema.js';
import type { CatalogWriter } from './routes/catalog.js';

export function ingestWriter(deps: IngestDeps): CatalogWriter {
  return {
    products: (items) => ingestProducts(items, deps),
    posts: (creatorId, items) => ingestPosts(creatorId, items, deps),
    async creators(items) {
      const parsed = items.map((item, k) => parseItem(Creator, item, k));
      const valid = parsed.flatMap((p) => (p.ok ? [p.value] : []));
      if (valid.length) await deps.store.upsertCreators(valid);
      return parsed.map((p) => (p.ok ? { id: p.value.id, ok: true as const } : p.result));
    },
  };
}
