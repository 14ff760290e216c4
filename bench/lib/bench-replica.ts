/** One API replica for bench/pg.ts: the real server on the env's backend, fake embedder (text queries only). */
import { startServer } from '../../src/server.js';
import { silentLogger } from '../../src/log.js';
import { createFakeEmbedder } from '../../test/helpers/fake-embedder.js';

const t0 = Date.now();
const server = await startServer(process.env, silentLogger, { embedder: createFakeEmbedder({ dimension: Number(process.env.BENCH_DIM ?? 128), modelId: 'bench-synthetic' }) });
process.stdout.write(`READY ${server.url} ${Date.now() - t0}\n`);
process.once('SIGTERM', () => void server.close().then(() => process.exit(0)));
