/**
 * A tiny hand-made world with fixed 6-d vectors for the service tests: three "aesthetics" that
 * point along axes 0 (red), 1 (blue) and 2 (green), products and posts near their axis.
 * Creators: c-red (style source + affiliate), c-blue (style source only), c-green (no style
 * source). Also a health product near red (category "supplements", a health category of the
 * default taxonomy; "bag" is added to the taxonomy first). Everything is written through the real service's
 * commands; the vectors travel as the pixels of each item's image (`vectorPng`).
 */
import sharp from 'sharp';
import { dot, normalise } from '../../src/embed/vectors.js';
import type { Embedder } from '../../src/embed/types.js';
import type { Neighbour, VectorIndex } from '../../src/index/types.js';
import type { ConsentEvent, Creator, Post, Product } from '../../src/domain/index.js';
import { testService, type TestService, type TestServiceOptions } from '../helpers/service.js';

export { AXES, axisEmbedder, DIM, MODEL, vec, type Look } from './axis-embedder.js';
import { AXES, axisEmbedder, DIM, MODEL, vec, type Look } from './axis-embedder.js';

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
  id, creatorId, image: `images/posts/${id}.jpg`, caption: `post ${id.replace(/red|blue|green/g, 'x')}`,
  postedAt: new Date(NOW.getTime() - daysAgo * 86_400_000).toISOString(),
  engagement: { likes: 10, comments: 1, saves: 1 }, ...extra,
});

export const NOW = new Date('2026-06-01T12:00:00Z');
export const grant = (purpose: ConsentEvent['purpose'], granted = true, at = '2026-05-01T00:00:00Z'): ConsentEvent => ({
  purpose, granted, at, source: 'test', policyVersion: '2026-01',
});

/**
 * A vector as an image: its components (all in [0, 1] in this world) are the RGB bytes of a 1-row
 * PNG, so the vector survives any lossless re-encoding the service applies to stored images.
 */
export async function vectorPng(v: Float32Array): Promise<Buffer> {
  const width = Math.ceil(v.length / 3);
  const raw = Buffer.alloc(width * 3);
  v.forEach((x, i) => (raw[i] = Math.round(Math.max(0, Math.min(1, x)) * 255)));
  return sharp(raw, { raw: { width, height: 1, channels: 3 } }).png().toBuffer();
}
export const vectorImage = async (v: Float32Array) => `data:image/png;base64,${(await vectorPng(v)).toString('base64')}`;

export interface TestWorld extends TestService {
  /** Adds (or replaces) a product with this exact vector, through the write command. */
  addProduct(p: Product, v: Float32Array): Promise<void>;
  /** Adds posts of a creator with these exact vectors, through the write command. */
  addPosts(creatorId: string, posts: Array<{ post: Post; vector: Float32Array }>): Promise<void>;
}

/**
 * 10 products per look (red dresses are r0..r9, ...), one red health product, 3 posts per creator.
 * The response cache is off unless `responseCache` (its own tests and the HTTP tests turn it on),
 * so core tests see every list computed.
 */
export async function buildWorld(options: TestServiceOptions & { responseCache?: boolean } = {}): Promise<TestWorld> {
  const env = options.responseCache ? options.env : { RECOMMEND_CACHE_TTL_S: '0', ...options.env };
  const t = await testService({ embedder: axisEmbedder, now: () => NOW, ...options, env });
  const addProducts = async (items: Array<{ p: Product; v: Float32Array }>) => {
    const rows = await Promise.all(items.map(async ({ p, v }) => ({ ...p, image: await vectorImage(v) })));
    const results = await t.commands.upsertProducts(rows);
    const failed = results.filter((r) => !r.ok);
    if (failed.length) throw new Error(`test world: products refused: ${JSON.stringify(failed)}`);
  };
  const addPosts = async (creatorId: string, posts: Array<{ post: Post; vector: Float32Array }>) => {
    const rows = await Promise.all(posts.map(async ({ post, vector }) => ({ ...post, image: await vectorImage(vector) })));
    const results = await t.commands.upsertPosts(creatorId, rows);
    const failed = results.filter((r) => !r.ok);
    if (failed.length) throw new Error(`test world: posts refused: ${JSON.stringify(failed)}`);
  };
  // "bag" is not in the default taxonomy: extend it first, as a catalog would through PUT /v1/categories.
  const bag = await t.commands.upsertCategories([{ id: 'bag', group: 'bags' }]);
  if (!bag.every((r) => r.ok)) throw new Error(`test world: category refused: ${JSON.stringify(bag)}`);
  const items: Array<{ p: Product; v: Float32Array }> = [];
  for (const look of Object.keys(AXES) as Look[]) {
    for (let i = 0; i < 10; i++) {
      const category = i % 2 === 0 ? 'dress' : 'bag';
      items.push({ p: product(`${look[0]}${i}`, category, 10 + i * 10), v: vec(look, (i + 1) / 20, i) });
    }
  }
  items.push({ p: product('h0', 'supplements', 20), v: vec('red', 0.001) }); // health by its category
  await addProducts(items);
  await t.commands.upsertCreators([creator('c-red', true, true), creator('c-blue', true, false), creator('c-green', false, true)]);
  for (const [cid, look] of [['c-red', 'red'], ['c-blue', 'blue'], ['c-green', 'green']] as const) {
    await addPosts(cid, [0, 1, 2].map((j) => ({ post: post(`${cid}-p${j}`, cid, j * 10), vector: vec(look, (j + 1) / 30, j) })));
  }
  return { ...t, addProduct: (p, v) => addProducts([{ p, v }]), addPosts };
}

/** Creates an adult EU shopper following `follows` with the given consent events (through the commands). */
export async function addShopper(w: TestService, id: string, follows: string[], events: ConsentEvent[], ageBand: '25-34' | '13-15' = '25-34') {
  const [result] = await w.commands.importShoppers([{ id, displayName: id, region: 'DE', ageBand, follows, consents: events }]);
  if (!result?.ok) throw new Error(`test world: shopper refused: ${JSON.stringify(result)}`);
}
