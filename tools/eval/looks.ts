/**
 * The two look metrics, measured on the service's own search and similar reads:
 *
 * - shop the look: for each post, the products with exactly the look (colour, pattern and
 *   category) of one of its items are relevant; Recall@k of `core.search` by the post's image,
 *   by image + caption, and by the variants' queries. Search never returns health products, so
 *   they are not counted as relevant either; posts with no relevant product are skipped.
 * - similar products: for each product, the share of `core.similar`'s top k that share colour,
 *   pattern AND category with it (and each attribute alone).
 *
 * Each comes with its ceiling (the best any ranking could do with k slots) and a 95% bootstrap
 * interval over posts or products. Both need ground truth (post `items`, product `attributes`);
 * a world without it gets neither.
 */
import type { Core } from '../../src/core/core.js';
import { SearchRequest } from '../../src/core/schemas.js';
import { createRng } from '../world/prng.js';
import type { Look } from '../world/schema.js';
import { hash32 } from './baselines.js';
import type { Modality, PreparedWorld } from './prepare.js';
import { diffEstimate, meanEstimate, resamples, type Estimate } from './stats.js';
import type { EvalWorld } from './world.js';

export type ShopQuery = 'image' | 'image+caption' | 'caption';

export interface LookMethod {
  id: string;
  label: string;
  /** The core whose search/similar runs (null: the seeded random ranking). */
  modality: Modality | null;
  query: ShopQuery;
}

/** Shop-the-look rows: the fused service by image and by image + caption, the variants, random. */
export const SHOP_METHODS: readonly LookMethod[] = [
  { id: 'random', label: 'Random', modality: null, query: 'image' },
  { id: 'degraded', label: 'Degraded embedding, image', modality: 'degraded', query: 'image' },
  { id: 'text-only', label: 'Text only, caption', modality: 'text', query: 'caption' },
  { id: 'image-only', label: 'Image only, image', modality: 'image', query: 'image' },
  { id: 'fused-image', label: 'Service, post image', modality: 'fused', query: 'image' },
  { id: 'fused-image-caption', label: 'Service, image + caption', modality: 'fused', query: 'image+caption' },
];

export const SIMILAR_METHODS: readonly LookMethod[] = [
  { id: 'random', label: 'Random', modality: null, query: 'image' },
  { id: 'degraded', label: 'Degraded embedding', modality: 'degraded', query: 'image' },
  { id: 'text-only', label: 'Text only', modality: 'text', query: 'image' },
  { id: 'image-only', label: 'Image only', modality: 'image', query: 'image' },
  { id: 'fused', label: 'Service', modality: 'fused', query: 'image' },
];

export interface ShopResult {
  id: string;
  label: string;
  recall: Estimate;
  perPost: number[];
}

export interface SimilarResult {
  id: string;
  label: string;
  /** Share of the top k with the same colour, pattern and category. */
  look: Estimate;
  colour: Estimate;
  pattern: Estimate;
  category: Estimate;
  perProduct: number[];
}

export interface LookResults {
  k: number;
  shop: { posts: number; ceiling: Estimate; methods: ShopResult[]; captionGain: Estimate | null } | null;
  similar: { products: number; ceiling: Estimate; methods: SimilarResult[] } | null;
  notes: string[];
}

const key = (l: Look) => `${l.colour}|${l.pattern}|${l.category}`;

