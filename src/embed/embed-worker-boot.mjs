// Worker bootstrap for running `embed-worker.ts` from TypeScript sources (tsx, vitest).
// Node 20 does not apply `--import tsx` to a worker's entry file, so the worker registers tsx's
// ESM hooks itself and then imports the real entry. Plain JS so Node can load it unaided.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
