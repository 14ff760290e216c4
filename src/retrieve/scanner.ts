/**
 * Runs exact scans of the product table off the event loop: in one worker thread that shares the
 * table's memory, started on first use. Scans of small tables (below `inlineMaxWork` multiply-adds,
 * i.e. well under a millisecond) run inline instead: a worker would cost more than it saves, and
 * tests with a few dozen products never start one. Both paths run the same `topRows`, so they give
 * identical results.
 *
 * If the worker fails, the scans it held are redone inline (correct, just on the event loop) and
 * the next scan starts a fresh worker.
 */
import { Worker } from 'node:worker_threads';
import type { ProductTable } from './product-table.js';
import { topRows, type Restriction, type ScanResult } from './scan.js';
import type { ScanReply, ScanRequest } from './scan-worker.js';

export interface ScannerOptions {
  /** Largest rows × dimension scanned on the event loop (default 1M, ~1 ms). 0: always the worker. */
  inlineMaxWork?: number;
}

interface Pending {
  resolve: (r: ScanResult) => void;
  request: Extract<ScanRequest, { type: 'scan' }>;
}

export class Scanner {
  private worker: Worker | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private readonly inlineMaxWork: number;

  constructor(
    private readonly table: ProductTable,
    options: ScannerOptions = {},
  ) {
    this.inlineMaxWork = options.inlineMaxWork ?? 1_000_000;
    // A larger table lives in new buffers: the worker must read those from now on.
    table.onGrow(() => this.worker?.postMessage({ type: 'table', buffers: table.buffers() } satisfies ScanRequest));
  }

  /** Exact top-`depth` rows passing `restriction`, over the rows that exist now. */
  scan(query: Float32Array, restriction: Restriction, depth: number): Promise<ScanResult> {
    const rowLimit = this.table.rowCount;
    if (rowLimit * this.table.dim <= this.inlineMaxWork) return Promise.resolve(topRows(this.table, query, restriction, depth, rowLimit));
    const request = { type: 'scan' as const, id: this.nextId++, query: Float32Array.from(query), restriction, depth, rowLimit };
    return new Promise((resolve) => {
      this.pending.set(request.id, { resolve, request });
      this.ensureWorker().postMessage(request);
    });
  }

  /** Stops the worker (a later scan starts a new one). */
  async close(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    await w?.terminate();
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const init = { scanWorker: true, buffers: this.table.buffers() };
    // Same bootstrap as the embedder's workers: under tsx/vitest the entry is TypeScript.
    const ts = import.meta.url.endsWith('.ts');
    const worker = ts
      ? new Worker(new URL('../embed/embed-worker-boot.mjs', import.meta.url), { workerData: { ...init, entry: new URL('./scan-worker.ts', import.meta.url).href } })
      : new Worker(new URL('./scan-worker.js', import.meta.url), { workerData: init });
    worker.unref(); // never keeps a process alive: it only serves requests the process is waiting on
    worker.on('message', (m: ScanReply) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if ('error' in m) p.resolve(this.inline(p.request));
      else p.resolve({ rows: m.rows, scores: m.scores, cutoff: m.cutoff });
    });
    const fail = () => {
      if (this.worker === worker) this.worker = null;
      for (const [id, p] of this.pending) {
        this.pending.delete(id);
        p.resolve(this.inline(p.request));
      }
    };
    worker.on('error', fail);
    worker.on('exit', fail);
    this.worker = worker;
    return worker;
  }

  private inline(r: Extract<ScanRequest, { type: 'scan' }>): ScanResult {
    return topRows(this.table, r.query, r.restriction, r.depth, Math.min(r.rowLimit, this.table.rowCount));
  }
}
