/**
 * Loads a world into a throw-away data folder through the service's own ingest (SQLite store +
 * HNSW index + embedding cache), then builds the service's recommendation core on it: once on the
 * fused vectors the service uses, and once each on image-only and text-only vectors. The modality
 * variants run the very same core (profile → retrieve → MMR); only the vectors differ, so the
 * comparison isolates the modality and no ranking code is written twice.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTagger } from '../affiliate/tagger.js';
import type { Config } from '../config.js';
import { decideConsent } from '../consent/decide.js';
import { policyFromConfig } from '../consent/policy.js';
import { contentHash } from '../embed/fusion.js';
import type { Embedder } from '../embed/types.js';
import { HnswVectorIndex } from '../index/hnsw-index.js';
import type { VectorIndex } from '../index/types.js';
import { productText } from '../ingest/catalog.js';
import { loadImage } from '../ingest/image-source.js';
import { ingestWorld, type WorldProgress } from '../ingest/world.js';
import { createCore, type Core } from '../recommend/core.js';
import type { ConsentDecider } from '../recommend/ports.js';
import { ProductCatalog } from '../retrieve/catalog.js';
import { openSqliteStore } from '../store/sqlite-store.js';
import type { EntityKind, Store } from '../store/types.js';
import type { EvalWorld } from './world.js';

export type Modality = 'fused' | 'image' | 'text';

export interface PreparedWorld {
  store: Store;
  catalog: ProductCatalog;
  decide: ConsentDecider;
  /** The service's core over each modality's vectors. */
  cores: Record<Modality, Core>;
  /** Product vectors per modality (diversity is always measured on the fused ones). */
  productVectors: Record<Modality, Map<string, Float32Array>>;
  /** Image/text embeddings that were not in the ingest cache and had to be embedded again. */
  cacheMisses: number;
  close(): Promise<void>;
}

export interface PrepareOptions {
  config: Config;
  embedder: Pick<Embedder, 'modelId' | 'dimension' | 'embedTexts' | 'embedImages'>;
  onProgress?: (p: WorldProgress) => void;
}

export async function prepareWorld(world: EvalWorld, o: PrepareOptions): Promise<PreparedWorld> {
  const dir = mkdtempSync(join(tmpdir(), 'eval-'));
  const { config, embedder } = o;
  const store = openSqliteStore({ path: join(dir, 'store.db') });
  const modelId = embedder.modelId;
  const openIndex = (name: string, items: Array<{ id: string; vector: Float32Array }>) =>
    HnswVectorIndex.open({ dir: join(dir, 'index'), name, modelId, dimension: embedder.dimension, rebuild: async () => items });
  const productIndex = await openIndex('products', []);
  const settings = { worldDir: world.dir, allowedImageHosts: [], imageWeight: config.IMAGE_WEIGHT, textWeight: config.TEXT_WEIGHT, mediaDir: join(dir, 'media') };
  const summary = await ingestWorld(world.dir, { store, productIndex, embedder, config: settings }, o.onProgress);
  for (const [stage, s] of Object.entries(summary)) {
    if (s.failed.length > 0) throw new Error(`eval: ${s.failed.length} ${stage} failed to ingest, first: ${JSON.stringify(s.failed[0])}`);
  }

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

  const catalog = await ProductCatalog.load(store);
  const policy = policyFromConfig(config);
  const decide: ConsentDecider = (user, events, now) => decideConsent(user, events, policy, now);
  const tagger = createTagger({ merchants: world.merchants, secret: config.LINK_SECRET, tokenTtlSeconds: config.TOKEN_TTL });
  const makeCore = (s: Store, index: VectorIndex) =>
    createCore({
      store: s, productIndex: index, embedder, catalog, decideConsent: decide, tagger,
      settings: { halfLifeDays: config.PROFILE_HALF_LIFE_DAYS, worldDir: world.dir, allowedImageHosts: [] },
      now: () => world.referenceDate,
    });

  const productVectors = { fused: fusedProducts } as Record<Modality, Map<string, Float32Array>>;
  const cores = { fused: makeCore(store, productIndex) } as Record<Modality, Core>;
  for (const kind of ['image', 'text'] as const) {
    const products = await partVectors(kind, productItems);
    const posts = await partVectors(kind, postItems);
    const index = await openIndex(`products-${kind}`, [...products].map(([id, vector]) => ({ id, vector })));
    productVectors[kind] = products;
    cores[kind] = makeCore(withVectors(store, { product: products, post: posts }), index);
  }

  return {
    store, catalog, decide, cores, productVectors, cacheMisses,
    async close() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
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
