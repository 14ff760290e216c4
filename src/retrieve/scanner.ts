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
import type { ProductTable } from './product-table.js';
import { topRows, type Restriction, type ScanResult } from './scan.js';
import type { ScanReply, ScanRequest } from './scan-worker.js';
import { TableWorker } from './table-worker.js';

export interface ScannerOptions {
  /** Largest rows × dimension scanned on the event loop (default 1M, ~1 ms). 0: always the worker. */
  inlineMaxWork?: number;
}

type Scan = Omit<Extract<ScanRequest, { type: 'scan' }>, 'type' | 'id'>;

export class Scanner {
  private readonly worker: TableWorker<Scan, Extract<ScanReply, { rows: Int32Array }>, ScanResult>;
  private readonly inlineMaxWork: number;

  constructor(
    private readonly table: ProductTable,
    options: ScannerOptions = {},
  ) {
    this.inlineMaxWork = options.inlineMaxWork ?? 1_000_000;
    this.worker = new TableWorker(table, {
      entry: new URL('./scan-worker', import.meta.url), flag: 'scanWorker',
      inline: (r) => this.inline(r), result: (m) => ({ rows: m.rows, scores: m.scores, cutoff: m.cutoff }),
    });
  }

  /** Exact top-`depth` rows passing `restriction`, over the rows that exist now. */
  scan(query: Float32Array, restriction: Restriction, depth: number): Promise<ScanResult> {
    const rowLimit = this.table.rowCount;
    if (rowLimit * this.table.dim <= this.inlineMaxWork) return Promise.resolve(topRows(this.table, query, restriction, depth, rowLimit));
    return this.worker.run('scan', { query: Float32Array.from(query), restriction, depth, rowLimit });
  }

  /** Stops the worker (a later scan starts a new one). */
  close(): Promise<void> {
    return this.worker.close();
  }

  private inline(r: Scan): ScanResult {
    return topRows(this.table, r.query, r.restriction, r.depth, Math.min(r.rowLimit, this.table.rowCount));
  }
}
