/**
 * One worker thread over the product table's shared memory, answering requests by id: what the
 * scan worker (`scanner.ts`) and the rank worker (`rank/ranker.ts`) have in common. Started on
 * first use and unref'd (it only serves requests the process is waiting on); sent the new buffers
 * whenever the table grows; if it fails, the requests it held are redone inline by the caller's
 * own function (correct, just on the event loop) and the next request starts a fresh worker.
 */
import { Worker } from 'node:worker_threads';
import type { ProductTable } from './product-table.js';

export interface TableWorkerOptions<Req, Reply, Result> {
  /** The entry module without its extension (`.ts` under tsx/vitest, `.js` when compiled). */
  entry: URL;
  /** The `workerData` flag the entry module starts on. */
  flag: string;
  /** The same answer on the event loop: used when the worker fails or answers with an error. */
  inline: (request: Req) => Result;
  /** The answer in a successful reply. */
  result: (reply: Reply) => Result;
}

export class TableWorker<Req extends object, Reply extends object, Result> {
  private worker: Worker | null = null;
  private readonly pending = new Map<number, { resolve: (r: Result) => void; request: Req }>();
  private nextId = 0;

  constructor(
    private readonly table: ProductTable,
    private readonly o: TableWorkerOptions<Req, Reply, Result>,
  ) {
    // A larger table lives in new buffers: the worker must read those from now on.
    table.onGrow(() => this.worker?.postMessage({ type: 'table', buffers: table.buffers() }));
  }

  /** Posts `{ type, id, ...request }` (copied to the worker) and resolves with its answer. */
  run(type: string, request: Req): Promise<Result> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, { resolve, request });
      this.ensureWorker().postMessage({ type, id, ...request });
    });
  }

  /** Stops the worker (a later request starts a new one). */
  async close(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    await w?.terminate();
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const init = { [this.o.flag]: true, buffers: this.table.buffers() };
    // Same bootstrap as the embedder's workers: under tsx/vitest the entry is TypeScript.
    const ts = import.meta.url.endsWith('.ts');
    const worker = ts
      ? new Worker(new URL('../embed/embed-worker-boot.mjs', import.meta.url), { workerData: { ...init, entry: `${this.o.entry.href}.ts` } })
      : new Worker(new URL(`${this.o.entry.href}.js`), { workerData: init });
    worker.unref();
    worker.on('message', (m: Reply & { id: number }) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      p.resolve('error' in m ? this.o.inline(p.request) : this.o.result(m));
    });
    const fail = () => {
      if (this.worker === worker) this.worker = null;
      for (const [id, p] of this.pending) {
        this.pending.delete(id);
        p.resolve(this.o.inline(p.request));
      }
    };
    worker.on('error', fail);
    worker.on('exit', fail);
    this.worker = worker;
    return worker;
  }
}
