/**
 * Checks that the index benchmark's synthetic vectors look like the shipped model's real product
 * vectors, on the two statistics that decide how hard ANN search is: local intrinsic dimension
 * (MLE, Levina & Bickel 2004, k = 20) and the cosine of the 1st / 10th nearest neighbour.
 *
 *   npm run bench:calibrate
 *
 * Real vectors: fixtures/ products embedded and fused by the service's ingest into a temp folder.
 * Synthetic: bench/lib/vectors.ts at the same count, for several within-cluster ranks.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../src/config.js';
import { ExactIndex } from '../src/index/exact-index.js';
import { createConfiguredEmbedder, createService } from '../src/service.js';
import { clusteredVectors } from './lib/vectors.js';
import { benchTmp, fmt, markdownTable, writeOut } from './lib/stats.js';

const K = 20;

/** Mean MLE local intrinsic dimension and mean 1-NN / 10-NN cosine over a sample of points. */
export function spaceStats(rows: Float32Array[], sample = 300): { lid: number; nn1: number; nn10: number } {
  const dim = rows[0]!.length;
  const index = new ExactIndex({ modelId: 'x', dimension: dim });
  rows.forEach((v, i) => index.upsert(String(i), v));
  let lid = 0;
  let nn1 = 0;
  let nn10 = 0;
  const step = Math.max(1, Math.floor(rows.length / sample));
  let n = 0;
  for (let i = 0; i < rows.length && n < sample; i += step, n++) {
    const hits = index.search(rows[i]!, K + 1).filter((h) => h.id !== String(i)).slice(0, K);
    // Euclidean distance between unit vectors: sqrt(2 - 2 cos).
    const d = hits.map((h) => Math.sqrt(Math.max(1e-12, 2 - 2 * h.score)));
    const far = d[K - 1]!;
    lid += (K - 1) / d.slice(0, K - 1).reduce((s, x) => s + Math.log(far / x), 0);
    nn1 += hits[0]!.score;
    nn10 += hits[9]!.score;
  }
  return { lid: lid / n, nn1: nn1 / n, nn10: nn10 / n };
}

async function main(): Promise<void> {
  const config = loadConfig({ ...process.env, LOG_LEVEL: 'silent' });
  const embedder = await createConfiguredEmbedder(config);
  const dir = mkdtempSync(join(benchTmp(), 'calibrate-'));
  // The fixture world through the service as the server builds it: the real fused product vectors.
  const service = await createService({ ...config, DATA_DIR: dir }, { embedder });
  await service.core.commands.loadWorld(config.WORLD_DIR);
  const real = (await service.store.allVectors('product', embedder.modelId)).map((r) => r.vector);
  await service.close();
  await embedder.close();
  rmSync(dir, { recursive: true, force: true });

  const rows: Array<Array<string | number>> = [];
  const r = spaceStats(real);
  rows.push([`real: ${embedder.modelId} fused product vectors (${real.length}, ${real[0]!.length}-d)`, r.lid, r.nn1, r.nn10]);
  for (const rank of [8, 16, 24, 32]) {
    const flat = clusteredVectors({ count: real.length, dim: 512, seed: 1, rank });
    const s = spaceStats(Array.from({ length: real.length }, (_, i) => flat.subarray(i * 512, (i + 1) * 512)));
    rows.push([`synthetic, within-cluster rank ${rank}${rank === 24 ? ' (benchmark default)' : ''}`, s.lid, s.nn1, s.nn10]);
  }
  const table = markdownTable(['vectors', `LID (MLE, k=${K})`, '1-NN cosine', '10-NN cosine'], rows);
  console.log(table);
  writeOut('reports/bench/calibration.md', `Synthetic vs real vectors at ${real.length} points (npm run bench:calibrate):\n\n${table}\n`);
  void fmt;
}

await main();
