/**
 * search ("shop the look") and similar products. Neither profiles anyone: the order is the same for
 * everyone who asks the same thing. What a shopper's consent changes is what may be shown and
 * linked, so a caller may name the shopper (`userId`) and their decision then applies exactly as
 * for recommendations: health & wellness items (by the category taxonomy) only for an adult with
 * health consent, their link pseudonym only with click tracking, minors never either. Without a
 * shopper, privacy by default: no health items, no reference in links. Every list says so in
 * `parameters` (DSA Art. 27) and, when health items were left out, in `reason`.
 */
import { weightedCentroid } from '../../embed/vectors.js';
import { AppError } from '../../errors.js';
import { loadImage } from '../../ingest/image-source.js';
import { describeSearchParameters, type SearchAudience } from '../../rank/parameters.js';
import { productPredicate } from '../../retrieve/filters.js';
import type { CoreDeps } from '../deps.js';
import { productView, round4 } from '../present.js';
import type { ProductFilters, SearchRequest, SearchResponse } from '../schemas.js';
import type { CoreState } from '../state.js';
import { consentSummary, shopperContext, type ShopperContext } from './shopper-context.js';

/** Text and image count equally in a combined query ("this photo, but in red"). */
const QUERY_WEIGHTS = [0.5, 0.5];

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

  const contextFor = (userId: string | undefined, at: Date) => (userId === undefined ? null : shopperContext(deps, state, userId, at));

  function respond(what: 'search' | 'similar', ctx: ShopperContext | null, hits: Array<{ id: string; score: number }>, at: Date): SearchResponse {
    const userRef = ctx?.ref ?? null;
    return {
      userId: ctx?.user.id ?? null,
      consent: ctx ? consentSummary(ctx.decision) : null,
      reason: healthReason(ctx),
      parameters: describeSearchParameters(what, audienceOf(ctx)),
      items: hits.map((h, i) => {
        const product = catalog.get(h.id)!;
        return { rank: i + 1, score: round4(h.score), product: productView(product), ...deps.tagger.tag({ product, credit: null, userRef, now: at }) };
      }),
    };
  }

  async function queryVector(req: SearchRequest): Promise<Float32Array> {
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
    if (req.text !== undefined) parts.push((await deps.embedder.embedTexts([req.text]))[0]!);
    if (parts.length === 0) throw new AppError('VALIDATION_FAILED', 'Give text, image or both.', [{ path: 'text', message: 'give text, image or both' }]);
    return parts.length === 1 ? parts[0]! : weightedCentroid(parts, QUERY_WEIGHTS);
  }

  /**
   * Products closest to a text and/or image query, within the filters.
   * @throws AppError NOT_FOUND when `userId` names no shopper.
   */
  async function search(req: SearchRequest): Promise<SearchResponse> {
    const at = deps.now();
    const ctx = await contextFor(req.userId, at); // before the (costly) embedding: an unknown shopper is a 404 at once
    const q = await queryVector(req);
    const accept = productPredicate(catalog, { filters: req.filters, allowSensitive: ctx?.decision.health ?? false });
    return respond('search', ctx, deps.productIndex.search(q, req.limit, accept), at);
  }

  /**
   * Products that look and read like `productId` (itself excluded). Looking at a health product
   * does not unlock health items: only the named shopper's health consent does.
   * @throws AppError NOT_FOUND for an unknown product or shopper.
   */
  async function similar(productId: string, limit: number, filters?: ProductFilters, userId?: string): Promise<SearchResponse> {
    const at = deps.now();
    const product = catalog.get(productId);
    const vector = product && (await vectors.getMany([productId]))[0];
    if (!product || !vector) throw new AppError('NOT_FOUND', `No product with id "${productId}".`);
    const ctx = await contextFor(userId, at);
    const accept = productPredicate(catalog, { filters, excludeIds: new Set([productId]), allowSensitive: ctx?.decision.health ?? false });
    return respond('similar', ctx, deps.productIndex.search(vector, limit, accept), at);
  }

  return { search, similar };
}
