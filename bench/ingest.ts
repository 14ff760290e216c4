/**
 * Ingest of 10k products end to end with the shipped model: read image, embed image + text in the
 * model worker(s), fuse, store (SQLite), index (HNSW), through the same `ingestWorld` as
 * `npm run ingest`. Target: ≤ 60 s on this machine.
 *
 *   npm run bench:ingest -- [--products 10000] [--threads N (default: EMBED_THREADS)]
 *
 * One thread count per process: onnxruntime-node's binding cannot be loaded again in a new worker
 * after a previous pool's workers were terminated ("Module did not self-register").
 *
 * The 10k-product world is generated once into .bench-tmp/ (seeded, so every run ingests the same
 * files) and the data folder is fresh on every run, so the embedding cache starts empty.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../src/config.js';
import type { WorldStage } from '../src/core/commands/index.js';
import { createConfiguredEmbedder, createService } from '../src/service.js';
import { generateWorld } from '../tools/world/generate.js';
import { machineInfo, machineLine } from './lib/machine.js';
import { benchTmp, fmt, parseArgs, writeOut } from './lib/stats.js';

const args = parseArgs(process.argv.slice(2));
const count = Number(args.get('products') ?? 10_000);

export interface IngestBenchResult {
  products: number;
  seconds: number;
  productsPerS: number;
  embedThreads: number;
  model: string;
  indexSettings: { m: number; efConstruction: number };
}

async function ingestOnce(worldDir: string, threads: number): Promise<IngestBenchResult> {
  const config = loadConfig({ ...process.env, LOG_LEVEL: 'silent' });
  const embedder = await createConfiguredEmbedder(config, threads);
  const dataDir = mkdtempSync(join(benchTmp(), 'ingest-'));
  // The service as the server builds it, on a fresh data folder: the embedding cache starts empty.
  const service = await createService({ ...config, DATA_DIR: dataDir, WORLD_DIR: worldDir }, { embedder });
  const { productIndex } = service;
  const stageStart = new Map<WorldStage, number>();
  const stageEnd = new Map<WorldStage, number>();
  let last = 0;
  await service.core.commands.loadWorld(worldDir, (p) => {
    if (!stageStart.has(p.stage)) stageStart.set(p.stage, performance.now());
    if (p.done === p.total) stageEnd.set(p.stage, performance.now());
    if (p.stage === 'products' && performance.now() - last > 10_000) {
      last = performance.now();
      console.log(`  ${p.done}/${p.total} products`);
    }
  });
  const flushStart = performance.now();
  await productIndex.flush();
  const seconds = (stageEnd.get('products')! - stageStart.get('products')! + performance.now() - flushStart) / 1000;
  const settings = { m: config.HNSW_M, efConstruction: config.HNSW_EF_CONSTRUCTION };
  await service.close();
  await embedder.close();
  rmSync(dataDir, { recursive: true, force: true });
  const result = { products: count, seconds, productsPerS: count / seconds, embedThreads: threads, model: embedder.modelId, indexSettings: settings };
  console.log(`EMBED_THREADS=${threads}: ingested ${count} products in ${fmt(seconds)} s (${fmt(result.productsPerS)} products/s)`);
  return result;
}

async function main(): Promise<void> {
  const machine = machineInfo();
  console.log(machineLine(machine));
  const config = loadConfig({ ...process.env, LOG_LEVEL: 'silent' });
  const threads = Number(args.get('threads') ?? config.EMBED_THREADS);
  const worldDir = join(benchTmp(), `world-${count}`);
  if (!existsSync(join(worldDir, 'users.json'))) {
    console.log(`generating a ${count}-product world in ${worldDir} (once)`);
    await generateWorld({ seed: 10_007, outDir: worldDir, products: count, creators: 4, postsPerCreator: 2, users: 4 });
  }
  const result = await ingestOnce(worldDir, threads);
  writeOut('reports/bench/ingest.json', JSON.stringify({ machine, result }, null, 2));
  writeOut('reports/bench/ingest.md', `${machineLine(machine)}\n\n${renderIngestMarkdown(result)}`);
}

export function renderIngestMarkdown(r: IngestBenchResult): string {
  const verdict = r.seconds <= 60 ? 'meets the ≤ 60 s target' : `misses the ≤ 60 s target by ${fmt(r.seconds - 60)} s (${fmt(r.seconds / 60)}x)`;
  return `EMBED_THREADS=${r.embedThreads}: ingest of ${r.products.toLocaleString('en-US')} products end to end (image read, embed image + text with \`${r.model}\` in ${r.embedThreads} worker thread(s), fuse, SQLite, HNSW M=${r.indexSettings.m}/efConstruction=${r.indexSettings.efConstruction}, flush): **${fmt(r.seconds)} s**, ${fmt(r.productsPerS)} products/s; ${verdict}.`;
}

await main();
