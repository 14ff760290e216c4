/**
 * What the image gate (decode, refuse non-raster, re-encode: src/ingest/raster.ts) costs per image
 * on the fixture world's images (2,000 product JPEGs and 400 post JPEGs of 128 px), run in turn as
 * a write command does, and 4 at a time. Prints medians over 5 runs; writes nothing.
 *
 *   npm run bench:image-gate -- [--runs 5]
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { toRaster } from '../src/ingest/raster.js';
import { machineInfo, machineLine } from './lib/machine.js';
import { fmt, median, parseArgs } from './lib/stats.js';

const args = parseArgs(process.argv.slice(2));
const runs = Number(args.get('runs') ?? 5);
const dirs = ['fixtures/images/products', 'fixtures/images/posts'];
const images = dirs.flatMap((d) => readdirSync(d).map((f) => readFileSync(join(d, f))));

async function once(concurrency: number): Promise<number> {
  const t0 = performance.now();
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < images.length) await toRaster(images[next++]!);
  }));
  return (performance.now() - t0) / 1000;
}

console.log(machineLine(machineInfo()));
await once(1); // warm-up: sharp's first call loads libvips
for (const concurrency of [1, 4]) {
  const times: number[] = [];
  for (let r = 0; r < runs; r++) times.push(await once(concurrency));
  const s = median(times);
  console.log(`${images.length} fixture images, ${concurrency} at a time: median ${fmt(s)} s over ${runs} runs = ${fmt((s * 1000) / images.length)} ms per image (runs: ${times.map((x) => fmt(x)).join(', ')} s)`);
}
