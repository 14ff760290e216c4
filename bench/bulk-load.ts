/**
 * The bulk-load CLI's own cost (streaming, validation, batching, checkpoints, commands, store,
 * index, media): N products as JSONL and as CSV through the real CLI entry function on a fresh
 * DATA_DIR, with the fake embedder by default, so the numbers are the CLI's and the write path's,
 * not the model's (`--model` uses the configured model instead). Also a re-send of the same file
 * (`--restart`): every embedding is a cache hit.
 *
 *   npx tsx bench/bulk-load.ts [--records 20000] [--repeats 1] [--model]
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ingestCli } from '../src/cli/ingest.js';
import { loadConfig } from '../src/config.js';
import type { Embedder } from '../src/embed/types.js';
import { createConfiguredEmbedder } from '../src/service.js';
import { createFakeEmbedder, fakePng } from '../test/helpers/fake-embedder.js';
import { machineInfo, machineLine } from './lib/machine.js';
import { benchTmp, median, parseArgs } from './lib/stats.js';

const args = parseArgs(process.argv.slice(2));
const records = Math.min(Number(args.get('records') ?? 20_000), 1_000_000);
const repeats = Math.min(Number(args.get('repeats') ?? 1), 10);

const root = mkdtempSync(join(benchTmp(), 'bulk-'));
const merchant = { id: 'm-bench', name: 'Bench shop', network: 'utm', settings: {} };
writeFileSync(join(root, 'merchants.jsonl'), `${JSON.stringify(merchant)}\n`);
const fields = ['id', 'title', 'description', 'brand', 'category', 'price', 'currency', 'merchant', 'url', 'network', 'image'] as const;
const jsonl: string[] = [];
const csv: string[] = [fields.join(',')];
for (let i = 0; i < records; i++) {
  const id = `p${String(i).padStart(7, '0')}`;
  const p = {
    id, title: `Linen dress ${id}`, description: `A breezy linen dress, number ${i}`, brand: 'Acme', category: 'dress', price: 10 + (i % 90),
    currency: 'EUR', merchant: merchant.id, url: `https://shop.example/${id}`, network: 'utm', image: `data:image/png;base64,${fakePng(id).toString('base64')}`,
  };
  jsonl.push(JSON.stringify(p));
  csv.push(fields.map((f) => `"${String(p[f])}"`).join(',')); // quoted: a data: URL holds a comma
}
writeFileSync(join(root, 'products.jsonl'), `${jsonl.join('\n')}\n`);
writeFileSync(join(root, 'products.csv'), `${csv.join('\n')}\n`);

let said = '';
const quiet = { stdout: { write: (s: string) => (said += s) }, stderr: { write: (s: string) => (said += s), isTTY: false } };
async function load(file: string, dataDir: string, embedder: Embedder, extra: string[] = []): Promise<number> {
  said = '';
  const t0 = performance.now();
  const code = await ingestCli(['--merchants', join(root, 'merchants.jsonl'), '--products', join(root, file), ...extra], { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'silent' }, quiet, { embedder });
  if (code !== 0) throw new Error(`bulk load of ${file} exited ${code}:\n${said.slice(0, 2000)}`);
  return records / ((performance.now() - t0) / 1000);
}

const embedder = args.has('model') ? await createConfiguredEmbedder(loadConfig(process.env)) : createFakeEmbedder({ dimension: 32 });
const rates = { jsonl: [] as number[], csv: [] as number[], resend: [] as number[] };
try {
  for (let r = 0; r < repeats; r++) {
    const a = mkdtempSync(join(root, 'data-'));
    rates.jsonl.push(await load('products.jsonl', a, embedder));
    console.log(`run ${r + 1}: JSONL ${rates.jsonl.at(-1)!.toFixed(0)} records/s`);
    rates.resend.push(await load('products.jsonl', a, embedder, ['--restart']));
    console.log(`run ${r + 1}: re-send ${rates.resend.at(-1)!.toFixed(0)} records/s`);
    rates.csv.push(await load('products.csv', mkdtempSync(join(root, 'data-')), embedder));
    console.log(`run ${r + 1}: CSV ${rates.csv.at(-1)!.toFixed(0)} records/s`);
  }
} finally {
  await embedder.close();
  rmSync(root, { recursive: true, force: true });
}
console.log(machineLine(machineInfo()));
console.log(`${records} products, ${args.has('model') ? 'configured model' : 'fake embedder'}, median of ${repeats}:`);
console.log(`  JSONL, fresh DATA_DIR:        ${median(rates.jsonl).toFixed(0)} records/s`);
console.log(`  CSV, fresh DATA_DIR:          ${median(rates.csv).toFixed(0)} records/s`);
console.log(`  JSONL re-sent (--restart):    ${median(rates.resend).toFixed(0)} records/s (every embedding a cache hit)`);
