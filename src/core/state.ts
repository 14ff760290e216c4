/**
 * The core's in-memory state beside the store: the catalog (the gate every read passes through),
 * product vectors for ranking, the profile and response caches. Only the write commands change it,
 * and only through the `*Changed` functions below, so no write can update one structure and
 * forget another.
 *
 * Each of them also records what changed in `state.outbox`; the core publishes it on the change
 * feed (change-feed.ts) before the command answers, and other replicas apply it through these
 * same functions (remote-changes.ts), so a cache hooked in here is kept in step everywhere.
 */
import type { ConsentDecider } from '../consent/decide.js';
import { decideConsent } from '../consent/decide.js';
import { CategoryTaxonomy, type Category, type Product } from '../domain/index.js';
import { ProfileCache } from '../profile/cache.js';
import { ProductCatalog } from '../retrieve/catalog.js';
import { ProductVectors } from '../retrieve/product-vectors.js';
import type { Change } from './change-feed.js';
import type { CoreDeps } from './deps.js';
import { ResponseCache } from './response-cache.js';

export interface CoreState {
  /** The category taxonomy (which categories are health); the catalog holds the same instance. */
  taxonomy: CategoryTaxonomy;
  catalog: ProductCatalog;
  vectors: ProductVectors;
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
  const state: CoreState = {
    taxonomy,
    catalog: await ProductCatalog.load(deps.store, taxonomy),
    vectors: new ProductVectors(deps.store, deps.embedder.modelId),
    profiles: new ProfileCache(),
    responses: new ResponseCache(deps.settings.responseCacheTtlS * 1000),
    decide: (user, events, now) => decideConsent(user, events, deps.policy, now),
    outbox: deps.feed ? [] : null,
    applyingRemote: false,
  };
  await state.vectors.load(); // at start-up, not inside the first shopper's request (~0.6 s at 100k)
  return state;
}

/** Products were written to store + index: they become visible to reads here, last. */
export function productsWritten(state: CoreState, items: Array<{ product: Product; vector: Float32Array }>): void {
  for (const { product, vector } of items) state.vectors.set(product.id, vector);
  state.catalog.upsert(items.map((i) => i.product));
  state.responses.clear();
  record(state, { kind: 'products', ids: items.map((i) => i.product.id) });
}

/** A product is going away: it leaves the catalog first, so no read can pick it while store and index follow. */
export function productRemoved(state: CoreState, id: string): void {
  state.catalog.remove(id);
  state.vectors.invalidate([id]);
  state.responses.clear();
  record(state, { kind: 'productRemoved', id });
}

/** A creator's posts, opt-ins or existence changed: every profile and list built from them goes. */
export function creatorChanged(state: CoreState, creatorId: string): void {
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
 * status decides which products and posts anyone may see, every profile and cached list goes.
 */
export function categoriesChanged(state: CoreState, categories: Category[]): void {
  state.taxonomy.set(categories);
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
