/**
 * Ingest of products and posts: validate each item, load its image (world path, data: URL or
 * allowlisted URL), embed image + text through the cache, fuse, then store the entity, its vector,
 * its media copy and its index entry. Results are per item: one bad item never sinks the batch.
 */
import { AppError } from '../errors.js';
import { Post, Product } from '../world/schema.js';
import type { EntityKind } from '../store/types.js';
import { embedFused } from './embed-items.js';
import { loadImage, type ImageBytes } from './image-source.js';
import { writeMedia } from './media.js';
import { failResult, okResult, type IngestDeps, type ItemResult } from './types.js';
import { parseItem } from './validate.js';

/** The text half of a product's vector. */
export const productText = (p: Product) => `${p.title}. ${p.description}`;

/**
 * @example
 * const results = await ingestProducts(body.items, deps); // [{ id: 'p1', ok: true }, { id: 'p2', ok: false, error }]
 */
export async function ingestProducts(items: unknown[], deps: IngestDeps): Promise<ItemResult[]> {
  return ingestEmbedded(items, deps, {
    kind: 'product',
    parse: (item, k) => parseItem(Product, item, k),
    text: productText,
    save: (products) => deps.store.upsertProducts(products),
    index: deps.productIndex,
  });
}

/**
 * Upserts posts of one creator; a post's `creatorId` may be omitted (the path names the creator).
 * @throws AppError NOT_FOUND when the creator does not exist.
 */
export async function ingestPosts(creatorId: string, items: unknown[], deps: IngestDeps): Promise<ItemResult[]> {
  if (!(await deps.store.getCreator(creatorId))) throw new AppError('NOT_FOUND', `No creator with id "${creatorId}".`);
  return ingestEmbedded(items, deps, {
    kind: 'post',
    parse: (item, k) => {
      const given = (item as { creatorId?: unknown } | null)?.creatorId;
      if (given !== undefined && given !== creatorId) {
        return { ok: false, result: failResult(String((item as { id?: unknown }).id ?? `#${k}`), 'VALIDATION_FAILED', `items.${k}.creatorId: must be "${creatorId}", the creator in the path`) };
      }
      return parseItem(Post, typeof item === 'object' && item !== null ? { ...item, creatorId } : item, k);
    },
    text: (p) => p.caption,
    save: (posts) => deps.store.upsertPosts(creatorId, posts),
    index: deps.postIndex,
  });
}

interface Plan<T extends { id: string; image: string }> {
  kind: EntityKind;
  parse: (item: unknown, k: number) => { ok: true; value: T } | { ok: false; result: ItemResult };
  text: (entity: T) => string;
  save: (entities: T[]) => Promise<void>;
  index?: IngestDeps['productIndex'];
}

async function ingestEmbedded<T extends { id: string; image: string }>(items: unknown[], deps: IngestDeps, plan: Plan<T>): Promise<ItemResult[]> {
  const results: ItemResult[] = new Array(items.length);
  const ready: Array<{ k: number; entity: T; media: ImageBytes }> = [];
  const rules = { worldDir: deps.config.worldDir, allowedImageHosts: deps.config.allowedImageHosts, fetchImage: deps.fetchImage };
  for (const [k, item] of items.entries()) {
    const parsed = plan.parse(item, k);
    if (!parsed.ok) {
      results[k] = parsed.result;
      continue;
    }
    try {
      ready.push({ k, entity: parsed.value, media: await loadImage(parsed.value.image, rules) });
    } catch (err) {
      results[k] = failure(parsed.value.id, err);
    }
  }

  const outcomes = await embedFused(ready.map((r) => ({ image: r.media.bytes, text: plan.text(r.entity) })), deps);
  const good: Array<{ k: number; entity: T; media: ImageBytes; vector: Float32Array }> = [];
  ready.forEach((r, i) => {
    const o = outcomes[i]!;
    if (o.ok) good.push({ ...r, vector: o.vector });
    else results[r.k] = failure(r.entity.id, o.error);
  });

  await Promise.all(good.map((g) => writeMedia(deps.config.mediaDir, plan.kind, g.entity.id, g.media)));
  // A data: URL is kept as media, not as a multi-kilobyte string in every read of the entity.
  await plan.save(good.map((g) => (g.entity.image.startsWith('data:') ? { ...g.entity, image: `/media/${plan.kind}s/${encodeURIComponent(g.entity.id)}` } : g.entity)));
  for (const g of good) {
    await deps.store.setVector(plan.kind, g.entity.id, deps.embedder.modelId, g.vector);
    plan.index?.upsert(g.entity.id, g.vector);
    results[g.k] = okResult(g.entity.id);
  }
  if (good.length > 0 && !deps.deferFlush) await plan.index?.flush();
  return results;
}

function failure(id: string, err: unknown): ItemResult {
  if (err instanceof AppError) return failResult(id, err.code, err.message);
  return failResult(id, 'INTERNAL', 'The item could not be ingested.');
}
