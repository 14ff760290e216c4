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
import type { Change, ChangeFeed } from './change-feed.js';
import { createCommands, type Commands } from './commands/index.js';
import type { CoreDeps } from './deps.js';
import { createEntityReads, type EntityReads } from './reads/entities.js';
import { createFeedbackReads } from './reads/feedback.js';
import { createOperationsRead } from './reads/operations.js';
import { createExport } from './reads/export.js';
import { createReportReads, type ReportReads } from './reads/reports.js';
import { createRecommend, type RecommendOptions } from './reads/recommend.js';
import { createSearch } from './reads/search.js';
import type { ProductFilters, RecommendationResponse, RecommendQuery, SearchRequest, SearchResponse, ShopperExport } from './schemas.js';
import { remoteApplier } from './remote-changes.js';
import { loadState, type CoreState } from './state.js';

export interface Core extends EntityReads, ReportReads, ReturnType<typeof createFeedbackReads>, ReturnType<typeof createOperationsRead> {
  recommend(userId: string, query: RecommendQuery, options?: RecommendOptions): Promise<RecommendationResponse>;
  /** `signal`: the caller no longer wants the answer; the search rejects with its reason and drops its exact scan. */
  search(req: SearchRequest, options?: { signal?: AbortSignal }): Promise<SearchResponse>;
  /** `userId`: apply that shopper's consent decision (health items, link pseudonym), as recommend does. */
  similar(productId: string, limit: number, filters?: ProductFilters, userId?: string, options?: { signal?: AbortSignal }): Promise<SearchResponse>;
  /** Everything held about one shopper (GDPR Art. 15/20). */
  exportShopper(userId: string): Promise<ShopperExport>;
  readonly commands: Commands;
  /** The in-memory state, for tests and the evaluation to inspect (never to write). */
  readonly state: Readonly<CoreState>;
}

export async function createCore(given: CoreDeps): Promise<Core> {
  const deps: CoreDeps = { ...given, stats: given.stats ?? { embeddingCache: { hits: 0, misses: 0 } } };
  let apply: ((c: Change) => Promise<void>) | undefined;
  // Follow the feed from before the state is loaded, so nothing committed during the load is missed.
  await deps.feed?.start((c) => apply!(c));
  const state = await loadState(deps);
  apply = remoteApplier(deps, state);
  const { search, similar } = createSearch(deps, state);
  const reads = {
    ...createEntityReads(deps, state),
    ...createFeedbackReads(deps),
    ...createReportReads(deps),
    recommend: createRecommend(deps, state),
    search,
    similar,
    exportShopper: createExport(deps, state),
  };
  // A snapshot of this process's counters: synchronous, and nothing to catch up on first.
  const operations = createOperationsRead(deps, state);
  const commands = createCommands(deps, state);
  if (!deps.feed) {
    await commands.seedCategories(); // first start only: a store without a taxonomy gets the default one
    return { ...reads, ...operations, commands, state };
  }
  await deps.feed.catchUp();
  const publish = publisher(deps.feed, state);
  const stepped = inStep(deps.feed, state, commands, publish);
  // Through the feed, so a taxonomy seeded by this replica reaches the others.
  await stepped.seedCategories();
  return { ...inStep(deps.feed, state, reads, publish), ...operations, commands: stepped, state };
}

/**
 * Only functions that return a promise can be wrapped (a synchronous read would start returning
 * a promise on PostgreSQL alone): a synchronous one is a type error here.
 */
type OnlyAsync<T> = { [K in keyof T]: T[K] extends (...args: infer A) => infer R ? (R extends PromiseLike<unknown> ? T[K] : (...args: A) => Promise<R>) : T[K] };

/**
 * Every read and command first applies what other replicas committed, and every command
 * publishes what it changed before it answers: a change acknowledged by one replica is in effect
 * on the next request to any other.
 */
function inStep<T extends Record<string, unknown>>(feed: ChangeFeed, state: CoreState, fns: T & OnlyAsync<T>, publish: () => Promise<void>): T {
  const out: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(fns)) {
    if (typeof fn !== 'function') {
      out[name] = fn;
      continue;
    }
    out[name] = async (...args: unknown[]) => {
      await feed.catchUp();
      try {
        return await (fn as (...a: unknown[]) => unknown)(...args);
      } finally {
        await publish();
      }
    };
  }
  return out as T;
}

/**
 * Publishing is one ordered chain: each link publishes whatever the outbox holds when it runs.
 * Awaiting the link queued after a command's last change therefore means every change made
 * before it is durable, even one a concurrent command had taken out of the outbox and was still
 * sending (awaiting only one's own batch would acknowledge a write before its change is visible).
 */
function publisher(feed: ChangeFeed, state: CoreState): () => Promise<void> {
  let chain: Promise<void> = Promise.resolve();
  return () => {
    chain = chain.catch(() => {}).then(async () => {
      const changes = state.outbox!.splice(0);
      if (changes.length === 0) return;
      try {
        await feed.publish(changes);
      } catch (err) {
        state.outbox!.unshift(...changes); // the next link sends them again
        throw err;
      }
    });
    return chain;
  };
}

export type { CoreDeps, CoreSettings } from './deps.js';
/** The kinds of entity that have an image at /media/<kind>s/:id. */
export type { EntityKind as MediaKind } from '../store/types.js';
export type { RecommendOptions } from './reads/recommend.js';
