/**
 * `GET /metrics` in the Prometheus text format (prom-client), one registry per app (never the
 * library's global one: tests and the benchmarks build many apps in one process):
 *
 * - `http_request_duration_seconds{method,route,status}`: a latency histogram per route pattern;
 * - `embed_queue_depth`: model batches waiting for a worker;
 * - `index_size`, `catalog_products`: vectors in the ANN index, products readable;
 * - `cache_lookups_total{cache,result}`: hits and misses of the response, profile and embedding
 *   caches (hit rate = rate(hit) / rate(hit + miss)); `cache_entries{cache}`;
 * - `exact_scan_backlog`, `exact_scans_abandoned_total{when}`: exact scans waiting for or in the
 *   scan worker, and those dropped (`queued`) or stopped (`running`) because their clients left.
 * Access: the admin key, or METRICS_TOKEN for a scraper that should hold no API key.
 */
import type { RequestHandler } from 'express';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { OperationalStats } from '../../core/reads/operations.js';
import { routeOf } from './access-log.js';

export interface Metrics {
  registry: Registry;
  /** Times every request (mount first: it measures everything after it). */
  timing: RequestHandler;
}

export function createMetrics(stats: () => OperationalStats): Metrics {
  const registry = new Registry();
  const latency = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time from request to the end of the response, by route pattern.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  // Gauges and counters read the core's own numbers at scrape time, so nothing is double-counted.
  new Gauge({ name: 'embed_queue_depth', help: 'Embedding batches sent to the model and not answered yet.', registers: [registry], collect() { this.set(stats().embedQueueDepth); } });
  new Gauge({ name: 'index_size', help: 'Vectors in the product ANN index.', registers: [registry], collect() { this.set(stats().indexSize); } });
  new Gauge({ name: 'catalog_products', help: 'Products in the catalog every read is gated on.', registers: [registry], collect() { this.set(stats().catalogSize); } });
  new Gauge({
    name: 'cache_entries', help: 'Entries held per cache.', labelNames: ['cache'] as const, registers: [registry],
    collect() {
      const { caches } = stats();
      this.set({ cache: 'response' }, caches.response.entries);
      this.set({ cache: 'profile' }, caches.profile.entries);
    },
  });
  new Counter({
    name: 'cache_lookups_total', help: 'Cache lookups by cache and result (hit or miss).', labelNames: ['cache', 'result'] as const, registers: [registry],
    collect() {
      // The core keeps the running totals; mirror them (a counter has no set(), so reset + inc).
      this.reset();
      for (const [cache, c] of Object.entries(stats().caches)) {
        this.inc({ cache, result: 'hit' }, c.hits);
        this.inc({ cache, result: 'miss' }, c.misses);
      }
    },
  });

  new Gauge({ name: 'exact_scan_backlog', help: 'Exact scans queued for or running in the scan worker.', registers: [registry], collect() { this.set(stats().exactScans.backlog); } });
  new Counter({
    name: 'exact_scans_abandoned_total', help: 'Exact scans given up because every client waiting for them had gone: dropped while queued, or stopped while running.', labelNames: ['when'] as const, registers: [registry],
    collect() {
      const { dropped, stopped } = stats().exactScans;
      this.reset();
      this.inc({ when: 'queued' }, dropped);
      this.inc({ when: 'running' }, stopped);
    },
  });

  const timing: RequestHandler = (req, res, next) => {
    const end = latency.startTimer();
    res.once('finish', () => end({ method: req.method, route: routeOf(req), status: String(res.statusCode) }));
    next();
  };
  return { registry, timing };
}
