/**
 * One embedding worker for test/pg/worker.test.ts: the real worker (`startWorker`) with the fake
 * embedder slowed down (so a kill lands mid-batch), printing `EMBED <sha256>` for every image it
 * embeds and `READY <id>` once it polls.
 */
import { createHash } from 'node:crypto';
import { loadConfig } from '../../src/config.js';
import { silentLogger } from '../../src/log.js';
import { startWorker } from '../../src/worker.js';
import { createFakeEmbedder } from '../helpers/fake-embedder.js';

const fake = createFakeEmbedder({ dimension: 16 });
const delayMs = Number(process.env.FAKE_EMBED_DELAY_MS ?? 20);
const embedder = {
  ...fake,
  modelId: fake.modelId,
  dimension: fake.dimension,
  embedTexts: (texts: string[]) => fake.embedTexts(texts),
  async embedImages(images: Parameters<typeof fake.embedImages>[0]) {
    await new Promise((r) => setTimeout(r, delayMs * images.length));
    const out = await fake.embedImages(images);
    for (const img of images) process.stdout.write(`EMBED ${createHash('sha256').update(img as Uint8Array).digest('hex')}\n`);
    return out;
  },
};
const worker = await startWorker(loadConfig(process.env), { embedder, log: silentLogger, idleMs: 100 });
process.stdout.write(`READY ${worker.id}\n`);
process.once('SIGTERM', () => void worker.stop().then(() => process.exit(0)));
