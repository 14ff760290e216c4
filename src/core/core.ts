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
import { createRecommend, type RecommendOptions } from './reads/recommend.js';
import { createSearch } from './reads/search.js';
import type { ProductFilters, RecommendationResponse, RecommendQuery, SearchRequest, SearchResponse } from './schemas.js';
import { loadState, type CoreState } from './state.js';

export interface Core extends EntityReads, ReturnType<typeof createFeedbackReads>, ReturnType<typeof createOperationsRead> {
  recommend(userId: string, query: RecommendQuery, options?: RecommendOptions): Promise<RecommendationResponse>;
  search(req: SearchRequest): Promise<SearchResponse>;
  similar(productId: string, limit: number, filters?: ProductFilters): Promise<SearchResponse>;
  readonly commands: Commands;
  /** The in-memory state, for tests and the evaluation to inspect (never to write). */
  readonly state: Readonly<CoreState>;
}

export async function createCore(given: CoreDeps): Promise<Core> {
  const deps: CoreDeps = { ...given, stats: given.stats ?? { embeddingCache: { hits: 0, misses: 0 } } };
  const state = await loadState(deps);
  const { search, similar } = createSearch(deps, state);
  return {
    ...createEntityReads(deps, state),
    ...createFeedbackReads(deps),
    ...createOperationsRead(deps, state),
    recommend: createRecommend(deps, state),
    search,
    similar,
    commands: createCommands(deps, state),
    state,
  };
}

export type { CoreDeps, CoreSettings } from './deps.js';
/** The kinds of entity that have an image at /media/<kind>s/:id. */
export type { EntityKind as MediaKind } from '../store/types.js';
export type { RecommendOptions } from './reads/recommend.js';
