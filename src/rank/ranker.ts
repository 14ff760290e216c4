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
import type { ProductTable } from '../retrieve/product-table.js';
import { TableWorker } from '../retrieve/table-worker.js';
import { rankRows, type RankRequest } from './rank-rows.js';
import type { RankWorkerReply } from './rank-worker.js';

export interface RankerOptions {
  /** Largest candidates × dimension ranked on the event loop. 0: every pool goes to the worker. */
  inlineMaxWork?: number;
  /** CPUs this process may use (default: the machine's). With one, everything is ranked inline: the hop would only add latency. */
  cores?: number;
}

export class Ranker {
  private readonly worker: TableWorker<RankRequest, Extract<RankWorkerReply, { picks: Int32Array }>, Int32Array>;
  private readonly inlineMaxWork: number;

  constructor(
    private readonly table: ProductTable,
    options: RankerOptions = {},
  ) {
    this.inlineMaxWork = (options.cores ?? availableParallelism()) < 2 ? Infinity : (options.inlineMaxWork ?? 4096);
    this.worker = new TableWorker(table, { entry: new URL('./rank-worker', import.meta.url), flag: 'rankWorker', inline: (r) => this.rankNow(r), result: (m) => m.picks });
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
    return this.worker.run('rank', request);
  }

  /** Stops the worker (a later rank starts a new one). */
  close(): Promise<void> {
    return this.worker.close();
  }
}
