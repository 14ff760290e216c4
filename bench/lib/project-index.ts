/**
 * The project's own index classes, driven the way the service drives them, for the index benchmark:
 * `ExactIndex` (the brute-force baseline) and `HnswVectorIndex` as shipped (string ids, a
 * Float32Array per call, `Array.from` inside `upsert`/`search`).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ExactIndex } from '../../src/index/exact-index.js';
import { HnswVectorIndex } from '../../src/index/hnsw-index.js';
import { benchTmp } from './stats.js';

export const idOf = (i: number) => `p${i}`;

export function projectExact(data: Float32Array, dim: number): ExactIndex {
  const index = new ExactIndex({ modelId: 'bench', dimension: dim });
  for (let i = 0; i < data.length / dim; i++) index.upsert(idOf(i), data.subarray(i * dim, (i + 1) * dim));
  return index;
}

/** An empty shipped index in a temp folder (M/efConstruction as the service's defaults unless given). */
export async function projectHnsw(dim: number, capacity: number, o: { m?: number; efConstruction?: number; efSearch?: number } = {}) {
  const dir = mkdtempSync(join(benchTmp(), 'hnsw-'));
  const index = await HnswVectorIndex.open({ dir, name: 'bench', modelId: 'bench', dimension: dim, capacity, rebuild: async () => [], ...o });
  return { index, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}
