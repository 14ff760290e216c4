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
 *
 * A scan nobody waits for any more is not run, or is stopped part-way: each caller may pass an
 * AbortSignal (a search passes its client's: the connection closed), and when every caller of a
 * scan has aborted, it leaves the queue, or its stop flag is raised if it is already running. The
 * queue is kept here, one scan in the worker at a time, so that a scan can leave it: at 1M x 512
 * a closed-loop search run left 12 s of scans for clients that had gone. A caller without a
 * signal (candidate lists, which other shoppers reuse) always keeps its scan.
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

/** One scan to run: its request, how many callers may still want it, and where it is. */
interface Job {
  key: string;
  request: Scan & { stop: Int32Array };
  /** Callers that have not aborted (a caller without a signal never does). */
  waiters: number;
  state: 'queued' | 'running' | 'done' | 'dropped';
  answer: Promise<ScanResult>;
  settle: (result: ScanResult) => void;
}

export class Scanner {
  private readonly worker: TableWorker<Scan, Extract<ScanReply, { rows: Int32Array }>, ScanResult>;
  private readonly inlineMaxWork: number;
  /** Scans asked for since the last write, by query bytes, restriction and depth (oldest first). */
  private readonly shared = new Map<string, Job>();
  /** Scans waiting for the worker, oldest first; `running` is the one it is on. */
  private readonly queue: Job[] = [];
  private running: Job | null = null;
  /** Scans nobody waited for any more: `dropped` left the queue unrun, `stopped` were stopped part-way in the worker. */
  readonly abandoned = { dropped: 0, stopped: 0 };

  constructor(
    private readonly table: ProductTable,
    options: ScannerOptions = {},
  ) {
    this.inlineMaxWork = options.inlineMaxWork ?? 1_000_000;
    this.worker = new TableWorker(table, {
      entry: new URL('./scan-worker', import.meta.url), flag: 'scanWorker',
      inline: (r) => this.inline(r), result: (m) => ({ rows: m.rows, scores: m.scores, cutoff: m.cutoff, ...(m.stopped ? { stopped: true as const } : {}) }),
    });
    table.onWrite(() => this.shared.clear());
  }

  /**
   * Exact top-`depth` rows passing `restriction`, over the rows that exist now. With `signal`,
   * rejects with its reason once it aborts (and the scan is dropped if no other caller waits).
   */
  scan(query: Float32Array, restriction: Restriction, depth: number, signal?: AbortSignal): Promise<ScanResult> {
    const rowLimit = this.table.rowCount;
    if (rowLimit * this.table.dim <= this.inlineMaxWork) return Promise.resolve(topRows(this.table, query, restriction, depth, rowLimit));
    if (signal?.aborted) return Promise.reject(signal.reason);
    const key = `${Buffer.from(query.buffer, query.byteOffset, query.byteLength).toString('base64')}|${restrictionKey(restriction)}|${depth}`;
    const job = this.shared.get(key) ?? this.enqueue(key, { query: Float32Array.from(query), restriction, depth, rowLimit, stop: new Int32Array(new SharedArrayBuffer(4)) });
    job.waiters++;
    if (!signal) return job.answer;
    return new Promise((resolve, reject) => {
      const leave = () => {
        reject(signal.reason);
        this.leave(job);
      };
      signal.addEventListener('abort', leave, { once: true });
      void job.answer.then((r) => {
        signal.removeEventListener('abort', leave);
        resolve(r);
      });
    });
  }

  /** Scans queued or running now (the one in the worker included). */
  get backlog(): number {
    return this.queue.length + (this.running ? 1 : 0);
  }

  private enqueue(key: string, request: Job['request']): Job {
    let settle!: Job['settle'];
    const answer = new Promise<ScanResult>((resolve) => (settle = resolve));
    const job: Job = { key, request, waiters: 0, state: 'queued', answer, settle };
    this.shared.set(key, job);
    if (this.shared.size > SHARED_SCANS) this.shared.delete(this.shared.keys().next().value!);
    // A deep answer is not kept once it is in: up to a row per product, it would pin megabytes.
    void answer.then((a) => {
      if (a.rows.length > SHARED_ROWS_MAX && this.shared.get(key) === job) this.shared.delete(key);
    });
    this.queue.push(job);
    this.next();
    return job;
  }

  /** One caller gave up on `job`: with nobody left, it leaves the queue or is stopped where it is. */
  private leave(job: Job): void {
    if (--job.waiters > 0 || job.state === 'done' || job.state === 'dropped') return;
    if (this.shared.get(job.key) === job) this.shared.delete(job.key);
    if (job.state === 'queued') {
      this.queue.splice(this.queue.indexOf(job), 1);
      this.abandoned.dropped++;
    } else Atomics.store(job.request.stop, 0, 1); // counted when the worker says it stopped
    job.state = 'dropped';
  }

  /** Starts the oldest queued scan when the worker is free. */
  private next(): void {
    if (this.running) return;
    const job = this.queue.shift();
    if (!job) return;
    this.running = job;
    job.state = 'running';
    // run() never rejects (a failed worker's scans are redone inline); finally() keeps the queue
    // moving even if that changes.
    void this.worker.run('scan', job.request)
      .then((result) => {
        if (result.stopped) this.abandoned.stopped++;
        if (job.state !== 'running') return;
        job.state = 'done';
        job.settle(result);
      })
      .finally(() => {
        this.running = null;
        this.next();
      });
  }

  /** Stops the worker (a later scan starts a new one). */
  close(): Promise<void> {
    return this.worker.close();
  }

  private inline(r: Scan): ScanResult {
    return topRows(this.table, r.query, r.restriction, r.depth, Math.min(r.rowLimit, this.table.rowCount), r.stop);
  }
}
