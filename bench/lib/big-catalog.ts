/**
 * A large catalog for the API benchmark without embedding 100k images: the fixture world is
 * ingested for real (creators, posts, shoppers, 2k products, all embedded by the shipped model),
 * then the catalog is padded with synthetic products whose vectors are a real product's vector
 * plus small noise, so they live in the model's actual embedding space. Built once into
 * `.bench-tmp/` and reused while the model and index settings stay the same.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Embedder } from '../../src/embed/types.js';
import { HnswVectorIndex } from '../../src/index/hnsw-index.js';
import { ingestWorld } from '../../src/ingest/world.js';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite-store.js';
import type { Product } from '../../src/world/schema.js';
import { benchTmp } from './stats.js';
import { gaussian, rng } from './vectors.js';

export interface BigCatalog {
  store: SqliteStore;
  productIndex: HnswVectorIndex;
  dataDir: string;
  /** How the padded index was built (measured once, when the folder was created). */
  build: { products: number; indexInsertsPerS: number; indexSeconds: number; m: number; efConstruction: number };
}

export interface BigCatalogOptions {
  size: number;
  worldDir: string;
  embedder: Pick<Embedder, 'modelId' | 'dimension' | 'embedTexts' | 'embedImages'>;
  fusion: { imageWeight: number; textWeight: number };
  /** Changes whenever the model files change (same model id, new weights), so no stale vectors are reused. */
  modelFingerprint: string;
  /** Index build settings; undefined = HnswVectorIndex's shipped defaults. */
  m?: number;
  efConstruction?: number;
  efSearch?: number;
  log?: (msg: string) => void;
}

export async function openBigCatalog(o: BigCatalogOptions): Promise<BigCatalog> {
  const tag = `${o.embedder.modelId}-${o.modelFingerprint}-${o.size}-m${o.m ?? 'default'}-efc${o.efConstruction ?? 'default'}`;
  const dataDir = join(benchTmp(), `api-${tag}`);
  const ready = join(dataDir, 'ready.json');
  const store = openSqliteStore({ path: join(dataDir, 'store.db') });
  const open = () =>
    HnswVectorIndex.open({
      dir: join(dataDir, 'index'), name: 'products', modelId: o.embedder.modelId, dimension: o.embedder.dimension,
      rebuild: () => store.allVectors('product', o.embedder.modelId), capacity: o.size, m: o.m, efConstruction: o.efConstruction, efSearch: o.efSearch,
    });
  if (existsSync(ready)) return { store, productIndex: await open(), dataDir, build: JSON.parse(readFileSync(ready, 'utf8')) };

  const productIndex = await open();
  o.log?.(`building a ${o.size.toLocaleString('en-US')}-product catalog in ${dataDir} (once)`);
  const config = { worldDir: o.worldDir, allowedImageHosts: [], ...o.fusion, mediaDir: join(dataDir, 'media') };
  await ingestWorld(o.worldDir, { store, productIndex, embedder: o.embedder, config });
  const real = JSON.parse(readFileSync(join(o.worldDir, 'products.json'), 'utf8')) as Product[];
  const vectors = await store.getVectors('product', real.map((p) => p.id), o.embedder.modelId);
  const g = gaussian(rng(7));
  const dim = o.embedder.dimension;
  const sigma = 0.45 / Math.sqrt(dim); // noise of norm ~0.45: cosine ~0.9 to the product it copies

  let indexSeconds = 0;
  for (let start = real.length; start < o.size; start += 1000) {
    const batch: Product[] = [];
    const batchVectors: Float32Array[] = [];
    for (let i = start; i < Math.min(start + 1000, o.size); i++) {
      const base = real[i % real.length]!;
      const v = Float32Array.from(vectors.get(base.id)!, (x) => x + sigma * g());
      let norm = 0;
      for (let d = 0; d < dim; d++) norm += v[d]! * v[d]!;
      norm = Math.sqrt(norm);
      for (let d = 0; d < dim; d++) v[d] /= norm;
      batch.push({ ...base, id: `syn${String(i).padStart(6, '0')}`, title: `${base.title} (#${i})` });
      batchVectors.push(v);
    }
    await store.upsertProducts(batch);
    for (let j = 0; j < batch.length; j++) await store.setVector('product', batch[j]!.id, o.embedder.modelId, batchVectors[j]!);
    const t0 = performance.now();
    for (let j = 0; j < batch.length; j++) productIndex.upsert(batch[j]!.id, batchVectors[j]!);
    indexSeconds += (performance.now() - t0) / 1000;
    if ((start - real.length) % 10_000 < 1000) o.log?.(`  ${start.toLocaleString('en-US')} products, index inserts ${((start - real.length) / Math.max(indexSeconds, 1e-9)).toFixed(0)}/s`);
  }
  await productIndex.flush();
  const settings = (productIndex as unknown as { settings: { m: number; efConstruction: number } }).settings;
  const padded = o.size - real.length;
  const build = { products: o.size, indexInsertsPerS: padded / indexSeconds, indexSeconds, m: settings.m, efConstruction: settings.efConstruction };
  writeFileSync(ready, JSON.stringify(build));
  return { store, productIndex, dataDir, build };
}
