/**
 * A tiny hand-made world with fixed 6-d vectors for the service tests: three "aesthetics" that
 * point along axes 0 (red), 1 (blue) and 2 (green), products and posts near their axis.
 * Creators: c-red (style source + affiliate), c-blue (style source only), c-green (no style
 * source). Also a health product and a health post near red.
 */
import { decideConsent } from '../../src/consent/decide.js';
import { defaultPolicy } from '../../src/consent/policy.js';
import type { Embedder } from '../../src/embed/types.js';
import type { Neighbour, VectorIndex } from '../../src/index/types.js';
import { createCore, type Core, type CoreDeps } from '../../src/recommend/core.js';
import type { Tagger } from '../../src/recommend/ports.js';
import { dot, normalise } from '../../src/embed/vectors.js';
import { ProductCatalog } from '../../src/retrieve/catalog.js';
import { openSqliteStore } from '../../src/store/sqlite-store.js';
import type { Store } from '../../src/store/types.js';
import type { ConsentEvent, Creator, Post, Product } from '../../src/world/schema.js';

export const DIM = 6;
export const MODEL = 'fixed-test-vectors';
export const AXES = { red: 0, blue: 1, green: 2 } as const;
export type Look = keyof typeof AXES;

/** A unit vector along the look's axis, nudged by `jitter` into one of the spare dimensions 3..5. */
export function vec(look: Look, jitter: number, slot = 0): Float32Array {
  const v = new Float32Array(DIM);
  v[AXES[look]] = 1;
  v[3 + (slot % 3)] = jitter;
  return normalise(v);
}

/** Brute-force cosine index: the exact baseline, enough for a few dozen vectors. */
export class BruteIndex implements VectorIndex {
  readonly meta = { modelId: MODEL, dimension: DIM, space: 'cosine' as const, capacity: 1000 };
  private readonly vectors = new Map<string, Float32Array>();
  size() { return this.vectors.size; }
  has(id: string) { return this.vectors.has(id); }
  upsert(id: string, v: Float32Array) { this.vectors.set(id, v); }
  remove(id: string) { return this.vectors.delete(id); }
  search(q: Float32Array, k: number, filter?: (id: string) => boolean): Neighbour[] {
    return [...this.vectors]
      .filter(([id]) => !filter || filter(id))
      .map(([id, v]) => ({ id, score: dot(q, v) }))
      .sort((a, b) => b.score - a.score)
      .slice(0, Math.max(0, k));
  }
  async flush() {}
}

export const product = (id: string, category: string, price: number, extra: Partial<Product> = {}): Product => ({
  id, title: `Item ${id}`, description: `A ${category}`, brand: 'Acme', category, price, currency: 'EUR',
  merchant: 'm-test', url: `https://shop.example/${id}`, network: 'utm', image: `images/products/${id}.jpg`, ...extra,
});

export const creator = (id: string, styleSource: boolean, affiliate: boolean): Creator => ({
  id, handle: `@${id}`, displayName: id.toUpperCase(), aesthetics: ['x'], optIns: { styleSource, affiliate },
});

export const post = (id: string, creatorId: string, daysAgo: number, extra: Partial<Post> = {}): Post => ({
  id, creatorId, image: `images/posts/${id}.jpg`, caption: `post ${id}`,
  postedAt: new Date(NOW.getTime() - daysAgo * 86_400_000).toISOString(),
  engagement: { likes: 10, comments: 1, saves: 1 }, ...extra,
});

export const NOW = new Date('2026-06-01T12:00:00Z');
export const grant = (purpose: ConsentEvent['purpose'], granted = true, at = '2026-05-01T00:00:00Z'): ConsentEvent => ({
  purpose, granted, at, source: 'test', policyVersion: '2026-01',
});

export const fakeTagger: Tagger = {
  tag: ({ product, creator, userRef }) => ({
    affiliateUrl: `/r/${product.id}${creator?.optIns.affiliate ? `.${creator.id}` : ''}${userRef ? `.${userRef}` : ''}`,
    disclosure: creator?.optIns.affiliate ? `Paid link: we and ${creator.handle} may earn a commission.` : 'Paid link: we may earn a commission.',
  }),
};

/** Texts containing a look's name embed along its axis; images are not supported here. */
export const axisEmbedder: Pick<Embedder, 'modelId' | 'embedTexts' | 'embedImages'> = {
  modelId: MODEL,
  async embedTexts(texts) {
    return texts.map((t) => vec((Object.keys(AXES).find((k) => t.includes(k)) ?? 'green') as Look, 0));
  },
  async embedImages(images) {
    return images.map(() => vec('blue', 0.05));
  },
};

export interface TestWorld {
  store: Store;
  index: BruteIndex;
  catalog: ProductCatalog;
  core: Core;
  deps: CoreDeps;
  /** Adds a product to store, vector store, index and catalog like the API does. */
  addProduct(p: Product, v: Float32Array): Promise<void>;
  removeProduct(id: string): Promise<void>;
}

/** 10 products per look (red dresses are r0..r9, ...), one red health product, 3 posts per creator. */
export async function buildWorld(): Promise<TestWorld> {
  const store = openSqliteStore({ path: ':memory:' });
  const index = new BruteIndex();
  const catalog = ProductCatalog.empty();
  const addProduct = async (p: Product, v: Float32Array) => {
    await store.upsertProducts([p]);
    await store.setVector('product', p.id, MODEL, v);
    index.upsert(p.id, v);
    catalog.upsert([p]);
  };
  for (const look of Object.keys(AXES) as Look[]) {
    for (let i = 0; i < 10; i++) {
      const category = i % 2 === 0 ? 'dress' : 'bag';
      await addProduct(product(`${look[0]}${i}`, category, 10 + i * 10), vec(look, (i + 1) / 20, i));
    }
  }
  await addProduct(product('h0', 'supplements', 20, { sensitive: 'health' }), vec('red', 0.001));
  await store.upsertCreators([creator('c-red', true, true), creator('c-blue', true, false), creator('c-green', false, true)]);
  for (const [cid, look] of [['c-red', 'red'], ['c-blue', 'blue'], ['c-green', 'green']] as const) {
    const posts = [0, 1, 2].map((j) => post(`${cid}-p${j}`, cid, j * 10));
    await store.upsertPosts(cid, posts);
    for (const [j, p] of posts.entries()) await store.setVector('post', p.id, MODEL, vec(look, (j + 1) / 30, j));
  }
  const deps: CoreDeps = {
    store, productIndex: index, embedder: axisEmbedder, catalog, tagger: fakeTagger,
    decideConsent: (user, events, now) => decideConsent(user, events, defaultPolicy(), now),
    settings: { halfLifeDays: 30, worldDir: '/nonexistent', allowedImageHosts: [] },
    now: () => NOW,
  };
  const core = createCore(deps);
  const removeProduct = async (id: string) => {
    await store.deleteProduct(id);
    index.remove(id);
    core.productRemoved(id);
  };
  return { store, index, catalog, core, deps, addProduct, removeProduct };
}

/** Creates an adult EU shopper following `follows` with the given consent events. */
export async function addShopper(w: TestWorld, id: string, follows: string[], events: ConsentEvent[], ageBand: '25-34' | '13-15' = '25-34') {
  await w.store.upsertUser({ id, displayName: id, region: 'DE', ageBand });
  await w.store.setFollows(id, follows);
  if (events.length) await w.store.appendConsents(id, events);
}
