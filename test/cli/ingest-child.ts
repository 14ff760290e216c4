/**
 * `npm run ingest` as a child process for the resume test: the real CLI entry function with the
 * fake embedder, slowed by SLOW_MS per image batch so the parent can kill it mid-load.
 */
import { ingestCli } from '../../src/cli/ingest.js';
import { createFakeEmbedder } from '../helpers/fake-embedder.js';

const fake = createFakeEmbedder({ dimension: 8 });
const pause = Number(process.env.SLOW_MS ?? 0);
const embedder = {
  ...fake,
  embedImages: async (images: Parameters<typeof fake.embedImages>[0]) => {
    await new Promise((r) => setTimeout(r, pause));
    return fake.embedImages(images);
  },
};
process.exitCode = await ingestCli(process.argv.slice(2), process.env, process, { embedder });
