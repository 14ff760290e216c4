/** What operators watch (GET /metrics): index and catalog size, the embed queue, cache hit counts, exact scans. */
import type { CoreDeps } from '../deps.js';
import type { CoreState } from '../state.js';

export interface HitMiss {
  hits: number;
  misses: number;
}

export interface OperationalStats {
  indexSize: number;
  catalogSize: number;
  embedQueueDepth: number;
  caches: { response: HitMiss & { entries: number }; profile: HitMiss & { entries: number }; embedding: HitMiss };
  /** Exact scans in the scan worker: queued or running now, and those nobody waited for any more. */
  exactScans: { backlog: number; dropped: number; stopped: number };
}

export function createOperationsRead(deps: CoreDeps, state: CoreState) {
  return {
    /** A snapshot; counters only ever grow (they restart with the process). */
    operations(): OperationalStats {
      const { responses, profiles } = state;
      return {
        indexSize: deps.productIndex.size(),
        catalogSize: state.catalog.size,
        embedQueueDepth: deps.embedder.queueDepth?.() ?? 0,
        caches: {
          response: { hits: responses.hits, misses: responses.misses, entries: responses.size },
          profile: { hits: profiles.hits, misses: profiles.misses, entries: profiles.size },
          embedding: { ...(deps.stats?.embeddingCache ?? { hits: 0, misses: 0 }) },
        },
        exactScans: { backlog: state.scanner.backlog, ...state.scanner.abandoned },
      };
    },
  };
}