export async function evaluateLooks(world: EvalWorld, prepared: PreparedWorld, k = 10, seed = 1, onStep?: (label: string) => void): Promise<LookResults> {
  const notes: string[] = [];
  const labelled = world.products.filter((p) => p.attributes && prepared.catalog.get(p.id));
  const byLook = new Map<string, string[]>();
  for (const p of labelled) byLook.set(key(p.attributes!), [...(byLook.get(key(p.attributes!)) ?? []), p.id]);
  const attrs = new Map(labelled.map((p) => [p.id, p.attributes!]));
  const searchable = world.products.filter((p) => !p.sensitive && prepared.catalog.get(p.id)).map((p) => p.id);
  const healthy = new Set(searchable);
  const coreFor = (m: LookMethod): Core | undefined => (m.modality ? prepared.cores[m.modality] : undefined);
  const randomTop = (seedKey: string, pool: readonly string[]) => createRng(seed ^ hash32(seedKey)).shuffle(pool).slice(0, k);

  let shop: LookResults['shop'] = null;
  const posts = world.posts
    .filter((p) => p.items && p.items.length > 0)
    .map((p) => ({ post: p, relevant: new Set(p.items!.flatMap((i) => byLook.get(key(i)) ?? []).filter((id) => healthy.has(id))) }))
    .filter((x) => x.relevant.size > 0);
  if (labelled.length === 0) notes.push('Shop the look and similar products left out: the products carry no ground-truth `attributes`.');
  else if (posts.length === 0) notes.push('Shop the look left out: no post has ground-truth `items` matching a product.');
  else {
    const r = resamples(posts.length);
    const methods: ShopResult[] = [];
    for (const m of SHOP_METHODS) {
      const core = coreFor(m);
      if (m.modality && !core) continue;
      const perPost: number[] = [];
      for (const { post, relevant } of posts) {
        let ids: string[];
        if (!core) ids = randomTop(post.id, searchable);
        else {
          const req = SearchRequest.parse({
            limit: k,
            ...(m.query !== 'caption' ? { image: post.image } : {}),
            ...(m.query !== 'image' && post.caption.trim() ? { text: post.caption.slice(0, 500) } : {}),
          });
          ids = (await core.search(req)).items.map((i) => i.product.id);
        }
        perPost.push(ids.filter((id) => relevant.has(id)).length / relevant.size);
      }
      methods.push({ id: m.id, label: m.label, recall: meanEstimate(perPost, r), perPost });
      onStep?.(`shop the look: ${m.label}`);
    }
    const ceiling = meanEstimate(posts.map(({ relevant }) => Math.min(k, relevant.size) / relevant.size), r);
    const withCaption = methods.find((m) => m.id === 'fused-image-caption');
    const imageOnly = methods.find((m) => m.id === 'fused-image');
    shop = { posts: posts.length, ceiling, methods, captionGain: withCaption && imageOnly ? diffEstimate(withCaption.perPost, imageOnly.perPost, r) : null };
  }

  let similar: LookResults['similar'] = null;
  const queries = labelled.filter((p) => (byLook.get(key(p.attributes!))?.length ?? 0) > 1);
  if (labelled.length > 0 && queries.length > 0) {
    const r = resamples(queries.length);
    const methods: SimilarResult[] = [];
    const pools = { plain: labelled.filter((p) => !p.sensitive).map((p) => p.id), health: labelled.map((p) => p.id) };
    for (const m of SIMILAR_METHODS) {
      const core = coreFor(m);
      if (m.modality && !core) continue;
      const rows = { look: [] as number[], colour: [] as number[], pattern: [] as number[], category: [] as number[] };
      for (const q of queries) {
        const a = q.attributes!;
        // Similar allows health products only for a health query product, like the service.
        const pool = (q.sensitive ? pools.health : pools.plain).filter((id) => id !== q.id);
        const ids = core ? (await core.similar(q.id, k)).items.map((i) => i.product.id) : randomTop(q.id, pool);
        const share = (same: (b: Look) => boolean) => ids.filter((id) => attrs.has(id) && same(attrs.get(id)!)).length / k;
        rows.look.push(share((b) => key(b) === key(a)));
        rows.colour.push(share((b) => b.colour === a.colour));
        rows.pattern.push(share((b) => b.pattern === a.pattern));
        rows.category.push(share((b) => b.category === a.category));
      }
      methods.push({
        id: m.id, label: m.label, perProduct: rows.look,
        look: meanEstimate(rows.look, r), colour: meanEstimate(rows.colour, r), pattern: meanEstimate(rows.pattern, r), category: meanEstimate(rows.category, r),
      });
      onStep?.(`similar: ${m.label}`);
    }
    const ceiling = meanEstimate(queries.map((q) => Math.min(k, byLook.get(key(q.attributes!))!.length - 1) / k), r);
    similar = { products: queries.length, ceiling, methods };
  }
  return { k, shop, similar, notes };
}
