/**
 * pgvector's Recall@10 against exact search on bench/pg.ts's catalog, with the service's own
 * query settings (`pgVectorSettings(config)`), unfiltered and under two 2% filters: one category
 * (which the planner may answer from products_by_category and exact distances) and a price band
 * (no index: the plan walks HNSW under the filter, which is where iterative scans matter). Each
 * case prints the plan of its first query (EXPLAIN ANALYZE), so a recall miss shows why.
 */
import type { Config } from '../../src/config.js';
import { ExactIndex } from '../../src/index/exact-index.js';
import { openPgStore } from '../../src/store/pg-store.js';
import { pgVectorSearch, pgVectorSettings, searchPlan, searchQuery, searchSettingsSql, type PgSearchFilter } from '../../src/store/pg-vector-index.js';
import { tx } from '../../src/store/pg-pool.js';
import { CATEGORIES, DIM, MODEL, type PgBenchCatalog } from './pg-catalog.js';

export interface RecallCase {
  recall: number;
  rowsPerQuery: number;
  qps: number;
  /** The first query's EXPLAIN ANALYZE. */
  plan: string[];
}

const QUERIES = 200;

export async function measureRecall(cat: PgBenchCatalog, url: string, config: Config, log: (m: string) => void): Promise<Record<string, RecallCase>> {
  const settings = pgVectorSettings(config);
  const exact = new ExactIndex({ modelId: MODEL, dimension: DIM });
  for (let i = 0; i < cat.size; i++) exact.upsert(cat.product(i).id, cat.vec(i));
  // The store holds the same rate table the price band is given, as a service's store does
  // (CURRENCY_RATES): only then can a band use the base-price index (migration 7).
  const rates = { base: 'EUR', perBase: { EUR: 1 }, date: '2026-01-01' };
  const store = await openPgStore({ url, schema: cat.schema, max: 2, currencyRates: rates });
  const pgv = pgVectorSearch(store.pools, { modelId: MODEL, dimension: DIM, ...settings });
  const index = (id: string) => Number(id.slice(1));
  const cases: Array<[string, PgSearchFilter | undefined, ((id: string) => boolean) | undefined]> = [
    ['unfiltered', undefined, undefined],
    ['2% filter: one category', { category: ['cat7'], allowSensitive: false }, (id) => index(id) % CATEGORIES === 7],
    // Prices are 10 + i % 90: 10 and 11 are 2.2% of the catalog.
    ['2% filter: price band', { maxPrice: 11, rates }, (id) => 10 + (index(id) % 90) <= 11],
  ];
  const out: Record<string, RecallCase> = {};
  try {
    for (const [name, filter, pass] of cases) {
      const f = { allowSensitive: false, ...filter };
      // The plan of the route the service takes for this filter (exact over few rows, or the walk).
      const plan = await tx(store.pools.primary, async (c) => {
        const first = searchQuery(MODEL, DIM, cat.query(0), 10, f, await searchPlan(c, settings, f));
        await c.query(searchSettingsSql(settings, 10));
        return (await c.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) ${first.text}`, first.values)).rows.map((r) => r['QUERY PLAN'].replace(/'\[[^\]]*\]'/g, "'[query vector]'"));
      });
      let hit = 0;
      let got = 0;
      let ms = 0; // pgvector's time only, not the exact search it is checked against
      for (let k = 0; k < QUERIES; k++) {
        const q = cat.query(k);
        const t = performance.now();
        const res = await pgv.search(q, 10, f);
        ms += performance.now() - t;
        got += res.length;
        const truth = new Set(exact.search(q, 10, pass).map((h) => h.id));
        hit += res.filter((h) => truth.has(h.id)).length;
      }
      out[name] = { recall: hit / (QUERIES * 10), rowsPerQuery: got / QUERIES, qps: QUERIES / (ms / 1000), plan };
      log(`pgvector ${name}: Recall@10 ${out[name]!.recall.toFixed(3)}, ${out[name]!.rowsPerQuery.toFixed(1)} rows/query, ${out[name]!.qps.toFixed(0)} queries/s (1 client; ef_search ${settings.efSearch}, iterative_scan ${settings.iterativeScan}, max_scan_tuples ${settings.maxScanTuples}, exact at ≤ ${settings.exactMaxRows} rows)`);
      log(plan.map((l) => `    ${l}`).join('\n'));
    }
  } finally {
    await store.close();
  }
  return out;
}
