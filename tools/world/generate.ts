/**
 * The world generator: one seed in, a complete world folder out (JSON + JPEG images).
 *
 * Determinism contract: the same options give byte-identical files. All randomness comes from
 * one seeded stream split into fixed sub-streams (catalog, creators, posts, users), every image
 * has its own seed chosen before rendering starts, and nothing reads the clock.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { AESTHETICS } from './aesthetics.js';
import { addBehaviour, drawAppeal } from './behaviour.js';
import { generateCatalog } from './catalog.js';
import { generateCreators, generatePosts } from './creators.js';
import { MERCHANTS, toMerchant } from './merchants.js';
import { createRng } from './prng.js';
import { PURCHASE_MODEL } from './purchases.js';
import { renderAll, type RenderJob } from './render/raster.js';
import type { WorldMeta } from './schema.js';
import { generateUsers } from './users.js';
import { CATEGORIES, COLOURS, PATTERNS } from './vocabulary.js';

/**
 * Bump on ANY change to what a seed produces (data or pixels), then `npm run fixtures`.
 * Written to world.json so caches of generated worlds (e.g. the training pipeline's) can tell a
 * stale world from a current one.
 */
export const GENERATOR_VERSION = 3;

/** The world's fixed "now". Posts and consent events are dated before it. */
export const REFERENCE_DATE = '2026-06-01T00:00:00Z';
export const PRODUCT_IMAGE_SIZE = 128;
export const POST_IMAGE_SIZE = 256;

export interface GenerateOptions {
  seed: number;
  outDir: string;
  products?: number;
  creators?: number;
  postsPerCreator?: number;
  users?: number;
  /** Parallel image renders (output does not depend on it). Default: 2 × CPU count, which keeps the threadpool busy while JS adds noise. */
  concurrency?: number;
  /** Skip writing images (JSON only), e.g. for fast unit tests of the data. */
  images?: boolean;
  /** Called after each rendered image with (done, total). */
  onProgress?: (done: number, total: number) => void;
}

/** The default world committed in fixtures/. */
export const DEFAULT_WORLD = { seed: 42, products: 2000, creators: 40, postsPerCreator: 10, users: 200 } as const;

const json = (value: unknown): string => JSON.stringify(value, null, 2) + '\n';

function worldMeta(seed: number, counts: WorldMeta['counts']): WorldMeta {
  const lexicon = {
    colours: Object.fromEntries(COLOURS.map((c) => [c.id, { name: c.name, synonyms: [...c.synonyms], rgb: [...c.rgb] as [number, number, number] }])),
    patterns: Object.fromEntries(PATTERNS.map((p) => [p.id, { name: p.name, synonyms: [...p.synonyms] }])),
    categories: Object.fromEntries(CATEGORIES.map((c) => [c.id, { name: c.name, synonyms: [...c.synonyms] }])),
  };
  return {
    formatVersion: 1,
    seed,
    generatorVersion: GENERATOR_VERSION,
    referenceDate: REFERENCE_DATE,
    purchaseModel: PURCHASE_MODEL,
    counts,
    vocabulary: {
      colours: COLOURS.map((c) => c.id),
      patterns: PATTERNS.map((p) => p.id),
      categories: CATEGORIES.map((c) => ({ id: c.id, group: c.group, ...(c.sensitive ? { sensitive: c.sensitive } : {}) })),
      aesthetics: [...AESTHETICS],
      lexicon,
    },
  };
}

/**
 * Generates a world into `outDir` (created if missing; its `images/products` and `images/posts`
 * folders are replaced so stale images never linger).
 * @example
 * await generateWorld({ seed: 7, outDir: '/tmp/w', products: 200, creators: 8, postsPerCreator: 3, users: 20 });
 */
export async function generateWorld(options: GenerateOptions): Promise<WorldMeta> {
  const { seed, outDir } = options;
  const nProducts = options.products ?? DEFAULT_WORLD.products;
  const nCreators = options.creators ?? DEFAULT_WORLD.creators;
  const perCreator = options.postsPerCreator ?? DEFAULT_WORLD.postsPerCreator;
  const nUsers = options.users ?? DEFAULT_WORLD.users;
  if (!Number.isInteger(seed)) throw new Error(`seed must be an integer, got ${seed}`);

  const referenceMs = Date.parse(REFERENCE_DATE);
  const root = createRng(seed);
  // Fixed fork order: each part has its own stream, so e.g. more users never changes products.
  // New streams are only ever appended, which keeps the catalog (and its images) of a seed as it
  // was under earlier versions.
  const catalogRng = root.fork();
  const creatorRng = root.fork();
  const postRng = root.fork();
  const userRng = root.fork();
  const appealRng = root.fork();
  const behaviourRng = root.fork();

  const catalog = generateCatalog(nProducts, catalogRng);
  const creators = generateCreators(nCreators, creatorRng);
  const posts = generatePosts(creators, perCreator, referenceMs, postRng);
  const appeal = drawAppeal(catalog.length, appealRng);
  const products = catalog.map((g, i) => ({ ...g.product, appeal: appeal[i]! }));
  const shoppers = generateUsers(nUsers, creators, referenceMs, userRng);
  const users = addBehaviour(shoppers, creators, posts, products, referenceMs, behaviourRng);
  const meta = worldMeta(seed, { products: products.length, creators: creators.length, posts: posts.length, users: users.length });

  await mkdir(outDir, { recursive: true });
  await Promise.all([
    writeFile(join(outDir, 'world.json'), json(meta)),
    writeFile(join(outDir, 'products.json'), json(products)),
    writeFile(join(outDir, 'creators.json'), json(creators.map((c) => c.creator))),
    writeFile(join(outDir, 'posts.json'), json(posts.map((p) => p.post))),
    writeFile(join(outDir, 'users.json'), json(users)),
    writeFile(join(outDir, 'merchants.json'), json(MERCHANTS.map(toMerchant))),
  ]);

  if (options.images !== false) {
    const productDir = join(outDir, 'images', 'products');
    const postDir = join(outDir, 'images', 'posts');
    await Promise.all([rm(productDir, { recursive: true, force: true }), rm(postDir, { recursive: true, force: true })]);
    await Promise.all([mkdir(productDir, { recursive: true }), mkdir(postDir, { recursive: true })]);
    const jobs: RenderJob[] = [
      ...catalog.map(({ product: p, renderSeed }) => ({
        kind: 'product' as const, looks: [p.attributes!], size: PRODUCT_IMAGE_SIZE, seed: renderSeed, outPath: join(outDir, p.image),
      })),
      ...posts.map(({ post, renderSeed }) => ({
        kind: 'post' as const, looks: post.items!, size: POST_IMAGE_SIZE, seed: renderSeed, outPath: join(outDir, post.image),
      })),
    ];
    let done = 0;
    await renderAll(jobs, options.concurrency ?? 2 * availableParallelism(), () => options.onProgress?.(++done, jobs.length));
  }
  return meta;
}
