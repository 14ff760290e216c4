/**
 * The core's in-memory state beside the store: the catalog (the gate every read passes through),
 * the product table (vectors and filter columns for ranking), the candidate lists per interest,
 * the per-creator interest parts, and the profile and response caches. Only the write commands
 * change it, and only through the `*Changed` functions below, so no write can update one
 * structure and forget another.
 *
 * Each of them also records what changed in `state.outbox`; the core publishes it on the change
 * feed (change-feed.ts) before the command answers, and other replicas apply it through these
 * same functions (remote-changes.ts), so a cache hooked in here is kept in step everywhere.
 */
import type { ConsentDecider } from '../consent/decide.js';
import { decideConsent } from '../consent/decide.js';
import { CategoryTaxonomy, type Category, type Product } from '../domain/index.js';
import { ProfileCache } from '../profile/cache.js';
import { CreatorInterestCache } from '../profile/creator-interests.js';
import { CandidateLists } from '../retrieve/candidate-lists.js';
import { ProductCatalog } from '../retrieve/catalog.js';
import { convert } from '../retrieve/currency.js';
import { ProductTable } from '../retrieve/product-table.js';
import { Scanner } from '../retrieve/scanner.js';
import { Ranker } from '../rank/ranker.js';
import type { Change } from './change-feed.js';
import type { CoreDeps } from './deps.js';
import { ResponseCache } from './response-cache.js';

export interface CoreState {
  /** The category taxonomy (which categories are health); the catalog holds the same instance. */
  taxonomy: CategoryTaxonomy;
  catalog: ProductCatalog;
  /** Product vectors and filter columns (also what `similar` reads vectors from). */
  vectors: ProductTable;
  /** Exact nearest products per interest, kept fresh by every catalog write (see candidate-lists.ts). */
  lists: CandidateLists;
  /** Runs the exact scans that build candidate lists, off the event loop. */
  scanner: Scanner;
  /** Runs MMR re-ranks of large candidate pools off the event loop. */
  ranker: Ranker;
  /** Each eligible creator's interest and usable posts, per health variant, shared by all followers. */
  creators: CreatorInterestCache;
  profiles: ProfileCache;
  responses: ResponseCache;
  decide: ConsentDecider;
  /** Changes made here and not yet published (only with a change feed). */
  outbox: Change[] | null;
  /** True while a remote change is applied: it is not published again. */
  applyingRemote: boolean;
}

export async function loadState(deps: CoreDeps): Promise<CoreState> {
  const taxonomy = new CategoryTaxonomy(await deps.store.listCategories());
  const catalog = await ProductCatalog.load(deps.store, taxonomy);
  // At start-up, not inside the first shopper's request: one bulk read of every vector. Health
  // flags come from the taxonomy (read now; `categoriesChanged` refreshes them).
  // The price column is in the rate table's base currency, so candidate lists can apply a price
  // filter whatever currencies the catalog mixes (recommend.ts loosens the bounds; its exact predicate decides).
  const { rates } = deps.settings;
  const basePrice = (p: Product) => convert(p.price, p.currency.toUpperCase(), rates.base, rates) ?? Number.NaN;
  const vectors = await ProductTable.load(deps.store, catalog, deps.embedder.modelId, deps.embedder.dimension, basePrice);
  const scanner = new Scanner(vectors);
  return {
    taxonomy,
    catalog,
    vectors,
    scanner,
    ranker: new Ranker(vectors),
    lists: new CandidateLists(vectors, scanner, { depth: deps.settings.candidateDepth }),
    creators: new CreatorInterestCache(),
    profiles: new ProfileCache(),
    responses: new ResponseCache(deps.settings.responseCacheTtlS * 1000),
    decide: (user, events, now) => decideConsent(user, events, deps.policy, now),
    outbox: deps.feed ? [] : null,
    applyingRemote: false,
  };
}

/**
 * Products were written to store + index: they become visible to reads here, last. Writing a
 * row re-scores it in every candidate list (the table announces it), so the next request sees it.
 */
export function productsWritten(state: CoreState, items: Array<{ product: Product; vector: Float32Array }>): void {
  for (const { product, vector } of items) state.vectors.upsert(product, vector);
  state.catalog.upsert(items.map((i) => i.product));
  state.responses.clear();
  record(state, { kind: 'products', ids: items.map((i) => i.product.id) });
}

/** A product is going away: it leaves the catalog and every candidate list first, so no read can pick it while store and index follow. */
export function productRemoved(state: CoreState, id: string): void {
  state.catalog.remove(id);
  state.vectors.remove(id);
  state.responses.clear();
  record(state, { kind: 'productRemoved', id });
}

/** A creator's posts, opt-ins or existence changed: every interest, list and profile built from them goes. */
export function creatorChanged(state: CoreState, creatorId: string): void {
  state.creators.invalidateCreator(creatorId);
  state.lists.dropCreator(creatorId);
  state.profiles.invalidateCreator(creatorId);
  state.responses.invalidateCreator(creatorId);
  record(state, { kind: 'creator', id: creatorId });
}

/** A shopper's profile, follows, consents, clicks or existence changed. */
export function shopperChanged(state: CoreState, userId: string): void {
  state.profiles.invalidateUser(userId);
  state.responses.invalidateUser(userId);
  record(state, { kind: 'shopper', id: userId });
}

/**
 * Categories were written to the store: the taxonomy takes them now, and since a category's health
 * status decides which products and posts anyone may see, every creator part, profile and cached
 * list goes, and the product table's health flags follow.
 */
export function categoriesChanged(state: CoreState, categories: Category[]): void {
  state.taxonomy.set(categories);
  // Rows whose health status flipped are rewritten in place (announced, so every candidate list
  // and any scan in flight re-checks them); creator parts left out or kept health posts by the old taxonomy.
  state.vectors.refreshHealth((id) => state.catalog.get(id));
  state.creators.clear();
  state.profiles.clear();
  state.responses.clear();
  record(state, { kind: 'categories', ids: categories.map((c) => c.id) });
}

/** Merchant programmes changed: cached lists hold links and disclosures built from the old ones. */
export function merchantsChanged(state: CoreState): void {
  state.responses.clear();
  record(state, { kind: 'merchants' });
}

function record(state: CoreState, change: Change): void {
  if (state.outbox && !state.applyingRemote) state.outbox.push(change);
}
