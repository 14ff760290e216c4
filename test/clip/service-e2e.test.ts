/**
 * End to end: the real server (`npm start`: src/server.ts, the composition root, the model in a
 * worker thread; one child process per start, see server-process.ts) switched from the shipped
 * model to a real-CLIP-shaped folder (CLIP's tokenizer, configs and file names; ViT-B/32-shaped
 * towers with random weights, tools/clip/assemble.ts), float and then quantized, and back, all on
 * ONE DATA_DIR. Runs via `npm run test:clip-e2e` (minutes on two cores), not `npm test`:
 *
 *   1. style-clip-mini on an empty DATA_DIR loads a small generated world (128-d vectors).
 *   2. MODEL_ID=clip-vit-base-patch32: the index is rebuilt for 512-d (empty: nothing is embedded
 *      under that id yet; start-up warns), products and posts are ingested again through the HTTP
 *      API, and recommendations, text and image search and similar answer through HTTP.
 *   3. MODEL_QUANTIZED=true: `npm run ingest` with the server stopped, then the same reads;
 *      the vectors live under "clip-vit-base-patch32:q8".
 *   4. Back to style-clip-mini: nothing re-embedded, the 128-d vectors are untouched and the
 *      recommendations are exactly those of step 1.
 *
 * The weights are noise, so this checks the plumbing (dimensions, model ids, tokenizer, image path,
 * index rebuilds, every read), not ranking quality. Skipped, with the reason printed, when CLIP's
 * reference files are absent (../shared/clip-reference) or the ONNX files can be neither found in
 * models/.work/clip-onnx-cache nor made (python3-torch + python3-onnx).
 */
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Post, Product } from '../../src/domain/index.js';
import { openSqliteStore } from '../../src/store/sqlite-store.js';
import { assembleRealClipFolder } from '../../tools/clip/assemble.js';
import { cachedRandomClipOnnx, pythonCanExport } from '../../tools/clip/onnx-cache.js';
import { REPO_ROOT } from '../../tools/clip/paths.js';
import { generateWorld } from '../../tools/world/generate.js';
import { SKIP_REASON } from './reference.js';
import { runIngestProcess, startServerProcess, type ServerProcess } from './server-process.js';

/** The fields of `schema` only: world files carry ground-truth fields the API refuses. */
function apiFields(schema: { shape: Record<string, unknown> }, item: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(item).filter(([k]) => k in schema.shape));
}

const ONNX_REASON = (await cachedRandomClipOnnx(true)) || (await pythonCanExport())
  ? null
  : 'no cached ONNX files in models/.work/clip-onnx-cache and no python with torch + onnx to make them';
const SKIP = SKIP_REASON ?? ONNX_REASON;
if (SKIP) console.warn(`[test/clip/service-e2e] SKIPPED: ${SKIP}`);

const CLIP = 'clip-vit-base-patch32';
const SHIPPED = 'style-clip-mini';
/** 200 products and ~30 posts: enough for every read; each CLIP ingest of them takes minutes on 2 cores. */
const WORLD = { seed: 1212, products: 200, creators: 6, postsPerCreator: 5, users: 24 } as const;
const KEYS = { admin: 'e2e-clip-admin-key', app: 'e2e-clip-app-key' };
const LONG = 20 * 60_000;

interface WorldProduct { id: string; image: string; [k: string]: unknown }
interface WorldPost { id: string; creatorId: string; [k: string]: unknown }

let root: string;
let worldDir: string;
let dataDir: string;
let clipModels: string;
let products: WorldProduct[];
let posts: WorldPost[];
let userIds: string[];
const timings: Record<string, number> = {};

function env(model: 'shipped' | 'float' | 'quantized'): Record<string, string> {
  return {
    DATA_DIR: dataDir, WORLD_DIR: worldDir, API_KEYS: `admin:${KEYS.admin},app:${KEYS.app}`, EMBED_THREADS: '1',
    ...(model === 'shipped'
      ? { MODELS_DIR: path.join(REPO_ROOT, 'models'), MODEL_ID: SHIPPED }
      : { MODELS_DIR: clipModels, MODEL_ID: CLIP, MODEL_QUANTIZED: String(model === 'quantized') }),
  };
}

async function timed<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const t = performance.now();
  try {
    return await fn();
  } finally {
    timings[name] = Math.round(performance.now() - t) / 1000;
  }
}

async function call(server: ServerProcess, method: string, url: string, body?: unknown, key = KEYS.app): Promise<any> {
  const res = await fetch(`${server.url}${url}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${url} -> ${res.status}: ${text.slice(0, 500)}`);
  return JSON.parse(text);
}

