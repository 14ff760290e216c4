/**
 * Exact nearest products under a filter, scanned in the scan worker: what a search falls back to
 * when the HNSW graph cannot answer (a selective filter, or a filtered walk that came back short).
 *
 * The table's columns (one category, one merchant, a price range, health) are applied inside the
 * scan; anything richer (`accept`: brand, colour, several values, converted prices, excluded ids,
 * the catalog's own check) is applied here to the rows the scan returns, and a scan that returns
 * too few passing rows is repeated 16x deeper, until k pass or the scan kept every row that the
 * columns let through. So the request thread only ever looks at the rows a scan returned, never at
 * every row: at 1M × 512 the index's own inline scan held the event loop ~2.6 s per search, and
 * ~90 s the first time (it copied every vector out of hnswlib).
 *
 * Rows are read again when the scan is back (a write may have moved or removed one meanwhile):
 * each hit is checked against the columns and `accept` as they are now and scored with its
 * current vector, so a deleted or changed product is never answered from a stale scan.
 *
 * `signal` (the caller's client went away) rejects the search with its reason and lets the
 * scanner drop a scan nobody else waits for.
 */
import { normalise } from '../embed/vectors.js';
import type { ProductTable } from './product-table.js';
import { passes, scoreRow, type Restriction } from './scan.js';
import type { Scanner } from './scanner.js';

/** Rows scanned first, at least (a loose filter passes most of them; a 2% one needs ~50x k). */
const FIRST_DEPTH = 256;
/** How much deeper each repeat goes when too few of the returned rows pass `accept`. */
const DEEPER_BY = 16;

export interface ExactHit {
  id: string;
  /** Cosine similarity (stored vectors are unit length; the query is normalised here). */
  score: number;
}

export async function exactNearest(
  table: ProductTable,
  scanner: Scanner,
  query: Float32Array,
  k: number,
  restriction: Restriction,
  accept: (id: string) => boolean,
  signal?: AbortSignal,
): Promise<ExactHit[]> {
  const want = Math.max(0, Math.floor(k));
  if (want === 0 || table.rowCount === 0 || query.length !== table.dim) return [];
  const q = normalise(query);
  let depth = Math.min(Math.max(FIRST_DEPTH, want * 4), table.rowCount);
  for (;;) {
    const result = await scanner.scan(q, restriction, depth, signal);
    const hits: ExactHit[] = [];
    for (const row of result.rows) {
      if (row >= table.rowCount || !passes(table, row, restriction)) continue;
      const id = table.idAt(row);
      if (accept(id)) hits.push({ id, score: scoreRow(table, row, q) });
    }
    // Done when enough pass, or when the scan kept every row the columns let through.
    const complete = result.cutoff === -Infinity || depth >= table.rowCount;
    if (hits.length >= want || complete) {
      hits.sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      return hits.slice(0, want);
    }
    depth = Math.min(depth * DEEPER_BY, table.rowCount);
  }
}
