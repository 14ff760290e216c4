/**
 * The project's own index classes, driven the way the service drives them, for the index benchmark:
 * `ExactIndex` (the brute-force baseline) and `HnswVectorIndex` as shipped (string ids, a
 * Float32Array per call, `Array.from` inside `upsert`/`search`).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../src/config.js';
import { ExactIndex } from '../../src/index/exact-index.js';
import { HnswVectorIndex } from '../../src/index/hnsw-index.js';
import { benchTmp } from './stats.js';

export const idOf = (i: number) => `p${i}`;

export function projectExact(data: Float32Array, dim: number): ExactIndex {
  const index = new ExactIndex({ modelId: 'bench', dimension: dim });
  for (let i = 0; i < data.length / dim; i++) index.upsert(idOf(i), data.subarray(i * dim, (i + 1) * dim));
  return index;
}

/** An empty shipped index in a temp folder (M/efConstruction/ef as the service's config unless given). */
export async function projectHnsw(dim: number, capacity: number, o: { m?: number; efConstruction?: number; efSearch?: number } = {}) {
  const dir = mkdtempSync(join(benchTmp(), 'hnsw-'));
  const config = loadConfig({});
  const settings = { m: o.m ?? config.HNSW_M, efConstruction: o.efConstruction ?? config.HNSW_EF_CONSTRUCTION, efSearch: o.efSearch ?? config.HNSW_EF_SEARCH };
  const index = await HnswVectorIndex.open({ dir, name: 'bench', modelId: 'bench', dimension: dim, capacity, rebuild: async () => [], ...settings });
  return { index, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}
