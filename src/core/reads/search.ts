/**
 * search ("shop the look") and similar products. Neither profiles anyone: the order is the same for
 * everyone who asks the same thing. What a shopper's consent changes is what may be shown and
 * linked, so a caller may name the shopper (`userId`) and their decision then applies exactly as
 * for recommendations: health & wellness items (by the category taxonomy) only for an adult with
 * health consent, their link pseudonym only with click tracking, minors never either. Without a
 * shopper, privacy by default: no health items, no reference in links. Every list says so in
 * `parameters` (DSA Art. 27) and, when health items were left out, in `reason`.
 *
 * A search query is built from any of: `text`, weighted `terms` (the weighted sum of their
 * vectors, negative weights steering away), an `image`, and `positive` / `negative` example
 * products or posts combined with Qdrant's `average_vector` or `best_score` strategy
 * (`src/retrieve/steer.ts`). Example products never come back as results.
 */
import { QueryEmbeddings } from '../../embed/query-embeddings.js';
import { weightedCentroid } from '../../embed/vectors.js';
import { AppError } from '../../errors.js';
import { loadImage } from '../../ingest/image-source.js';
import { describeSearchParameters, type SearchAudience } from '../../rank/parameters.js';
import { restrictionOf } from '../../retrieve/candidate-lists.js';
import { exactNearest } from '../../retrieve/exact-nearest.js';
import { productPredicate } from '../../retrieve/filters.js';
import { averageVectorQuery, bestScore } from '../../retrieve/steer.js';
import type { CoreDeps } from '../deps.js';
import { productView, round4 } from '../present.js';
import { priceFilterInfo } from '../price-filter.js';
import type { ExampleRef, PriceFilterInfo, ProductFilters, SearchRequest, SearchResponse } from '../schemas.js';
import type { CoreState } from '../state.js';
import { listRules } from './list-rules.js';
import { consentSummary, shopperContext, type ShopperContext } from './shopper-context.js';

/** Text, terms and image count equally in a combined query ("this photo, but in red"). */
const PART_WEIGHT = 1;
/** best_score re-scores this many nearest neighbours of each positive (at least). */
const BEST_SCORE_POOL = 50;

/** Why health items are not in a list, as the shopper (or the app showing it) should read it; null when they may appear. */
function healthReason(ctx: ShopperContext | null): string | null {
  if (!ctx) return 'Health & wellness items are left out because this list is not tied to a shopper who allowed them.';
  if (ctx.decision.minor) return `Health & wellness items are never shown to an account that may belong to someone under ${ctx.consentAge}.`;
  if (!ctx.decision.health) return 'Health & wellness items are left out because you have not allowed them (they need personalisation and health consent).';
  return null;
}

function audienceOf(ctx: ShopperContext | null): SearchAudience {
  if (!ctx) return { kind: 'anonymous' };
  const d = ctx.decision;
  return { kind: 'shopper', minor: d.minor, minorAge: ctx.consentAge, health: d.health, clickTracking: d.clickTracking };
}

