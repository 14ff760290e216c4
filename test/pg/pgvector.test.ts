/**
 * pgvector's HNSW index and filtered search on a real PostgreSQL: the planner picks the model's
 * HNSW index for the service's own query (checked with EXPLAIN), a selective filter (2% of the
 * catalog) still fills `limit` thanks to the iterative scan, where a plain HNSW scan at the same
 * ef_search comes back short, and results match an exact search. PostgreSQL only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dot, normalise } from '../../src/embed/vectors.js';
import { syncCurrencyRates } from '../../src/store/pg-prices.js';
import { ensureVectorIndex, indexName, passingIdsQuery, pgVectorSearch, searchPlan, searchQuery, type PgSearchFilter, type PgVectorSettings } from '../../src/store/pg-vector-index.js';
import type { PgStore } from '../../src/store/pg-store.js';
import { openPgStore } from '../../src/store/pg-store.js';
import { createRng } from '../../tools/world/prng.js';
import { dropSchema, freshSchema, PG_SKIP, PG_URL } from '../helpers/backends.js';
import { product } from '../store/fixtures.js';

const DIM = 16;
const N = 5000;
const MODEL = 'pgv-test';
const RATES = { base: 'EUR', perBase: { EUR: 1 }, date: '2026-01-01' };
// exactMaxRows 0: these tests are about the graph walk; the exact route has its own test below.
const at = (efSearch: number, exactMaxRows = 0): PgVectorSettings => ({ efSearch, iterativeScan: 'relaxed_order', maxScanTuples: 20_000, exactMaxRows });

describe.skipIf(!PG_URL)(`pgvector index and filtered search${PG_URL ? '' : ` (${PG_SKIP})`}`, () => {
  const schema = freshSchema();
  let store: PgStore;
  const vectors = new Map<string, Float32Array>();
  const rare = new Set<string>();
  const rng = createRng(16);
  const randomVector = () => normalise(Float32Array.from({ length: DIM }, () => rng.next() * 2 - 1));

  beforeAll(async () => {
    store = await openPgStore({ url: PG_URL, schema, max: 4 });
    await ensureVectorIndex(store.pools, { modelId: MODEL, dimension: DIM, m: 16, efConstruction: 64 });
    // Known to the taxonomy: a category it does not know counts as health and is filtered out.
    await store.upsertCategories([{ id: 'rare', group: 'test' }, { id: 'common', group: 'test' }, { id: 'dress', group: 'apparel' }]);
    const items = Array.from({ length: N }, (_, i) => {
      const id = `p${String(i).padStart(5, '0')}`;
      // 2% are 'rare' and priced 1000+: a category the planner can answer from its index, and a
      // price band it cannot (no index on price), so it walks HNSW under the filter.
      const category = i % 50 === 0 ? 'rare' : 'common';
      if (category === 'rare') rare.add(id);
      const vector = randomVector();
      vectors.set(id, vector);
      return { entity: product(id, { category, price: category === 'rare' ? 1000 + (i % 7) : 59 }), vector };
    });
    for (let i = 0; i < items.length; i += 500) await store.upsertProducts(items.slice(i, i + 500), MODEL);
    await store.pools.primary.query('ANALYZE products; ANALYZE product_vectors');
  });
  afterAll(async () => {
    await store?.close();
    await dropSchema(schema);
  });

  const exact = (q: Float32Array, k: number, pass: (id: string) => boolean) =>
    [...vectors].filter(([id]) => pass(id)).map(([id, v]) => ({ id, score: dot(q, v) })).sort((a, b) => b.score - a.score).slice(0, k);

  const explain = async (filter: PgSearchFilter) => {
    const c = await store.pools.primary.connect();
    try {
      await c.query('BEGIN');
      await c.query('SET LOCAL hnsw.iterative_scan = relaxed_order');
      const q = searchQuery(MODEL, DIM, randomVector(), 10, filter);
      const plan = await c.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${q.text}`, q.values);
      await c.query('ROLLBACK');
      return plan.rows.map((r) => r['QUERY PLAN']).join('\n');
    } finally {
      c.release();
    }
  };

  it("the planner uses the model's HNSW index unfiltered and under a loose filter, and exact distances over a rare category's rows", async () => {
    const hnsw = `Index Scan using ${indexName(MODEL, DIM)}`;
    expect(await explain({})).toContain(hnsw);
    expect(await explain({ maxPrice: 5000, rates: RATES })).toContain(hnsw);
    // 100 rows by the category's own index, then exact distances: cheaper than a graph walk, and exact.
    const byCategory = await explain({ category: ['rare'] });
    expect(byCategory).toContain('Index Scan using products_by_category');
    expect(byCategory).not.toContain(hnsw);
  });

  it('when the plan walks HNSW under a 2% filter, the iterative scan still returns limit items and a plain scan does not', async () => {
    // At 5,000 rows the planner filters first (above); at 100k it walks HNSW under such a filter
    // (BENCHMARKS.md). Sequential scans off makes this small table take the large one's plan.
    const walk = (iterative: boolean) => ({
      search: (q: Float32Array, k: number, f: PgSearchFilter) =>
        store.pools.primary.connect().then(async (c) => {
          try {
            await c.query('BEGIN');
            await c.query(`SET LOCAL enable_seqscan = off; SET LOCAL hnsw.ef_search = 40; SET LOCAL hnsw.iterative_scan = ${iterative ? 'relaxed_order' : 'off'}`);
            const sq = searchQuery(MODEL, DIM, q, k, f);
            const plan = (await c.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${sq.text}`, sq.values)).rows.map((r) => r['QUERY PLAN']).join('\n');
            expect(plan).toContain(`Index Scan using ${indexName(MODEL, DIM)}`);
            const { rows } = await c.query<{ id: string; score: number }>(sq.text, sq.values);
            await c.query('ROLLBACK');
            return rows;
          } finally {
            c.release();
          }
        }),
    });
    const iterative = walk(true);
    const plain = walk(false);
    let plainRows = 0;
    let recall = 0;
    const queries = 20;
    for (let i = 0; i < queries; i++) {
      const q = randomVector();
      const hits = await iterative.search(q, 10, { minPrice: 1000, rates: RATES });
      expect(hits).toHaveLength(10);
      expect(hits.every((h) => rare.has(h.id))).toBe(true);
      const truth = new Set(exact(q, 10, (id) => rare.has(id)).map((h) => h.id));
      recall += hits.filter((h) => truth.has(h.id)).length / 10;
      plainRows += (await plain.search(q, 10, { minPrice: 1000, rates: RATES })).length;
      expect(await pgVectorSearch(store.pools, { modelId: MODEL, dimension: DIM, ...at(40) }).search(q, 10, { category: ['rare'] })).toHaveLength(10);
    }
    expect(plainRows / queries).toBeLessThan(5); // ef_search 40 candidates x 2% pass ≈ 1 row
    expect(recall / queries).toBeGreaterThanOrEqual(0.9);
  });

  it('honours price, health and excluded ids; unfiltered results match exact search', async () => {
    const s = pgVectorSearch(store.pools, { modelId: MODEL, dimension: DIM, ...at(100) });
    const q = randomVector();
    const top = exact(q, 10, () => true).map((h) => h.id);
    const hits = await s.search(q, 10);
    expect(hits.filter((h) => top.includes(h.id)).length).toBeGreaterThanOrEqual(9);
    const without = await s.search(q, 10, { excludeIds: [top[0]!] });
    expect(without.map((h) => h.id)).not.toContain(top[0]);
    expect(await s.search(q, 10, { maxPrice: 10, rates: RATES })).toEqual([]); // every product costs 59 or more
    await store.upsertProducts([{ entity: product('h1', { sensitive: 'health' }), vector: q }], MODEL);
    expect((await s.search(q, 1))[0]?.id).not.toBe('h1');
    expect((await s.search(q, 1, { allowSensitive: true }))[0]?.id).toBe('h1');
  });
  it('a filter few rows pass is scored exactly (no graph walk, even with sequential scans off); a loose one walks the index', async () => {
    const mode = async (f: PgSearchFilter | undefined, exactMaxRows = 1000) => (await searchPlan(store.pools.primary, { exactMaxRows }, f)).mode;
    const band = { minPrice: 1000, rates: RATES };
    expect(await mode(band)).toBe('exact'); // 100 rows pass
    expect(await mode(band, 99)).toBe('index');
    expect(await mode(band, 0)).toBe('index');
    expect(await mode({ maxPrice: 5000, rates: RATES })).toBe('index'); // every row passes
    expect(await mode(undefined)).toBe('index');
    expect(await mode({ allowSensitive: false, excludeIds: ['p00001'] })).toBe('index'); // narrows nothing
    const c = await store.pools.primary.connect();
    try {
      await c.query('BEGIN');
      await c.query('SET LOCAL enable_seqscan = off; SET LOCAL hnsw.iterative_scan = relaxed_order');
      const plan0 = await searchPlan(c, { exactMaxRows: 1000 }, band);
      expect(plan0.mode === 'exact' && plan0.ids.every((id) => rare.has(id)) && plan0.ids.length).toBe(rare.size);
      const sq = searchQuery(MODEL, DIM, randomVector(), 10, band, plan0);
      const plan = (await c.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${sq.text}`, sq.values)).rows.map((r) => r['QUERY PLAN']).join('\n');
      await c.query('ROLLBACK');
      expect(plan).not.toContain(indexName(MODEL, DIM));
    } finally {
      c.release();
    }
    // At the smallest ef_search the walk's answer is approximate; the exact route's is the truth.
    const s = pgVectorSearch(store.pools, { modelId: MODEL, dimension: DIM, ...at(10, 1000) });
    for (let i = 0; i < 10; i++) {
      const q = randomVector();
      const hits = await s.search(q, 10, band);
      // As sets: float4 (pgvector) and float64 distances may order a near-tie differently.
      expect(hits.map((h) => h.id).sort()).toEqual(exact(q, 10, (id) => rare.has(id)).map((h) => h.id).sort());
    }
  });
  it('a price band finds its rows through the base-price index, and scans only while the base prices are from other rates', async () => {
    /** The plan of the band's passing-ids query as run (ANALYZE: which branch read rows). */
    const plan = async (f: PgSearchFilter) => {
      const q = passingIdsQuery(f, 1000)!;
      return (await store.pools.primary.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) ${q.text}`, q.values)).rows.map((r) => r['QUERY PLAN']).join('\n');
    };
    const band = { minPrice: 1000, rates: RATES };
    const ids = async () => (await searchPlan(store.pools.primary, { exactMaxRows: 1000 }, band) as { ids: string[] }).ids.sort();
    // Opened without a rate table: no base prices yet, so the band is answered by a scan, exactly.
    expect(await plan(band)).toMatch(/Seq Scan on products p_1 \(actual rows=100 /);
    expect(await ids()).toEqual([...rare].sort());
    expect(await syncCurrencyRates(store.pools, RATES)).toBe(true);
    await store.pools.primary.query('ANALYZE products');
    const indexed = await plan(band);
    // The planner's own choice (nothing disabled): the B-tree on base_price; the scan branch never runs.
    expect(indexed).toMatch(/(Index|Bitmap Index) Scan (using|on) products_by_base_price/);
    expect(indexed).toMatch(/Seq Scan on products p_1 \(never executed\)/);
    expect(await ids()).toEqual([...rare].sort());
    // A band in another currency converts its bounds to the base; the exact conversion still decides.
    const twoRates = { base: 'EUR', perBase: { EUR: 1, USD: 2 }, date: '2026-01-01' };
    await syncCurrencyRates(store.pools, twoRates);
    const usd = { minPrice: 2000, maxPrice: 2012, currency: 'USD', rates: twoRates }; // 1000..1006 EUR: every rare product
    expect(await plan(usd)).toMatch(/products_by_base_price/);
    expect((await searchPlan(store.pools.primary, { exactMaxRows: 1000 }, usd) as { ids: string[] }).ids.sort()).toEqual([...rare].sort());
    const edge = { minPrice: 2002, maxPrice: 2002, currency: 'USD', rates: twoRates }; // exactly 1001 EUR
    expect((await searchPlan(store.pools.primary, { exactMaxRows: 1000 }, edge) as { ids: string[] }).ids.length).toBe([...rare].filter((id) => Number(id.slice(1)) % 7 === 1).length);
    // A product written now gets its base price from the stored table (1003 USD: 501.5 EUR), and a re-price moves it.
    await store.upsertProducts([{ entity: product('p-usd', { category: 'common', price: 1003, currency: 'USD' }), vector: randomVector() }], MODEL);
    const near = { minPrice: 501, maxPrice: 502, rates: twoRates };
    expect((await searchPlan(store.pools.primary, { exactMaxRows: 1000 }, near) as { ids: string[] }).ids).toEqual(['p-usd']);
    await store.upsertProducts([{ entity: product('p-usd', { category: 'common', price: 1003, currency: 'EUR' }), vector: randomVector() }], MODEL);
    expect((await searchPlan(store.pools.primary, { exactMaxRows: 1000 }, near) as { ids: string[] }).ids).toEqual([]);
    expect((await searchPlan(store.pools.primary, { exactMaxRows: 1000 }, { minPrice: 1003, maxPrice: 1003, rates: twoRates }) as { ids: string[] }).ids).toContain('p-usd');
  });
});
