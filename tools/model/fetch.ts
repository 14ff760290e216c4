/**
 * `npm run models:fetch -- <hub id> [--models-dir models] [--quantized]`
 *
 * For users WITH internet access: downloads a real CLIP export in the Transformers.js layout
 * (e.g. Xenova/clip-vit-base-patch32) into `models/<hub id>/`, the exact files ClipEmbedder checks
 * for. Then run the service with MODEL_ID=<hub id>. Nothing else changes: the embedder reads the
 * dimension from the model. This cannot run on our build machines (no route to the hub).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { requiredModelFiles } from '../../src/embed/model-folder.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { 'models-dir': { type: 'string', default: 'models' }, quantized: { type: 'boolean', default: false }, host: { type: 'string', default: 'https://huggingface.co' } },
});
const id = positionals[0];
if (!id || !/^[\w.-]+\/[\w.-]+$/.test(id)) {
  console.error('usage: npm run models:fetch -- <owner/name> [--quantized]   e.g. Xenova/clip-vit-base-patch32');
  process.exit(2);
}
const folder = path.join(values['models-dir']!, id);
for (const file of requiredModelFiles(values.quantized!)) {
  const url = `${values.host}/${id}/resolve/main/${file}`;
  process.stdout.write(`${url} … `);
  const res = await fetch(url).catch((err: unknown) => {
    const cause = err instanceof Error && err.cause instanceof Error ? err.cause.message : String(err);
    console.error(`\ncannot reach ${values.host} (${cause}). This command needs internet access; offline, use \`npm run train\` instead.`);
    process.exit(1);
  });
  if (!res.ok) throw new Error(`GET ${url} → ${res.status} ${res.statusText}`);
  const bytes = new Uint8Array(await res.arrayBuffer());
  await mkdir(path.dirname(path.join(folder, file)), { recursive: true });
  await writeFile(path.join(folder, file), bytes);
  console.log(`${(bytes.byteLength / 1e6).toFixed(1)} MB`);
}
console.log(`done: set MODEL_ID=${id}${values.quantized ? ' (and load with quantized: true)' : ''}`);
