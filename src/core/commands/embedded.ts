/**
 * The shared write path of the two embedded kinds (products and posts): validate each item, load
 * its image (world path, data: URL or allowlisted URL), embed image + text through the cache and
 * fuse, stage the media, then commit the entities with their vectors and media versions in one
 * store transaction, promote the media and let the caller publish (index, caches). Results are
 * per item: one bad item never sinks the batch.
 *
 * Atomic as seen from outside, even across a kill -9: until the commit nothing is visible (staged
 * media sits beside the old image), after it the store is the truth and start-up finishes the rest
 * (promotes staged media the store committed, rewrites index entries that disagree with it). The
 * commit, promotion and publication of concurrent batches run one batch at a time, so the image
 * and the index entry of an id always belong to the version the store committed last.
 */
import type { EntityKind, WithVector } from '../../store/types.js';
import { AppError } from '../../errors.js';
import { loadImage, type ImageBytes } from '../../ingest/image-source.js';
import { errorResult, failResult, okResult, type ItemResult } from '../../ingest/item-result.js';
import type { Parsed } from '../../ingest/validate.js';
import { postImageUrl, productImageUrl } from '../present.js';
import type { CoreDeps } from '../deps.js';
import { embedFused } from './embed-items.js';

export interface EmbeddedPlan<T extends { id: string; image: string }> {
  kind: EntityKind;
  parse: (item: unknown, k: number) => Parsed<T> | Promise<Parsed<T>>;
  /** The text half of the entity's vector. */
  text: (entity: T) => string;
  /** The one store transaction: entities, their vectors and media versions, all or nothing. */
  save: (items: WithVector<T>[]) => Promise<void>;
  /** Where an entity's image bytes come from (default: its `image` field, under the image rules). */
  load?: (entity: T) => Promise<ImageBytes>;
  /** Makes committed items visible (index, in-memory state, caches); runs in commit order. */
  publish: (items: WithVector<T>[]) => Promise<void>;
}

export interface EmbeddedOutcome<T> {
  results: ItemResult[];
  /** What was stored, in input order. */
  written: WithVector<T>[];
}

export async function writeEmbedded<T extends { id: string; image: string }>(
  items: unknown[],
  deps: CoreDeps,
  plan: EmbeddedPlan<T>,
  worldDir: string = deps.settings.worldDir,
): Promise<EmbeddedOutcome<T>> {
  const results: ItemResult[] = new Array(items.length);
  const ready: Array<{ k: number; entity: T; media: ImageBytes }> = [];
  const { allowedImageHosts, imageFetchTimeoutMs, imageMaxBytes } = deps.settings;
  const rules = { worldDir, allowedImageHosts, imageFetchTimeoutMs, imageMaxBytes, fetchImage: deps.fetchImage };
  const parsed: Array<{ k: number; entity: T }> = [];
  for (const [k, item] of items.entries()) {
    const p = await plan.parse(item, k);
    if (p.ok) parsed.push({ k, entity: p.value });
    else results[k] = p.result;
  }
  // Images are decoded and re-encoded a few at a time (sharp runs on the libuv pool), in input order.
  const loaded = await mapLimit(parsed, IMAGE_CONCURRENCY, ({ entity }) =>
    (plan.load ? plan.load(entity) : loadImage(entity.image, rules)).then((media) => ({ media }), (error: unknown) => ({ error })),
  );
  parsed.forEach(({ k, entity }, i) => {
    const l = loaded[i]!;
    if ('media' in l) ready.push({ k, entity, media: l.media });
    else results[k] = failure(entity.id, l.error);
  });

  const outcomes = await embedFused(ready.map((r) => ({ image: r.media.bytes, text: plan.text(r.entity) })), deps);
  const good: Array<{ k: number; entity: T; media: ImageBytes; vector: Float32Array }> = [];
  ready.forEach((r, i) => {
    const o = outcomes[i]!;
    if (o.ok) good.push({ ...r, vector: o.vector });
    else results[r.k] = failure(r.entity.id, o.error);
  });

  if (good.length === 0) return { results, written: [] };
  // Items are upserted in order, so the last item of a duplicated id is the one the store keeps.
  const last = new Map(good.map((g, i) => [g.entity.id, i]));
  const staged = await Promise.all(good.map((g, i) => (last.get(g.entity.id) === i ? deps.media.stage(plan.kind, g.entity.id, g.media) : undefined)));
  const imageUrl = plan.kind === 'product' ? productImageUrl : postImageUrl;
  // A data: URL is kept as media, not as a multi-kilobyte string in every read of the entity.
  const written = good.map((g) => ({
    entity: g.entity.image.startsWith('data:') ? { ...g.entity, image: imageUrl(g.entity.id) } : g.entity,
    vector: g.vector,
    mediaVersion: staged[last.get(g.entity.id)!]!.version,
  }));
  const crash = deps.crashPoint ?? (() => {});
  crash('media-staged');
  const mine = staged.filter((s) => s !== undefined);
  await deps.writes(async () => {
    try {
      await plan.save(written);
    } catch (err) {
      await Promise.all(mine.map((s) => deps.media.discard(s)));
      throw err;
    }
    crash('store-committed');
    await Promise.all(mine.map((s) => deps.media.promote(s)));
    crash('media-promoted');
    await plan.publish(written);
  });
  for (const g of good) results[g.k] = okResult(g.entity.id);
  return { results, written };
}

/** Images loaded at once per write: enough to keep two cores busy, few enough to bound memory. */
const IMAGE_CONCURRENCY = 4;

/** `fn` over `items` with at most `limit` running at once; results in input order. */
async function mapLimit<A, B>(items: readonly A[], limit: number, fn: (a: A) => Promise<B>): Promise<B[]> {
  const out = new Array<B>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

function failure(id: string, err: unknown): ItemResult {
  if (err instanceof AppError) return errorResult(id, err);
  return failResult(id, 'INTERNAL', 'The item could not be ingested.');
}
