/**
 * Worker-thread entry of the MMR re-rank: reads product vectors through the table's shared memory
 * (no copy) and answers `rankRows` requests, so a computed list's ~1,000 similarities leave the
 * event loop for a core that would otherwise sit idle. The client is `ranker.ts`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { TableBuffers } from '../retrieve/product-table.js';
import { rankRows, type RankRequest } from './rank-rows.js';

export type RankWorkerRequest = { type: 'table'; buffers: TableBuffers } | ({ type: 'rank'; id: number } & RankRequest);
export type RankWorkerReply = { id: number; picks: Int32Array } | { id: number; error: string };

if (parentPort && (workerData as { rankWorker?: boolean } | null)?.rankWorker) {
  const port = parentPort;
  const viewOf = (b: TableBuffers) => ({ dim: b.dim, vectors: new Float32Array(b.vectors) });
  let table = viewOf((workerData as { buffers: TableBuffers }).buffers);
  port.on('message', (m: RankWorkerRequest) => {
    if (m.type === 'table') {
      table = viewOf(m.buffers);
      return;
    }
    try {
      const picks = rankRows(table, m);
      port.postMessage({ id: m.id, picks } satisfies RankWorkerReply, [picks.buffer as ArrayBuffer]);
    } catch (err) {
      port.postMessage({ id: m.id, error: err instanceof Error ? err.message : String(err) } satisfies RankWorkerReply);
    }
  });
}
