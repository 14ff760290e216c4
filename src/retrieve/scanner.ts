/**
 * Runs exact scans of the product table off the event loop: in one worker thread that shares the
 * table's memory, started on first use. Scans of small tables (below `inlineMaxWork` multiply-adds,
 * i.e. well under a millisecond) run inline instead: a worker would cost more than it saves, and
 * tests with a few dozen products never start one. Both paths run the same `topRows`, so they give
 * identical results.
 *
 * If the worker fails, the scans it held are redone inline (correct, just on the event loop) and
 * the next scan starts a fresh worker.
 *
 * Identical scans share one answer until the table next changes: a scan asked for again (same
 * query, restriction and depth) with no row written since it started gets the same promise. A
 * search whose graph walk cannot answer falls back to a scan (exact-nearest.ts), and the queries
 * that do so are the same ones each time they come: at 1M x 512, 4 of the bench's 200 titles,
 * ~1.3 s of scan-worker time each, asked for again every second or two, queued scans that later
 * requests waited behind. Any write clears every shared answer, so nothing written before a scan
 * was asked for can be missing from its answer.
 */
import type { ProductTable } from './product-table.js';
import { restrictionKey, topRows, type Restriction, type ScanResult } from './scan.js';
import type { ScanReply, ScanRequest } from './scan-worker.js';
import { TableWorker } from './table-worker.js';

export interface ScannerOptions {
  /** Largest rows × dimension scanned on the event loop (default 1M, ~1 ms). 0: always the worker. */
  inlineMaxWork?: number;
}

/** Answers kept for identical scans, at most; and the longest one kept once it is in. */
const SHARED_SCANS = 64;
const SHARED_ROWS_MAX = 32_768;

type Scan = Omit<Extract<ScanRequest, { type: 'scan' }>, 'type' | 'id'>;

export class Scanner {
  private readonly worker: TableWorker<Scan, Extract<ScanReply, { rows: Int32Array }>, ScanResult>;
  private readonly inlineMaxWork: number;
  /** Scans asked for since the last write, by query bytes, restriction and depth (oldest first). */
  private readonly shared = new Map<string, Promise<ScanResult>>();

  constructor(
    private readonly table: ProductTable,
    options: ScannerOptions = {},
  ) {
    this.inlineMaxWork = options.inlineMaxWork ?? 1_000_000;
    this.worker = new TableWorker(table, {
      entry: new URL('./scan-worker', import.meta.url), flag: 'scanWorker',
      inline: (r) => this.inline(r), result: (m) => ({ rows: m.rows, scores: m.scores, cutoff: m.cutoff }),
    });
    table.onWrite(() => this.shared.clear());
  }

  /** Exact top-`depth` rows passing `restriction`, over the rows that exist now. */
  scan(query: Float32Array, restriction: Restriction, depth: number): Promise<ScanResult> {
    const rowLimit = this.table.rowCount;
    if (rowLimit * this.table.dim <= this.inlineMaxWork) return Promise.resolve(topRows(this.table, query, restriction, depth, rowLimit));
    const key = `${Buffer.from(query.buffer, query.byteOffset, query.byteLength).toString('base64')}|${restrictionKey(restriction)}|${depth}`;
    const known = this.shared.get(key);
    if (known) return known;
    const answer = this.worker.run('scan', { query: Float32Array.from(query), restriction, depth, rowLimit });
    this.shared.set(key, answer);
    if (this.shared.size > SHARED_SCANS) this.shared.delete(this.shared.keys().next().value!);
    // A deep answer is not kept once it is in: up to a row per product, it would pin megabytes.
    void answer.then((a) => {
      if (a.rows.length > SHARED_ROWS_MAX && this.shared.get(key) === answer) this.shared.delete(key);
    });
    return answer;
  }

  /** Stops the worker (a later scan starts a new one). */
  close(): Promise<void> {
    return this.worker.close();
  }

  private inline(r: Scan): ScanResult {
    return topRows(this.table, r.query, r.restriction, r.depth, Math.min(r.rowLimit, this.table.rowCount));
  }
}
