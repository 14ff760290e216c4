/**
 * The default CatalogWriter: the API's bulk writes go through the same ingest core as
 * `npm run ingest` and start-up (validate per item, load + copy images, embed via the cache,
 * store, index), so there is one write path.
 */
import { ingestPosts, ingestProducts } from '../ingest/catalog.js';
import { ingestCreators } from '../ingest/people.js';
import type { IngestDeps } from '../ingest/types.js';
import type { CatalogWriter } from './routes/catalog.js';

export function ingestWriter(deps: IngestDeps): CatalogWriter {
  return {
    products: (items) => ingestProducts(items, deps),
    posts: (creatorId, items) => ingestPosts(creatorId, items, deps),
    creators: (items) => ingestCreators(items, deps),
  };
}
