/**
 * The plain reads: one entity or a list, as the API shows them, plus the media gate and health.
 * Every read goes through the same checks as the ranked lists: a product that is not in the
 * catalog (removed, or half-written by a crash) is not found, and media is served only for an
 * entity that exists, so nothing removed is ever served even if its bytes are still on disk.
 */
import { z } from 'zod';
import { consentState, type ConsentState } from '../../consent/ledger.js';
import type { Creator, Post, Shopper } from '../../domain/index.js';
import { AppError } from '../../errors.js';
import { productPredicate } from '../../retrieve/filters.js';
import type { EntityKind, MediaFile } from '../../store/types.js';
import { getJob } from '../commands/jobs.js';
import type { CoreDeps } from '../deps.js';
import { decodeCursor, pageOf, type Page } from '../cursor.js';
import { postImageUrl, productView, shopperSummary, shopperView } from '../present.js';
import { priceFilterInfo } from '../price-filter.js';
import type { CreatorView, Health, PageQuery, ProductDetail, ProductList, ProductListQuery, ShopperView } from '../schemas.js';
import type { CoreState } from '../state.js';

const RECENT_POSTS = 12;

/** Where the last row of a page stood, per list; decoded from (and encoded into) opaque cursors. */
const IdPosition = z.string();
const PostPosition = z.object({ postedAt: z.string(), id: z.string() });

const postView = (p: Pick<Post, 'id' | 'caption' | 'postedAt' | 'engagement'>) => ({
  id: p.id, caption: p.caption, postedAt: p.postedAt, engagement: p.engagement, imageUrl: postImageUrl(p.id),
});

export function createEntityReads(deps: CoreDeps, state: CoreState) {
  const { store } = deps;
  const notFound = (what: string, id: string) => new AppError('NOT_FOUND', `No ${what} with id "${id}".`);

  return {
    /** @throws AppError NOT_FOUND */
    async getProduct(id: string): Promise<ProductDetail> {
      const p = state.catalog.get(id);
      if (!p) throw notFound('product', id);
      return { ...productView(p), description: p.description, url: p.url, health: state.catalog.isHealth(id) };
    },

    /** The category taxonomy as it applies now (async like every read: with replicas, the core catches up first). */
    async listCategories() {
      return state.taxonomy.list();
    },

    listMerchants: () => store.listMerchants(),

    /** Creators by id, a page at a time. @throws VALIDATION_FAILED for a cursor of another list */
    async listCreators(page: PageQuery): Promise<Page<Creator>> {
      const after = page.cursor ? decodeCursor('creators', page.cursor, IdPosition) : undefined;
      return pageOf('creators', await store.listCreators({ after, limit: page.limit + 1 }), page.limit, (c) => c.id);
    },

    /** A creator's posts, newest first, a page at a time. @throws NOT_FOUND, VALIDATION_FAILED */
    async listCreatorPosts(creatorId: string, page: PageQuery): Promise<Page<ReturnType<typeof postView>>> {
      if (!(await store.getCreator(creatorId))) throw notFound('creator', creatorId);
      const after = page.cursor ? decodeCursor(`posts:${creatorId}`, page.cursor, PostPosition) : undefined;
      const posts = await store.listCreatorPosts(creatorId, { after, limit: page.limit + 1 });
      const out = pageOf(`posts:${creatorId}`, posts, page.limit, (p) => ({ postedAt: p.postedAt, id: p.id }));
      return { items: out.items.map(postView), next: out.next };
    },

    /**
     * The catalog by id, within the filters, a page at a time. Not personalised (nobody's data is
     * used), so it is the same for every caller; health & wellness items are part of the catalog.
     * @throws VALIDATION_FAILED for a cursor of another list or an unknown currency
     */
    async listProducts(query: ProductListQuery): Promise<ProductList> {
      const { limit, cursor, ...filters } = query;
      const priceFilter = priceFilterInfo(filters, deps.settings.rates, 'query.currency');
      const after = cursor ? decodeCursor('products', cursor, IdPosition) : undefined;
      const accept = productPredicate(state.catalog, { filters, allowSensitive: true, rates: deps.settings.rates });
      const ids = state.catalog.sortedIds();
      const fetched: string[] = [];
      for (let i = after === undefined ? 0 : firstAfter(ids, after); i < ids.length && fetched.length <= limit; i++) {
        if (accept(ids[i]!)) fetched.push(ids[i]!);
      }
      const page = pageOf('products', fetched, limit, (id) => id);
      return { items: page.items.map((id) => productView(state.catalog.get(id)!)), next: page.next, priceFilter };
    },

    /** A creator with their most recent posts. @throws AppError NOT_FOUND */
    async getCreator(id: string): Promise<CreatorView> {
      const creator = await store.getCreator(id);
      if (!creator) throw notFound('creator', id);
      const posts = (await store.listPosts([id])).sort((a, b) => Date.parse(b.postedAt) - Date.parse(a.postedAt));
      return { ...creator, posts: posts.slice(0, RECENT_POSTS).map(postView) };
    },

    /** Shoppers by id, a page at a time. @throws VALIDATION_FAILED for a cursor of another list */
    async listShoppers(page: PageQuery) {
      const after = page.cursor ? decodeCursor('users', page.cursor, IdPosition) : undefined;
      const found = pageOf('users', await store.listUsers({ after, limit: page.limit + 1 }), page.limit, (u) => u.id);
      return { ...found, items: found.items.map(shopperSummary) };
    },

    /** A shopper and the creators they follow. @throws AppError NOT_FOUND */
    async getShopper(id: string): Promise<ShopperView> {
      const user = await store.getUser(id);
      if (!user) throw notFound('shopper', id);
      return shopperView(user, await store.getFollows(id));
    },

    /** Choices, the decision applied and the full history. @throws AppError NOT_FOUND */
    consentState: (userId: string): Promise<ConsentState> => consentState(store, deps.policy, userId, deps.now()),

    /** The image of a product in the catalog or of a stored post. @throws AppError NOT_FOUND */
    async media(kind: EntityKind, id: string): Promise<MediaFile> {
      const alive = kind === 'product' ? state.catalog.has(id) : (await store.getPost(id)) !== undefined;
      const media = alive ? await deps.media.get(kind, id) : undefined;
      if (!media) throw new AppError('NOT_FOUND', `No image for ${kind} "${id}".`);
      return media;
    },

    /** Progress and per-item errors of an embedding job. @throws AppError NOT_FOUND */
    job: (id: string) => getJob(deps, id),

    async health(): Promise<Health> {
      return {
        status: 'ok',
        model: { id: deps.embedder.modelId, dimension: deps.embedder.dimension },
        index: { products: deps.productIndex.size() },
        counts: await store.counts(),
      };
    },
  };
}

export type EntityReads = ReturnType<typeof createEntityReads>;

/** Index of the first id sorting after `after` (binary search over the sorted ids). */
function firstAfter(ids: readonly string[], after: string): number {
  let lo = 0;
  let hi = ids.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (ids[mid]! <= after) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