export function createSearch(deps: CoreDeps, state: CoreState) {
  const { catalog, vectors } = state;
  // Query texts: cached and batched across concurrent searches (see query-embeddings.ts).
  const queries = new QueryEmbeddings(deps.embedder, { cacheSize: deps.settings.queryCacheSize, concurrency: deps.settings.embedThreads });

  const contextFor = (userId: string | undefined, at: Date) => (userId === undefined ? null : shopperContext(deps, state, userId, at));

  /**
   * The k nearest products that pass the filters: from the HNSW graph where it can answer, else
   * exactly from the product table in the scan worker (exact-nearest.ts), never by a scan of every
   * product on the request thread.
   */
  async function nearest(query: Float32Array, k: number, filters: ProductFilters | undefined, excludeIds: ReadonlySet<string>, allowHealth: boolean, signal?: AbortSignal): Promise<Array<{ id: string; score: number }>> {
    const accept = productPredicate(catalog, { filters, excludeIds, allowSensitive: allowHealth, rates: deps.settings.rates });
    const rules = listRules(filters ?? {}, excludeIds, allowHealth, accept, deps.settings.rates);
    const restriction = restrictionOf(vectors, rules);
    if (!restriction) return []; // a category or merchant no product has
    const index = deps.productIndex;
    // Without a richer filter the table's columns say how many pass (the excluded ids are a few
    // examples): the index need not estimate it through `accept`.
    const passing = rules.accept ? undefined : vectors.share(restriction);
    const fromGraph = index.searchGraph ? index.searchGraph(query, k, accept, passing) : index.search(query, k, accept);
    return fromGraph ?? exactNearest(vectors, state.scanner, query, k, restriction, accept, signal);
  }

  function respond(what: 'search' | 'similar', ctx: ShopperContext | null, hits: Array<{ id: string; score: number }>, at: Date, priceFilter: PriceFilterInfo): SearchResponse {
    const userRef = ctx?.ref ?? null;
    return {
      userId: ctx?.user.id ?? null,
      consent: ctx ? consentSummary(ctx.decision) : null,
      reason: healthReason(ctx),
      priceFilter,
      parameters: describeSearchParameters(what, audienceOf(ctx)),
      items: hits.map((h, i) => {
        const product = catalog.get(h.id)!;
        return { rank: i + 1, score: round4(h.score), product: productView(product), ...deps.tagger.tag({ product, credit: null, userRef, now: at }) };
      }),
    };
  }

  /** The vector of what was typed, weighted and/or shown; undefined when only examples were given. */
  async function queryVector(req: SearchRequest): Promise<Float32Array | undefined> {
    const parts: Float32Array[] = [];
    if (req.image !== undefined) {
      try {
        // Same rules as ingest: world-relative path, data: URL, or an allowlisted host (no SSRF).
        const { bytes } = await loadImage(req.image, { ...deps.settings, fetchImage: deps.fetchImage });
        parts.push((await deps.embedder.embedImages([bytes]))[0]!);
      } catch (err) {
        // Point the client at the field: the loader and the embedder do not know it is called "image".
        if (err instanceof AppError) throw new AppError(err.code, err.message, [{ path: 'image', message: err.message }], { cause: err });
        throw err;
      }
    }
    if (req.text !== undefined) parts.push(await queries.embed(req.text));
    if (req.terms !== undefined) {
      const entries = Object.entries(req.terms).filter(([, w]) => w !== 0);
      // Through the query cache too: concurrent terms are coalesced into one model call.
      const embedded = await Promise.all(entries.map(([term]) => queries.embed(term)));
      // Marqo-style weighted query: the weighted sum, so "ruffles": -0.5 pulls away from ruffles.
      parts.push(weightedCentroid(embedded, entries.map(([, w]) => w)));
    }
    if (parts.length === 0) return undefined;
    return parts.length === 1 ? parts[0]! : weightedCentroid(parts, parts.map(() => PART_WEIGHT));
  }

  /**
   * Vectors of example products (in the catalog) and posts (stored, of a creator who allows their
   * posts as a style source, and about health only for a named shopper with health consent).
   * @throws AppError VALIDATION_FAILED naming the example that cannot be used.
   */
  async function exampleVectors(refs: readonly ExampleRef[] | undefined, field: 'positive' | 'negative', allowHealth: boolean): Promise<Float32Array[]> {
    const out: Float32Array[] = [];
    for (const [k, ref] of (refs ?? []).entries()) {
      const refuse = (message: string) => new AppError('VALIDATION_FAILED', `${field}.${k}: ${message}`, [{ path: `${field}.${k}`, message }]);
      if (ref.productId !== undefined) {
        const v = catalog.has(ref.productId) ? (await vectors.getMany([ref.productId]))[0] : undefined;
        if (!v) throw refuse(`no product with id "${ref.productId}"`);
        out.push(v);
        continue;
      }
      const post = await deps.store.getPost(ref.postId!);
      const creator = post && (await deps.store.getCreator(post.creatorId));
      if (!post || !creator) throw refuse(`no post with id "${ref.postId}"`);
      if (!creator.optIns.styleSource) throw refuse(`the creator of post "${post.id}" does not allow their posts to be used as a style source`);
      if (!allowHealth && state.taxonomy.postIsHealth(post)) throw refuse(`post "${post.id}" is about health & wellness and can steer a search only for a shopper who allowed health items`);
      const v = (await deps.store.getVectors('post', [post.id], deps.embedder.modelId)).get(post.id);
      if (!v) throw refuse(`post "${post.id}" has no vector`);
      out.push(v);
    }
    return out;
  }

  /**
   * Products closest to the query and the positive examples, away from the negative ones, within the filters.
   * `signal`: the caller no longer wants the answer (its client went away); the search then rejects
   * with the signal's reason instead of waiting for an exact scan, which is dropped if nobody else waits.
   * @throws AppError NOT_FOUND when `userId` names no shopper.
   */
  async function search(req: SearchRequest, options: { signal?: AbortSignal } = {}): Promise<SearchResponse> {
    const { signal } = options;
    const at = deps.now();
    const ctx = await contextFor(req.userId, at); // before the (costly) embedding: an unknown shopper is a 404 at once
    const allowHealth = ctx?.decision.health ?? false;
    const priceFilter = priceFilterInfo(req.filters, deps.settings.rates, 'filters.currency');
    const q = await queryVector(req);
    const positives = [...(q ? [q] : []), ...(await exampleVectors(req.positive, 'positive', allowHealth))];
    const negatives = await exampleVectors(req.negative, 'negative', allowHealth);
    const examples = new Set([...(req.positive ?? []), ...(req.negative ?? [])].flatMap((r) => (r.productId !== undefined ? [r.productId] : [])));
    if ((req.strategy ?? 'average_vector') === 'average_vector' || negatives.length === 0 && positives.length === 1) {
      return respond('search', ctx, await nearest(averageVectorQuery(positives, negatives), req.limit, req.filters, examples, allowHealth, signal), at, priceFilter);
    }
    // best_score: re-score the nearest neighbours of every positive against all examples.
    const pool = new Set<string>();
    for (const p of positives) for (const hit of await nearest(p, Math.max(BEST_SCORE_POOL, req.limit * 4), req.filters, examples, allowHealth, signal)) pool.add(hit.id);
    const ids = [...pool];
    const found = await vectors.getMany(ids);
    const scored = ids.flatMap((id, i) => (found[i] ? [{ id, score: bestScore(found[i]!, positives, negatives) }] : []));
    scored.sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1));
    return respond('search', ctx, scored.slice(0, req.limit), at, priceFilter);
  }

  /**
   * Products that look and read like `productId` (itself excluded). Looking at a health product
   * does not unlock health items: only the named shopper's health consent does.
   * `signal` as for `search`.
   * @throws AppError NOT_FOUND for an unknown product or shopper.
   */
  async function similar(productId: string, limit: number, filters?: ProductFilters, userId?: string, options: { signal?: AbortSignal } = {}): Promise<SearchResponse> {
    const at = deps.now();
    const product = catalog.get(productId);
    const vector = product && (await vectors.getMany([productId]))[0];
    if (!product || !vector) throw new AppError('NOT_FOUND', `No product with id "${productId}".`);
    const ctx = await contextFor(userId, at);
    const priceFilter = priceFilterInfo(filters, deps.settings.rates, 'query.currency');
    return respond('similar', ctx, await nearest(vector, limit, filters, new Set([productId]), ctx?.decision.health ?? false, options.signal), at, priceFilter);
  }

  return { search, similar };
}