/** Recommendations (the first personalised shoppers), text + image search, similar: what the API answers. */
async function reads(server: ServerProcess) {
  const recs: Record<string, string[]> = {};
  for (const id of userIds) {
    const r = await call(server, 'GET', `/v1/users/${id}/recommendations?limit=10`);
    if (r.personalized) recs[id] = r.items.map((i: { product: { id: string } }) => i.product.id);
    if (Object.keys(recs).length === 3) break;
  }
  const text = await call(server, 'POST', '/v1/search', { text: 'striped linen dress for the weekend', limit: 5 });
  const probe = products[7]!;
  const image = await call(server, 'POST', '/v1/search', { image: probe.image, limit: 5 });
  const dataUrl = `data:image/jpeg;base64,${(await readFile(path.join(worldDir, probe.image))).toString('base64')}`;
  const both = await call(server, 'POST', '/v1/search', { image: dataUrl, text: 'in red', limit: 5 });
  const similar = await call(server, 'GET', `/v1/products/${probe.id}/similar?limit=5`);
  return { recs, text, image, both, similar, probe };
}

/** Every read answered with real items: personalised lists cite a post, links are signed, nothing is empty. */
function expectAnswers(r: Awaited<ReturnType<typeof reads>>): void {
  expect(Object.keys(r.recs).length).toBeGreaterThan(0);
  for (const ids of Object.values(r.recs)) expect(ids).toHaveLength(10);
  for (const res of [r.text, r.image, r.both, r.similar]) {
    expect(res.items).toHaveLength(5);
    for (const item of res.items) expect(item.affiliateUrl).toMatch(/^\/r\//);
  }
  expect(r.similar.items.map((i: { product: { id: string } }) => i.product.id)).not.toContain(r.probe.id);
}

/** What the stopped server left in DATA_DIR: vector counts per model id and a sample of product vectors. */
async function stored(modelIds: string[], sample: string[]) {
  const store = openSqliteStore({ path: path.join(dataDir, 'store.db') });
  try {
    const out: Record<string, { products: number; posts: number; vectors: Array<readonly [string, number[]]> }> = {};
    for (const id of modelIds) {
      const vectors = [...(await store.getVectors('product', sample, id)).entries()].map(([p, v]) => [p, Array.from(v)] as const).sort((a, b) => a[0].localeCompare(b[0]));
      out[id] = { products: await store.countVectors('product', id), posts: await store.countVectors('post', id), vectors };
    }
    return out;
  } finally {
    await store.close();
  }
}

const switchWarning = (server: ServerProcess) => server.logs.find((l) => l.msg === 'products without a vector under this model');

describe.skipIf(!!SKIP)('the service on a real-CLIP folder, float and quantized, beside the shipped model on one DATA_DIR', () => {
  const sample = () => products.slice(0, 20).map((p) => p.id);
  let shippedRecs: Record<string, string[]>;
  let shippedVectors: Array<readonly [string, number[]]>;

  beforeAll(async () => {
    // Under the repository's git-ignored tmp/ (not os.tmpdir()) so the ~760 MB of ONNX are hard links.
    await mkdir(path.join(REPO_ROOT, 'tmp'), { recursive: true });
    root = await mkdtemp(path.join(REPO_ROOT, 'tmp', 'clip-e2e-'));
    worldDir = path.join(root, 'world');
    dataDir = path.join(root, 'data');
    clipModels = path.join(root, 'models');
    await timed('generate world', () => generateWorld({ ...WORLD, outDir: worldDir }));
    await timed('assemble CLIP folder', () => assembleRealClipFolder(path.join(clipModels, CLIP), { quantized: true, log: (l) => console.log(l) }));
    products = JSON.parse(await readFile(path.join(worldDir, 'products.json'), 'utf8')) as WorldProduct[];
    posts = JSON.parse(await readFile(path.join(worldDir, 'posts.json'), 'utf8')) as WorldPost[];
    userIds = (JSON.parse(await readFile(path.join(worldDir, 'users.json'), 'utf8')) as Array<{ id: string }>).map((u) => u.id);
  }, LONG);
  afterAll(async () => {
    console.log(`service-e2e timings (s): ${JSON.stringify(timings)}`);
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('1. style-clip-mini loads the world into the empty DATA_DIR (128-d)', async () => {
    const server = await timed('1 shipped: start + world load', () => startServerProcess(env('shipped')));
    try {
      const health = await call(server, 'GET', '/health');
      expect(health.model).toEqual({ id: SHIPPED, dimension: 128 });
      expect(health.counts).toMatchObject({ products: WORLD.products, posts: posts.length });
      expect(health.index.products).toBe(WORLD.products);
      const r = await reads(server);
      expectAnswers(r);
      shippedRecs = r.recs;
    } finally {
      await server.stop();
    }
    const data = await stored([SHIPPED], sample());
    expect(data[SHIPPED]).toMatchObject({ products: WORLD.products, posts: posts.length });
    expect(data[SHIPPED]!.vectors[0]![1]).toHaveLength(128);
    shippedVectors = data[SHIPPED]!.vectors;
  }, LONG);

  it('2. float CLIP on the same DATA_DIR: index rebuilt for 512-d, products and posts ingested over HTTP, every read answers', async () => {
    const server = await timed('2 float: start', () => startServerProcess(env('float')));
    try {
      let health = await call(server, 'GET', '/health');
      expect(health.model).toEqual({ id: CLIP, dimension: 512 });
      expect(health.index.products).toBe(0); // rebuilt for the new model id and dimension: nothing embedded under it yet
      expect(server.logs.find((l) => l.msg === 'vector index rebuilt')).toBeDefined();
      expect(switchWarning(server)).toMatchObject({ model: CLIP, products: WORLD.products, withVector: 0 });

      await timed('2 float: ingest over HTTP', async () => {
        for (let i = 0; i < products.length; i += 100) {
          // Only the API's fields: the world's ground truth (attributes, appeal) is refused by name.
          const items = products.slice(i, i + 100).map((p) => apiFields(Product, p));
          expect(await call(server, 'PUT', '/v1/products', { items }, KEYS.admin)).toMatchObject({ ok: items.length, failed: 0 });
        }
        for (const creatorId of new Set(posts.map((p) => p.creatorId))) {
          const items = posts.filter((p) => p.creatorId === creatorId).map((p) => apiFields(Post, p));
          expect(await call(server, 'PUT', `/v1/creators/${creatorId}/posts`, { items }, KEYS.admin)).toMatchObject({ ok: items.length, failed: 0 });
        }
      });
      health = await call(server, 'GET', '/health');
      expect(health.index.products).toBe(WORLD.products);
      expectAnswers(await timed('2 float: reads', () => reads(server)));
    } finally {
      await server.stop();
    }
    const data = await stored([SHIPPED, CLIP], sample());
    expect(data[CLIP]).toMatchObject({ products: WORLD.products, posts: posts.length });
    expect(data[CLIP]!.vectors[0]![1]).toHaveLength(512);
    expect(data[SHIPPED]).toMatchObject({ products: WORLD.products, posts: posts.length });
    expect(data[SHIPPED]!.vectors).toEqual(shippedVectors); // the shipped model's data untouched
  }, LONG);

  it('3. quantized CLIP: `npm run ingest` with the server stopped, then every read answers under "<id>:q8"', async () => {
    const summary = await timed('3 quantized: npm run ingest', () => runIngestProcess(worldDir, env('quantized')));
    expect(summary).toMatch(new RegExp(`products\\s+${WORLD.products} ok\\s+0 rejected`));
    expect(summary).toMatch(new RegExp(`posts\\s+${posts.length} ok\\s+0 rejected`));
    const server = await timed('3 quantized: start', () => startServerProcess(env('quantized')));
    try {
      const health = await call(server, 'GET', '/health');
      expect(health.model).toEqual({ id: `${CLIP}:q8`, dimension: 512 });
      expect(health.index.products).toBe(WORLD.products);
      expect(switchWarning(server)).toBeUndefined();
      expectAnswers(await timed('3 quantized: reads', () => reads(server)));
    } finally {
      await server.stop();
    }
    const data = await stored([SHIPPED, CLIP, `${CLIP}:q8`], sample());
    for (const id of [SHIPPED, CLIP, `${CLIP}:q8`]) expect(data[id], id).toMatchObject({ products: WORLD.products, posts: posts.length });
    // Near the float vectors (INT8 noise) but never the same rows: the two are kept apart by model id.
    const [q, f] = [data[`${CLIP}:q8`]!.vectors, data[CLIP]!.vectors];
    const cos = q.map(([, v], i) => v.reduce((acc, x, j) => acc + x * f[i]![1][j]!, 0));
    expect(Math.min(...cos)).toBeGreaterThan(0.98);
    expect(Math.max(...cos)).toBeLessThan(0.999999);
    expect(data[SHIPPED]!.vectors).toEqual(shippedVectors);
  }, LONG);

  it('4. back to style-clip-mini: the index is rebuilt from the untouched 128-d vectors and recommends exactly as before', async () => {
    const server = await timed('4 shipped again: start', () => startServerProcess(env('shipped')));
    try {
      const health = await call(server, 'GET', '/health');
      expect(health.model).toEqual({ id: SHIPPED, dimension: 128 });
      expect(health.index.products).toBe(WORLD.products);
      expect(switchWarning(server)).toBeUndefined();
      const r = await reads(server);
      expectAnswers(r);
      expect(r.recs).toEqual(shippedRecs);
    } finally {
      await server.stop();
    }
    expect((await stored([SHIPPED], sample()))[SHIPPED]!.vectors).toEqual(shippedVectors);
  }, LONG);
});
