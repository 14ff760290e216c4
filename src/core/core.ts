/**
 * The core: every read (recommend, search, similar and the plain entity reads) and every write
 * command, behind one factory, over the store, index and media ports. No Express here: the HTTP
 * layer, the CLIs, the demo and the offline evaluation all call this.
 *
 * @example
 * const core = await createCore(deps);
 * await core.commands.upsertProducts(items);
 * const list = await core.recommend('u0001', { limit: 10, diversity: 0.3 });
 */
import { createCommands, type Commands } from './commands/index.js';
import type { CoreDeps } from './deps.js';
import { createEntityReads, type EntityReads } from './reads/entities.js';
import { createFeedbackReads } from './reads/feedback.js';
import { createOperationsRead } from './reads/operations.js';
import { createExport } from './reads/export.js';
import { createRecommend, type RecommendOptions } from './reads/recommend.js';
import { createSearch } from './reads/search.js';
import type { ProductFilters, RecommendationResponse, RecommendQuery, SearchRequest, SearchResponse, ShopperExport } from './schemas.js';
import { loadState, type CoreState } from './state.js';

export interface Core extends EntityReads, ReturnType<typeof createFeedbackReads>, ReturnType<typeof createOperationsRead> {
  recommend(userId: string, query: RecommendQuery, options?: RecommendOptions): Promise<RecommendationResponse>;
  search(req: SearchRequest): Promise<SearchResponse>;
  /** `userId`: apply that shopper's consent decision (health items, link pseudonym), as recommend does. */
  similar(productId: string, limit: number, filters?: ProductFilters, userId?: string): Promise<SearchResponse>;
  /** Everything held about one shopper (GDPR Art. 15/20). */
  exportShopper(userId: string): Promise<ShopperExport>;
  readonly commands: Commands;
  /** The in-memory state, for tests and the evaluation to inspect (never to write). */
  readonly state: Readonly<CoreState>;
}

export async function createCore(given: CoreDeps): Promise<Core> {
  const deps: CoreDeps = { ...given, stats: given.stats ?? { embeddingCache: { hits: 0, misses: 0 } } };
  const state = await loadState(deps);
  const commands = createCommands(deps, state);
  await commands.seedCategories(); // first start only: a store without a taxonomy gets the default one
  const { search, similar } = createSearch(deps, state);
  return {
    ...createEntityReads(deps, state),
    ...createFeedbackReads(deps),
    ...createOperationsRead(deps, state),
    recommend: createRecommend(deps, state),
    search,
    similar,
    exportShopper: createExport(deps, state),
    commands,
    state,
  };
}

export type { CoreDeps, CoreSettings } from './deps.js';
/** The kinds of entity that have an image at /media/<kind>s/:id. */
export type { EntityKind as MediaKind } from '../store/types.js';
export type { RecommendOptions } from './reads/recommend.js';
