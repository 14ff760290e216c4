/**
 * A large catalog for the API benchmark without embedding 100k images: the fixture world is
 * ingested for real (creators, posts, shoppers, 2k products, all embedded by the shipped model),
 * then the catalog is padded with synthetic products whose vectors are a real product's vector
 * plus small noise, so they live in the model's actual embedding space. Built once into
 * `.bench-tmp/` and reused while the model, dimension and index settings stay the same.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../../src/config.js';
import type { Embedder } from '../../src/embed/types.js';
import { silentLogger } from '../../src/log.js';
import { createService } from '../../src/service.js';
import type { Product } from '../../tools/world/schema.js';
import { benchTmp } from './stats.js';
import { gaussian, rng } from './vectors.js';

export interface BigCatalog {
  /** The data folder: open it with `createService({ ...config, DATA_DIR: dataDir })`. */
  dataDir: string;
  /** How the padded index was built (measured once, when the folder was created). */
  build: { products: number; indexInsertsPerS: number; indexSeconds: number; m: number; efConstruction: number; totalSeconds?: number; dimension?: number };
}

export interface BigCatalogOptions {
  size: number;
  /** The service's configuration (HNSW, fusion, world): the catalog is built with exactly it. */
  config: Config;
  embedder: Embedder;
  /** Changes whenever the model files change (same model id, new weights), so no stale vectors are reused. */
  modelFingerprint: string;
  log?: (msg: string) => void;
}

const BATCH = 2000;

/** Size + mtime of the model's ONNX files: new weights under the same model id get a new catalog. */
export function modelFingerprint(modelsDir: string, modelId: string): string {
  const h = createHash('sha256');
  for (const f of ['onnx/text_model.onnx', 'onnx/vision_model.onnx']) {
    const path = join(modelsDir, modelId, f);
    if (existsSync(path)) h.update(`${f}:${statSync(path).size}:${statSync(path).mtimeMs}`);
  }
  return h.digest('hex').slice(0, 8);
}

/**
 * Builds (once) a data folder holding the fixture world, loaded through the service's own
 * `loadWorld`, padded with synthetic products. The padding is a bulk load of precomputed vectors:
 * it is written to the store and index of a service that is closed before anyone serves from the
 * folder, so the serving service loads it like any data folder.
 */
export async function openBigCatalog(o: BigCatalogOptions): Promise<BigCatalog> {
  const { config } = o;
  const tag = `${o.embedder.modelId}-${o.modelFingerprint}-${o.size}-m${config.HNSW_M}-efc${config.HNSW_EF_CONSTRUCTION}`;
  const dataDir = join(benchTmp(), `api-${tag}`);
  const ready = join(dataDir, 'ready.json');
  if (existsSync(ready)) return { dataDir, build: JSON.parse(readFileSync(ready, 'utf8')) };

  o.log?.(`building a ${o.size.toLocaleString('en-US')}-product catalog (${o.embedder.dimension}-d) in ${dataDir} (once)`);
  const started = performance.now();
  const service = await createService({ ...config, DATA_DIR: dataDir }, { embedder: o.embedder, log: silentLogger });
  const { store, productIndex } = service;
  await service.core.commands.loadWorld(config.WORLD_DIR);
  const real = JSON.parse(readFileSync(join(config.WORLD_DIR, 'products.json'), 'utf8')) as Product[];
  const vectors = await store.getVectors('product', real.map((p) => p.id), o.embedder.modelId);
  const g = gaussian(rng(7));
  const dim = o.embedder.dimension;
  const sigma = 0.45 / Math.sqrt(dim); // noise of norm ~0.45: cosine ~0.9 to the product it copies

  let indexSeconds = 0;
  for (let start = real.length; start < o.size; start += BATCH) {
    const batch: Array<{ entity: Product; vector: Float32Array }> = [];
    for (let i = start; i < Math.min(start + BATCH, o.size); i++) {
      const base = real[i % real.length]!;
      const { attributes: _truth, ...product } = base;
      const v = Float32Array.from(vectors.get(base.id)!, (x) => x + sigma * g());
      let norm = 0;
      for (let d = 0; d < dim; d++) norm += v[d]! * v[d]!;
      norm = Math.sqrt(norm);
      for (let d = 0; d < dim; d++) v[d] /= norm;
      batch.push({ entity: { ...product, id: `syn${String(i).padStart(7, '0')}`, title: `${base.title} (#${i})` }, vector: v });
    }
    await store.upsertProducts(batch, o.embedder.modelId);
    const t0 = performance.now();
    for (const { entity, vector } of batch) productIndex.upsert(entity.id, vector);
    indexSeconds += (performance.now() - t0) / 1000;
    const done = start + batch.length - real.length;
    if (done % 50_000 < BATCH) o.log?.(`  ${(start + batch.length).toLocaleString('en-US')} products, index inserts ${(done / Math.max(indexSeconds, 1e-9)).toFixed(0)}/s, ${((performance.now() - started) / 1000).toFixed(0)} s`);
  }
  await service.close();
  const padded = o.size - real.length;
  const build = {
    products: o.size, dimension: dim, indexInsertsPerS: padded / indexSeconds, indexSeconds,
    totalSeconds: (performance.now() - started) / 1000, m: config.HNSW_M, efConstruction: config.HNSW_EF_CONSTRUCTION,
  };
  writeFileSync(ready, JSON.stringify(build));
  return { dataDir, build };
}
