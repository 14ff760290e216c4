/**
 * Worker-thread entry of the exact scan: reads the product table through the SharedArrayBuffers
 * the main thread owns (no copy) and answers `topRows` requests one at a time, so a scan over the
 * whole catalog never runs on the event loop. Results are transferred, not copied.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { TableBuffers } from './product-table.js';
import { topRows, type Restriction, type TableView } from './scan.js';

/** `stop`: one Int32 on shared memory, raised (non-zero) by the main thread to stop the scan part-way. */
export type ScanRequest = { type: 'table'; buffers: TableBuffers } | { type: 'scan'; id: number; query: Float32Array; restriction: Restriction; depth: number; rowLimit: number; stop?: Int32Array };
export type ScanReply = { id: number; rows: Int32Array; scores: Float64Array; cutoff: number; stopped?: true } | { id: number; error: string };

export function viewOf(b: TableBuffers): TableView {
  return {
    dim: b.dim,
    vectors: new Float32Array(b.vectors),
    price: new Float64Array(b.price),
    category: new Int32Array(b.category),
    merchant: new Int32Array(b.merchant),
    flags: new Uint8Array(b.flags),
  };
}

if (parentPort && (workerData as { scanWorker?: boolean } | null)?.scanWorker) {
  const port = parentPort;
  let table = viewOf((workerData as { buffers: TableBuffers }).buffers);
  port.on('message', (m: ScanRequest) => {
    if (m.type === 'table') {
      table = viewOf(m.buffers);
      return;
    }
    try {
      const r = topRows(table, m.query, m.restriction, m.depth, Math.min(m.rowLimit, table.flags.length), m.stop);
      port.postMessage({ id: m.id, ...r } satisfies ScanReply, [r.rows.buffer as ArrayBuffer, r.scores.buffer as ArrayBuffer]);
    } catch (err) {
      port.postMessage({ id: m.id, error: err instanceof Error ? err.message : String(err) } satisfies ScanReply);
    }
  });
}
