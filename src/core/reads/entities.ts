/**
 * The plain reads: one entity or a list, as the API shows them, plus the media gate and health.
 * Every read goes through the same checks as the ranked lists: a product that is not in the
 * catalog (removed, or half-written by a crash) is not found, and media is served only for an
 * entity that exists, so nothing removed is ever served even if its bytes are still on disk.
 */
import { consentState, type ConsentState } from '../../consent/ledger.js';
import { AppError } from '../../errors.js';
import type { ClickGroupBy, EntityKind, MediaFile } from '../../store/types.js';
import { getJob } from '../commands/jobs.js';
import type { CoreDeps } from '../deps.js';
import { postImageUrl, productView, shopperSummary, shopperView } from '../present.js';
import type { ClickReport, CreatorView, Health, ProductDetail, ShopperView } from '../schemas.js';
import type { CoreState } from '../state.js';

const RECENT_POSTS = 12;

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

    listCreators: () => store.listCreators(),

    /** A creator with their most recent posts. @throws AppError NOT_FOUND */
    async getCreator(id: string): Promise<CreatorView> {
      const creator = await store.getCreator(id);
      if (!creator) throw notFound('creator', id);
      const posts = (await store.listPosts([id])).sort((a, b) => Date.parse(b.postedAt) - Date.parse(a.postedAt));
      return {
        ...creator,
        posts: posts.slice(0, RECENT_POSTS).map((p) => ({ id: p.id, caption: p.caption, postedAt: p.postedAt, engagement: p.engagement, imageUrl: postImageUrl(p.id) })),
      };
    },

    listShoppers: async () => (await store.listUsers()).map(shopperSummary),

    /** A shopper and the creators they follow. @throws AppError NOT_FOUND */
    async getShopper(id: string): Promise<ShopperView> {
      const user = await store.getUser(id);
      if (!user) throw notFound('shopper', id);
      return shopperView(user, await store.getFollows(id));
    },

    /** Choices, the decision applied and the full history. @throws AppError NOT_FOUND */
    consentState: (userId: string): Promise<ConsentState> => consentState(store, deps.policy, userId, deps.now()),

    async clickReport(groupBy: ClickGroupBy, range: { from?: string; to?: string }): Promise<ClickReport> {
      const rows = await store.clickReport(groupBy, range);
      return { groupBy, from: range.from ?? null, to: range.to ?? null, total: rows.reduce((n, r) => n + r.clicks, 0), rows };
    },

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
