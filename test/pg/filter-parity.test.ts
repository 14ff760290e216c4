/**
 * The PostgreSQL search applies every filter the API accepts exactly as the embedded backend
 * does: the same filtered query over the same small catalog gives the same ids from pgvector's
 * SQL (src/store/pg-vector-index.ts) and from exact search under `productPredicate` (what the
 * embedded reads run inside hnswlib). Multi-valued and case-insensitive category/brand/colour,
 * products without a colour, currency-converted prices (a currency missing from the rate table
 * never passes), health by the taxonomy (an unknown category counts as health), excluded ids.
 * Then the planner's choice for the new filters, checked with EXPLAIN. PostgreSQL only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CategoryTaxonomy } from '../../src/domain/index.js';
import { normalise } from '../../src/embed/vectors.js';
import { ExactIndex } from '../../src/index/exact-index.js';
import { ProductCatalog } from '../../src/retrieve/catalog.js';
import { productPredicate } from '../../src/retrieve/filters.js';
import type { CurrencyRates } from '../../src/retrieve/currency.js';
import type { PgStore } from '../../src/store/pg-store.js';
import { syncCurrencyRates } from '../../src/store/pg-prices.js';
import { openPgStore } from '../../src/store/pg-store.js';
import { ensureVectorIndex, indexName, pgVectorSearch, searchQuery, searchSettingsSql, type PgSearchFilter } from '../../src/store/pg-vector-index.js';
import { createRng } from '../../tools/world/prng.js';
import { dropSchema, freshSchema, PG_SKIP, PG_URL } from '../helpers/backends.js';
import { product } from '../store/fixtures.js';

const DIM = 8;
const MODEL = 'parity-test';
const RATES: CurrencyRates = { base: 'EUR', perBase: { EUR: 1, USD: 1.08, GBP: 0.85 }, date: '2026-01-01' };
const CATEGORIES = [{ id: 'dress', group: 'apparel' }, { id: 'skirt', group: 'apparel' }, { id: 'hat', group: 'accessories' }, { id: 'supplements', group: 'health', sensitive: 'health' as const }];

describe.skipIf(!PG_URL)(`PostgreSQL search filters match the embedded backend's${PG_URL ? '' : ` (${PG_SKIP})`}`, () => {
  const schema = freshSchema();
  let store: PgStore;
  const rng = createRng(61);
  const randomVector = () => normalise(Float32Array.from({ length: DIM }, () => rng.next() * 2 - 1));
  const exact = new ExactIndex({ modelId: MODEL, dimension: DIM });
  let catalog: ProductCatalog;

  beforeAll(async () => {
    // With the service's rate table: base prices are kept, so a price band takes the indexed branch.
    store = await openPgStore({ url: PG_URL, schema, max: 2, currencyRates: RATES });
    await store.upsertCategories(CATEGORIES);
    const cats = ['dress', 'skirt', 'hat', 'supplements', 'mystery']; // 'mystery': not in the taxonomy
    const brands = ['Acme', 'ACME', 'Saltline', 'blocklab'];
    const colours = ['navy', 'Navy', 'white', undefined];
    const currencies = ['EUR', 'USD', 'gbp', 'JPY']; // JPY: not in the rate table; 'gbp' lower-case as stored
    const items = Array.from({ length: 240 }, (_, i) => {
      const colour = colours[i % 4];
      const p = product(`p${String(i).padStart(3, '0')}`, {
        category: cats[i % 5]!, brand: brands[(i >> 1) % 4]!, price: 20 + ((i * 7) % 80), currency: currencies[(i >> 2) % 4]!,
        merchant: i % 3 === 0 ? 'm-a' : 'm-b', ...(colour ? { colour } : {}),
      });
      return { entity: p, vector: randomVector() };
    });
    await store.upsertProducts(items, MODEL);
    for (const { entity, vector } of items) exact.upsert(entity.id, vector);
    catalog = await ProductCatalog.load(store, new CategoryTaxonomy(await store.listCategories()));
    await ensureVectorIndex(store.pools, { modelId: MODEL, dimension: DIM, m: 16, efConstruction: 64 });
    await store.pools.primary.query('ANALYZE');
  });
  afterAll(async () => {
    await store?.close();
    await dropSchema(schema);
  });

  const cases: Array<[string, PgSearchFilter]> = [
    ['no filter', {}],
    ['health allowed', { allowSensitive: true }],
    ['two categories, any case', { category: ['Dress', 'hat'] }],
    ['a health category, allowed', { category: ['supplements'], allowSensitive: true }],
    ['a health category, not allowed', { category: ['supplements'] }],
    ['an unknown category is health', { category: ['mystery'], allowSensitive: true }],
    ['brand, any case', { brand: ['acme'] }],
    ['brands', { brand: ['Saltline', 'BLOCKLAB'] }],
    ['colour (no colour never matches)', { colour: ['NAVY'] }],
    ['merchant', { merchant: ['m-a'] }],
    ['price band in the base currency', { minPrice: 40, maxPrice: 70 }],
    ['price band in USD', { minPrice: 40, maxPrice: 70, currency: 'USD' }],
    ['max price in GBP', { maxPrice: 45, currency: 'GBP' }],
    ['min price only', { minPrice: 90 }],
    ['everything', { category: ['dress', 'skirt'], brand: ['acme', 'saltline'], colour: ['navy', 'white'], merchant: ['m-a', 'm-b'], minPrice: 25, maxPrice: 95, currency: 'USD', allowSensitive: true }],
    ['excluded ids', { excludeIds: ['p001', 'p002', 'p006', 'p007'] }],
  ];

  const settings = { efSearch: 1000, iterativeScan: 'relaxed_order', maxScanTuples: 20_000, exactMaxRows: 10_000 } as const;

  /**
   * The same query with the planner kept on the HNSW walk (no sort, no sequential scan): a small
   * table is cheaper to scan whole, a large one gets this plan for a loose filter, so both plans
   * are checked. Returns the plan too.
   */
  async function viaHnsw(q: Float32Array, k: number, f: PgSearchFilter): Promise<{ ids: string[]; plan: string }> {
    const c = await store.pools.primary.connect();
    try {
      await c.query('BEGIN');
      await c.query(`${searchSettingsSql(settings, k)}; SET LOCAL enable_sort = off; SET LOCAL enable_seqscan = off`);
      const sq = searchQuery(MODEL, DIM, q, k, f);
      const plan = (await c.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${sq.text}`, sq.values)).rows.map((r) => r['QUERY PLAN']).join('\n');
      const ids = (await c.query<{ id: string }>(sq.text, sq.values)).rows.map((r) => r.id);
      await c.query('ROLLBACK');
      return { ids, plan };
    } finally {
      c.release();
    }
  }

  it.each(cases)('%s: the same ids as the embedded backend, in the planner\'s plan and walking HNSW', async (_name, f) => {
    const pgv = pgVectorSearch(store.pools, { modelId: MODEL, dimension: DIM, ...settings });
    // Every filter here passes few rows, so the service scores them exactly; the walk must agree too.
    const walker = pgVectorSearch(store.pools, { modelId: MODEL, dimension: DIM, ...settings, exactMaxRows: 0 });
    const accept = productPredicate(catalog, { filters: f, excludeIds: new Set(f.excludeIds), allowSensitive: f.allowSensitive ?? false, rates: RATES });
    let nonEmpty = 0;
    for (let k = 0; k < 5; k++) {
      const q = randomVector();
      // As sets: float4 (pgvector) and float64 distances may order a near-tie differently; the filter is what is compared.
      const want = exact.search(q, 12, accept).map((h) => h.id).sort();
      expect((await pgv.search(q, 12, { ...f, rates: RATES })).map((h) => h.id).sort()).toEqual(want);
      expect((await walker.search(q, 12, { ...f, rates: RATES })).map((h) => h.id).sort()).toEqual(want);
      const walked = await viaHnsw(q, 12, { ...f, rates: RATES });
      expect(walked.plan).toContain(`Index Scan using ${indexName(MODEL, DIM)}`);
      expect(walked.ids.sort()).toEqual(want);
      if (want.length > 0) nonEmpty++;
    }
    // Every case but the refused one has matches, so "both empty" cannot pass for agreement.
    if (!(f.category?.[0] === 'supplements' && !f.allowSensitive)) expect(nonEmpty).toBe(5);
  });

  it('price bands stay exact when the stored base prices are from another rate table (replicas mid rate change)', async () => {
    // This replica's rates differ from the ones the database's base prices were computed with,
    // and the other way round after a re-sync: the band must never use a stale base price.
    const other: CurrencyRates = { base: 'EUR', perBase: { EUR: 1, USD: 1.5, GBP: 0.5 }, date: '2026-02-01' };
    const pgv = pgVectorSearch(store.pools, { modelId: MODEL, dimension: DIM, ...settings });
    const bands: PgSearchFilter[] = [{ minPrice: 40, maxPrice: 70, currency: 'USD' }, { maxPrice: 45, currency: 'GBP' }, { minPrice: 90 }];
    const check = async (rates: CurrencyRates) => {
      for (const f of bands) {
        const accept = productPredicate(catalog, { filters: f, excludeIds: new Set(), allowSensitive: false, rates });
        const q = randomVector();
        const want = exact.search(q, 12, accept).map((h) => h.id).sort();
        expect(want.length).toBeGreaterThan(0);
        expect((await pgv.search(q, 12, { ...f, rates })).map((h) => h.id).sort()).toEqual(want);
      }
    };
    await check(other); // stored: RATES
    expect(await syncCurrencyRates(store.pools, other)).toBe(true);
    expect(await syncCurrencyRates(store.pools, other)).toBe(false); // already in step: nothing recomputed
    await check(RATES); // stored: other
    await check(other);
    expect(await syncCurrencyRates(store.pools, RATES)).toBe(true);
    await check(RATES);
  });

  it('brand, colour and converted-price filters are evaluated by the database, on the HNSW walk', async () => {
    const { plan } = await viaHnsw(randomVector(), 10, { brand: ['acme'], colour: ['navy'], minPrice: 30, currency: 'USD', rates: RATES });
    expect(plan).toContain(`Index Scan using ${indexName(MODEL, DIM)}`);
    expect(plan).toMatch(/lower\(\(data ->> 'brand'::text\)\) = ANY/);
    expect(plan).toMatch(/lower\(\(data ->> 'colour'::text\)\) = ANY/);
    expect(plan).toMatch(/upper\(\(data ->> 'currency'::text\)\)/);
  });
});
