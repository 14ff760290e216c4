/**
 * Loads a world into a throw-away data folder through the service itself (the composition root
 * `createService` with the server's configuration, and its `loadWorld` command), then uses the
 * service's core on it: once on the fused vectors the service uses, once each on image-only and
 * text-only vectors, and (given a degraded embedder) once on fused vectors from that embedder,
 * which also embeds that core's search queries. The variants run the very same core (profile →
 * retrieve → MMR, search, similar); only the vectors differ, so a comparison isolates the
 * modality or the model and no ranking code is written twice.
 *
 * When the world has histories (or post saves), a second service is built the same way on its own
 * data folder, the world loaded into it, and each shopper's pre-reference behaviour sent through
 * the feedback command (feedback.ts): the 'feedback' core. Its own store, so the events reach no
 * other method; the same memoised embedder, so nothing is embedded twice.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Config } from '../../src/config.js';
import type { ConsentDecider } from '../../src/consent/decide.js';
import { createCore, type Core } from '../../src/core/core.js';
import type { WorldProgress } from '../../src/core/commands/index.js';
import { productText } from '../../src/core/commands/products.js';
import { contentHash, fuse } from '../../src/embed/fusion.js';
import type { Embedder } from '../../src/embed/types.js';
import { chunks } from '../../src/embed/vectors.js';
import { HnswVectorIndex } from '../../src/index/hnsw-index.js';
import { loadImage } from '../../src/ingest/image-source.js';
import { silentLogger } from '../../src/log.js';
import type { ProductCatalog } from '../../src/retrieve/catalog.js';
import { createService, describeSettings } from '../../src/service.js';
import type { EntityKind, Store } from '../../src/store/types.js';
import { feedWorld, hasFeedback, type FeedSummary } from './feedback.js';
import { memoEmbedder } from './memo-embedder.js';
import type { EvalWorld } from './world.js';

/** 'feedback': the fused service with the world's history sent as feedback events (feedback.ts). */
export type Modality = 'fused' | 'image' | 'text' | 'degraded' | 'feedback';

export interface PreparedWorld {
  store: Store;
  catalog: ProductCatalog;
  decide: ConsentDecider;
  /** The service's core over each modality's vectors ('degraded' only when a degraded embedder was given). */
  cores: Partial<Record<Modality, Core>> & Record<'fused' | 'image' | 'text', Core>;
  /** Product vectors per modality (diversity is always measured on the fused ones). */
  productVectors: Partial<Record<Modality, Map<string, Float32Array>>> & Record<'fused' | 'image' | 'text', Map<string, Float32Array>>;
  /** What the feedback command kept and refused of the world's events; null when no 'feedback' core was built. */
  feedback: FeedSummary | null;
  /** Why the 'feedback' core was not built (null when it was). */
  feedbackNote: string | null;
  /** Image/text embeddings that were not in the ingest cache and had to be embedded again. */
  cacheMisses: number;
  /** The settings the service ran with (what the report prints): the server's, unless a flag changed them. */
  settings: ReturnType<typeof describeSettings>;
  close(): Promise<void>;
}

export interface PrepareOptions {
  /** The configuration the server would run with; only the data folder and world folder are replaced. */
  config: Config;
  embedder: Embedder;
  /** A deliberately worse embedder of the same dimension (degrade.ts): adds the 'degraded' core. */
  degraded?: Embedder;
  onProgress?: (p: WorldProgress) => void;
  /** Build the 'feedback' core when the world has histories or saves (default true). */
  feedback?: boolean;
}

