/**
 * Runs MMR re-ranks of product-table rows off the event loop, in one worker thread that shares the
 * table's memory (started on first use, like the scan worker). On two cores under load the event
 * loop is the bottleneck and the other core is mostly idle: MMR was about a quarter of a computed
 * list's main-thread time (`npm run bench:profile`).
 *
 * Pools below `inlineMaxWork` (candidates × dimension) are ranked inline: posting them would
 * cost more than it saves. Both paths call `rankRows`, so they pick identically. If the worker
 * fails, the ranks it held are redone inline and the next rank starts a fresh worker.
 *
 * The worker reads rows while the event loop goes on: a row written meanwhile changes what it
 * reads. The caller checks the rows' generations when the picks come back (recommend.ts).
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { ProductTable } from '../retrieve/product-table.js';
import { rankRows, type RankRequest } from './rank-rows.js';
import type { RankWorkerReply, RankWorkerRequest } from './rank-worker.js';

export interface RankerOptions {
  /** Largest candidates × dimension ranked on the event loop. 0: every pool goes to the worker. */
  inlineMaxWork?: number;
  /** CPUs this process may use (default: the machine's). With one, everything is ranked inline: the hop would only add latency. */
  cores?: number;
}

interface Pending {
  resolve: (picks: Int32Array) => void;
  request: RankRequest;
}

export class Ranker {
  private worker: Worker | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private readonly inlineMaxWork: number;

  constructor(
    private readonly table: ProductTable,
    options: RankerOptions = {},
  ) {
    this.inlineMaxWork = (options.cores ?? availableParallelism()) < 2 ? Infinity : (options.inlineMaxWork ?? 4096);
    table.onGrow(() => this.worker?.postMessage({ type: 'table', buffers: table.buffers() } satisfies RankWorkerRequest));
  }

  /** Whether a pool of `candidates` goes to the worker (otherwise rank it inline, synchronously). */
  offloads(candidates: number): boolean {
    return candidates * this.table.dim > this.inlineMaxWork;
  }

  /** Ranks inline: the same picks as `rank`, now. */
  rankNow(request: RankRequest): Int32Array {
    return rankRows(this.table, request);
  }

  /** Ranks in the worker (the request is copied to it: a few KB, cheaper than a transfer's bookkeeping). */
  rank(request: RankRequest): Promise<Int32Array> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, { resolve, request });
      this.ensureWorker().postMessage({ type: 'rank', id, ...request } satisfies RankWorkerRequest);
    });
  }

  /** Stops the worker (a later rank starts a new one). */
  async close(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    await w?.terminate();
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const init = { rankWorker: true, buffers: this.table.buffers() };
    // Same bootstrap as the embedder's workers: under tsx/vitest the entry is TypeScript.
    const ts = import.meta.url.endsWith('.ts');
    const worker = ts
      ? new Worker(new URL('../embed/embed-worker-boot.mjs', import.meta.url), { workerData: { ...init, entry: new URL('./rank-worker.ts', import.meta.url).href } })
      : new Worker(new URL('./rank-worker.js', import.meta.url), { workerData: init });
    worker.unref(); // never keeps a process alive: it only serves requests the process is waiting on
    worker.on('message', (m: RankWorkerReply) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      p.resolve('error' in m ? this.rankNow(p.request) : m.picks);
    });
    const fail = () => {
      if (this.worker === worker) this.worker = null;
      for (const [id, p] of this.pending) {
        this.pending.delete(id);
        p.resolve(this.rankNow(p.request));
      }
    };
    worker.on('error', fail);
    worker.on('exit', fail);
    this.worker = worker;
    return worker;
  }
}
