/**
 * One API replica for the multi-process tests: the real server (`startServer`) on the database
 * named by the environment, with the fixed-vector test embedder. Prints `READY <url>` when
 * listening; SIGTERM shuts it down cleanly.
 */
import { createLogger } from '../../src/log.js';
import { startServer } from '../../src/server.js';
import { axisEmbedder } from '../service/axis-embedder.js';

const server = await startServer(process.env, createLogger('error', (l) => process.stderr.write(l + '\n')), { embedder: axisEmbedder });
process.stdout.write(`READY ${server.url}\n`);
process.once('SIGTERM', () => void server.close().then(() => process.exit(0)));