export async function prepareWorld(world: EvalWorld, o: PrepareOptions): Promise<PreparedWorld> {
  const dir = mkdtempSync(join(tmpdir(), 'eval-'));
  // Remembered vectors: shop the look then searches by post images ingest already embedded.
  const embedder = memoEmbedder(o.embedder);
  const degraded = o.degraded && memoEmbedder(o.degraded);
  // Exactly the server's configuration, built by the same composition root; only where the data
  // lives differs, and the clock is the world's fixed "now" so profiles weigh posts the same on
  // every run. Remote images are never fetched.
  const config: Config = { ...o.config, DATA_DIR: dir, WORLD_DIR: world.dir, ALLOWED_IMAGE_HOSTS: [] };
  const loaded = async (dataDir: string) => {
    const s = await createService({ ...config, DATA_DIR: dataDir }, { embedder, now: () => world.referenceDate, log: silentLogger });
    const summary = await s.core.commands.loadWorld(world.dir, o.onProgress);
    for (const [stage, x] of Object.entries(summary)) {
      if (x.failed.length > 0) throw new Error(`eval: ${x.failed.length} ${stage} failed to ingest, first: ${JSON.stringify(x.failed[0])}`);
    }
    return s;
  };
  const service = await loaded(dir);
  const { store } = service;
  const modelId = embedder.modelId;

  const fusedProducts = new Map((await store.allVectors('product', modelId)).map((r) => [r.id, r.vector]));
  let cacheMisses = 0;
  const partVectors = async (kind: 'image' | 'text', items: Array<{ id: string; image: string; text: string }>) => {
    const out = new Map<string, Float32Array>();
    for (const item of items) {
      const input = kind === 'image' ? (await loadImage(item.image, { worldDir: world.dir, allowedImageHosts: [] })).bytes : item.text;
      const cached = await store.getCachedEmbedding(modelId, contentHash(kind, input));
      if (cached) out.set(item.id, cached);
      else {
        cacheMisses++;
        out.set(item.id, kind === 'image' ? (await embedder.embedImages([input as Uint8Array]))[0]! : (await embedder.embedTexts([input as string]))[0]!);
      }
    }
    return out;
  };
  const productItems = world.products.map((p) => ({ id: p.id, image: p.image, text: productText(p) }));
  const postItems = world.posts.map((p) => ({ id: p.id, image: p.image, text: p.caption }));

  const productVectors = { fused: fusedProducts } as PreparedWorld['productVectors'];
  const cores = { fused: service.core } as PreparedWorld['cores'];
  const variant = async (kind: Modality, products: Map<string, Float32Array>, posts: Map<string, Float32Array>, queryEmbedder = embedder) => {
    // The same HNSW settings as the service's index, over this variant's vectors.
    const index = await HnswVectorIndex.open({
      dir: join(dir, 'index'), name: `products-${kind}`, modelId: queryEmbedder.modelId, dimension: queryEmbedder.dimension,
      rebuild: async () => [...products].map(([id, vector]) => ({ id, vector })),
      m: config.HNSW_M, efConstruction: config.HNSW_EF_CONSTRUCTION, efSearch: config.HNSW_EF_SEARCH,
    });
    productVectors[kind] = products;
    cores[kind] = await createCore({ ...service.deps, embedder: queryEmbedder, store: withVectors(store, { product: products, post: posts }), productIndex: index });
  };
  for (const kind of ['image', 'text'] as const) await variant(kind, await partVectors(kind, productItems), await partVectors(kind, postItems));
  if (degraded) {
    const weights = { imageWeight: config.IMAGE_WEIGHT, textWeight: config.TEXT_WEIGHT };
    const fusedBy = (e: Embedder) => async (items: Array<{ id: string; image: string; text: string }>) => {
      const out = new Map<string, Float32Array>();
      for (const batch of chunks(items, config.EMBED_BATCH)) {
        const bytes = await Promise.all(batch.map(async (i) => (await loadImage(i.image, { worldDir: world.dir, allowedImageHosts: [] })).bytes));
        const [images, texts] = [await e.embedImages(bytes), await e.embedTexts(batch.map((i) => i.text))];
        batch.forEach((item, j) => out.set(item.id, fuse(images[j]!, texts[j]!, weights)));
      }
      return out;
    };
    const embed = fusedBy(degraded);
    await variant('degraded', await embed(productItems), await embed(postItems), degraded);
  }

  let feedback: FeedSummary | null = null;
  let feedbackNote: string | null = null;
  let withEvents: Awaited<ReturnType<typeof createService>> | undefined;
  const feedbackDir = mkdtempSync(join(tmpdir(), 'eval-feedback-'));
  if (o.feedback === false) feedbackNote = 'Service + feedback left out: not asked for (--no-feedback).';
  else if (!hasFeedback(world)) feedbackNote = 'Service + feedback left out: the world has no purchase histories or post saves to send as events.';
  // On PostgreSQL both services would share one database, and the events would reach "service" too.
  else if (config.DATABASE_URL) feedbackNote = 'Service + feedback left out: with DATABASE_URL both services would share one database; run the evaluation on the embedded store.';
  else {
    withEvents = await loaded(feedbackDir);
    feedback = await feedWorld(world, (records) => withEvents!.core.commands.importFeedback(records));
    cores.feedback = withEvents.core;
    productVectors.feedback = fusedProducts;
  }

  return {
    store, catalog: service.core.state.catalog, decide: service.core.state.decide, cores, productVectors, cacheMisses, feedback, feedbackNote,
    settings: describeSettings(config, embedder),
    async close() {
      await withEvents?.close();
      await service.close();
      rmSync(dir, { recursive: true, force: true });
      rmSync(feedbackDir, { recursive: true, force: true });
    },
  };
}

/** The store with its stored vectors replaced by another modality's; every other call goes through. */
function withVectors(store: Store, vectors: Record<EntityKind, Map<string, Float32Array>>): Store {
  const overrides: Partial<Store> = {
    async getVectors(kind, ids) {
      const source = vectors[kind];
      return new Map(ids.filter((id) => source.has(id)).map((id) => [id, source.get(id)!]));
    },
    async allVectors(kind) {
      return [...vectors[kind]].map(([id, vector]) => ({ id, vector }));
    },
  };
  return new Proxy(store, {
    get(target, prop, receiver) {
      if (prop in overrides) return overrides[prop as keyof Store];
      const value = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
