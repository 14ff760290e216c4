/**
 * pgvector's HNSW index over the product vectors of one model, and filtered nearest-neighbour
 * search on it. The vector column is untyped (one table serves every model), so the index is a
 * partial expression index per model with the model's dimension: `(vector::vector(D))` for rows
 * of that model id. Queries use the same expression and predicate, so the planner can pick it.
 *
 * Filters (category, price band, merchant, health) are a join on products, and a selective one
 * would starve a plain HNSW scan: it stops after ef_search candidates, most of which the filter
 * then drops (measured here: 0.8 of 10 rows at a 2% filter). pgvector 0.8's iterative scan
 * (`hnsw.iterative_scan = relaxed_order`) keeps walking the graph until `limit` rows pass, so a
 * selective filter still returns `limit` items. relaxed_order may return rows slightly out of
 * distance order, so results are re-sorted here.
 *
 * How the service uses it (measured in BENCHMARKS.md, reasoned in docs/sharding.md): each API
 * replica serves reads from its own in-process hnswlib index, built from these vectors at
 * start-up and kept in step by the change feed, because a recommendation runs one search per
 * followed creator and pgvector costs ~10x per query. This index is what a deployment whose
 * catalog no longer fits every replica's memory switches to, and what the benchmarks measure.
 */
import { createHash } from 'node:crypto';
import type { PoolClient } from 'pg';
import type { Neighbour } from '../index/types.js';
import type { Config } from '../config.js';
import type { CurrencyRates } from '../retrieve/currency.js';
import type { ProductFilters } from '../retrieve/filters.js';
import { tx, type PgPools } from './pg-pool.js';
import { RATES_META_KEY, ratesFingerprint } from './pg-prices.js';
import { vectorSql } from './pg-vector-text.js';

export interface PgVectorIndexOptions {
  modelId: string;
  dimension: number;
  m: number;
  efConstruction: number;
}

/**
 * The filters this SQL applies: every filter the API accepts (`ProductFilters`, the same shape
 * the embedded backend's `productPredicate` reads) plus health and excluded ids, with the same
 * meaning: lists match any value case-insensitively, a product without a colour never matches a
 * colour filter, prices are converted into the filter's currency with the service's rate table
 * (a currency missing from it never passes), and a category the taxonomy does not know counts as
 * health (fail closed).
 */
export interface PgSearchFilter extends ProductFilters {
  /** Health products pass only when true. */
  allowSensitive?: boolean;
  excludeIds?: string[];
  /** Needed for a price filter (as for the embedded backend); without it only the filter's own currency passes. */
  rates?: CurrencyRates;
}

const literal = (s: string) => `'${s.replace(/'/g, "''")}'`;
/** Index name per (model, dimension): stable, and short enough for PostgreSQL's 63-byte limit. */
export const indexName = (modelId: string, dimension: number) =>
  `product_vectors_hnsw_${createHash('sha1').update(`${modelId}\0${dimension}`).digest('hex').slice(0, 12)}`;

/** The distance expression the index is built on; queries must use exactly this. */
const distance = (dimension: number, param: string) => `(v.vector::vector(${dimension}) <=> ${param}::vector(${dimension}))`;

/**
 * Memory for one HNSW build. pgvector builds fast only while the graph fits in
 * maintenance_work_mem (PostgreSQL's default 64 MB holds ~60k 128-d vectors at m=32); past it
 * the build goes on in the index pages, several times slower (measured in BENCHMARKS.md).
 */
const BUILD_MEMORY = '1GB';

/** Creates the model's HNSW index if missing (idempotent; several replicas may call it at once). */
export async function ensureVectorIndex(pools: PgPools, o: PgVectorIndexOptions): Promise<string> {
  const name = indexName(o.modelId, o.dimension);
  await tx(pools.primary, async (c) => {
    // One creator at a time: a second replica waits here, then finds the index and does nothing.
    await c.query("SELECT pg_advisory_xact_lock(hashtext(current_schema() || ':vector-index'))");
    await c.query(`SET LOCAL maintenance_work_mem = '${BUILD_MEMORY}'`);
    await c.query(
      `CREATE INDEX IF NOT EXISTS ${name} ON product_vectors USING hnsw ((vector::vector(${o.dimension})) vector_cosine_ops)
       WITH (m = ${Math.floor(o.m)}, ef_construction = ${Math.floor(o.efConstruction)}) WHERE model_id = ${literal(o.modelId)}`,
    );
  });
  return name;
}

export interface SearchQuery {
  text: string;
  values: unknown[];
}

const lower = (xs?: string[]) => (xs && xs.length > 0 ? xs.map((x) => x.toLowerCase()) : undefined);

/**
 * The WHERE clauses of a filter, all on the products row `p`, and whether any of them narrows the
 * catalog (not just health and exclusions).
 */
function filterClauses(f: PgSearchFilter, param: (v: unknown) => string): { where: string[]; narrows: boolean } {
  const where: string[] = [];
  // Category ids are lower-case slugs (src/domain/categories.ts), so the column compares as
  // stored and the planner keeps products_by_category for a selective category.
  const category = lower(f.category);
  if (category) where.push(`p.category = ANY(${param(category)}::text[])`);
  const brand = lower(f.brand);
  if (brand) where.push(`lower(p.data->>'brand') = ANY(${param(brand)}::text[])`);
  const colour = lower(f.colour);
  if (colour) where.push(`lower(p.data->>'colour') = ANY(${param(colour)}::text[])`);
  if (f.merchant && f.merchant.length > 0) where.push(`p.merchant = ANY(${param(f.merchant)}::text[])`);
  if (f.minPrice !== undefined || f.maxPrice !== undefined) {
    const price = priceIn(f, param);
    if (f.minPrice !== undefined) where.push(`${price} >= ${param(f.minPrice)}::float8`);
    if (f.maxPrice !== undefined) where.push(`${price} <= ${param(f.maxPrice)}::float8`);
  }
  const narrows = where.length > 0;
  if (!f.allowSensitive) {
    where.push('NOT p.sensitive', 'EXISTS (SELECT 1 FROM categories c WHERE c.id = p.category AND NOT c.sensitive)');
  }
  if (f.excludeIds && f.excludeIds.length > 0) where.push(`NOT (p.id = ANY(${param(f.excludeIds)}::text[]))`);
  return { where, narrows };
}

/**
 * How one search is answered: `index` walks the HNSW graph under the filter (iterative scan);
 * `exact` scores the given rows (those the filter passes, fetched first by `searchPlan`) in a
 * MATERIALIZED CTE, so the planner can neither turn it back into a graph walk nor, misjudging how
 * many rows an expression filter passes, hash-join the whole vector table.
 */
export type SearchPlan = { mode: 'index' } | { mode: 'exact'; ids: string[] };

/**
 * The SQL of one filtered search, with only the clauses its filter needs (each a custom plan the
 * planner sees whole); exported so a test can EXPLAIN exactly what runs.
 */
export function searchQuery(modelId: string, dimension: number, query: Float32Array, k: number, f: PgSearchFilter = {}, plan: SearchPlan = { mode: 'index' }): SearchQuery {
  const values: unknown[] = [vectorSql(query), k];
  const param = (v: unknown) => `$${values.push(v)}`;
  if (plan.mode === 'exact') {
    const text = `WITH v AS MATERIALIZED (
      SELECT v.id, v.vector FROM product_vectors v WHERE v.model_id = ${literal(modelId)} AND v.id = ANY(${param(plan.ids)}::text[]))
    SELECT v.id, 1 - ${distance(dimension, '$1')} AS score FROM v
    ORDER BY ${distance(dimension, '$1')}
    LIMIT $2`;
    return { text, values };
  }
  const where = [`v.model_id = ${literal(modelId)}`, ...filterClauses(f, param).where];
  const text = `SELECT v.id, 1 - ${distance(dimension, '$1')} AS score
    FROM product_vectors v JOIN products p ON p.id = v.id
    WHERE ${where.join('\n      AND ')}
    ORDER BY ${distance(dimension, '$1')}
    LIMIT $2`;
  return { text, values };
}

/**
 * The ids of the products a narrowing filter passes, at most `max + 1` (a LIMIT, so a loose filter
 * costs at most that many rows); null for a filter that narrows nothing (health and exclusions
 * only), which the index answers well.
 */
export function passingIdsQuery(f: PgSearchFilter, max: number): SearchQuery | null {
  const values: unknown[] = [max + 1];
  const param = (v: unknown) => `$${values.push(v)}`;
  const { where, narrows } = filterClauses(f, param);
  if (!narrows) return null;
  const band = baseBand(f);
  if (!band) return { text: `SELECT p.id FROM products p WHERE ${where.join(' AND ')} LIMIT $1`, values };
  // A price band: the base-price range (products_by_base_price) narrows, the exact clauses
  // decide. Only while the stored base prices were computed with this request's rate table
  // (its fingerprint in meta); otherwise the second branch scans. Each branch's test is a
  // one-time filter: the branch not taken reads nothing.
  const fresh = `(SELECT m.value FROM meta m WHERE m.key = ${literal(RATES_META_KEY)}) = ${param(ratesFingerprint(f.rates!))}::text`;
  const range = [...(band.lo === undefined ? [] : [`p.base_price >= ${param(band.lo)}::float8`]), ...(band.hi === undefined ? [] : [`p.base_price <= ${param(band.hi)}::float8`])];
  const text = `SELECT id FROM (
      SELECT p.id FROM products p WHERE ${fresh} AND ${[...range, ...where].join(' AND ')}
      UNION ALL
      SELECT p.id FROM products p WHERE NOT coalesce(${fresh}, false) AND ${where.join(' AND ')}
    ) passing LIMIT $1`;
  return { text, values };
}

/**
 * A price band in the base currency, widened by a hair so it holds every price the exact
 * conversion (priceIn) passes; undefined without a rate table or for a currency outside it.
 */
function baseBand(f: PgSearchFilter): { lo?: number; hi?: number } | undefined {
  if (!f.rates || (f.minPrice === undefined && f.maxPrice === undefined)) return undefined;
  const per = f.rates.perBase[f.currency ?? f.rates.base];
  if (per === undefined) return undefined;
  const widen = (x: number | undefined, up: boolean) => (x === undefined || !Number.isFinite(x / per) ? undefined : x / per + (up ? 1 : -1) * (Math.abs(x / per) * 1e-9 + 1e-9));
  return { lo: widen(f.minPrice, false), hi: widen(f.maxPrice, true) };
}

/**
 * A product's price in the filter's currency, as `convert` computes it (amount / rate(from) *
 * rate(to), in float8 like JavaScript's numbers); NULL, which passes no comparison, when either
 * currency is missing from the table.
 */
function priceIn(f: PgSearchFilter, param: (v: unknown) => string): string {
  const cur = "upper(p.data->>'currency')";
  if (!f.rates) return `CASE WHEN p.data->>'currency' = ${param(f.currency ?? null)}::text THEN p.price END`;
  const target = f.currency ?? f.rates.base;
  const codes = Object.keys(f.rates.perBase);
  const to = f.rates.perBase[target] ?? null;
  const from = `(SELECT r.per FROM unnest(${param(codes)}::text[], ${param(codes.map((c) => f.rates!.perBase[c]))}::float8[]) AS r(code, per) WHERE r.code = ${cur})`;
  return `CASE WHEN ${cur} = ${param(target)}::text THEN p.price ELSE p.price / ${from} * ${param(to)}::float8 END`;
}

/** How pgvector searches (PostgreSQL settings per query), from the service's config. */
export interface PgVectorSettings {
  efSearch: number;
  /** `hnsw.iterative_scan`: keep walking the graph until `limit` rows pass the filter. */
  iterativeScan: 'off' | 'relaxed_order' | 'strict_order';
  /** `hnsw.max_scan_tuples`: where an iterative scan gives up (bounds a filter nothing passes). */
  maxScanTuples: number;
  /** A narrowing filter that at most this many rows pass is scored exactly (0: always walk the index). */
  exactMaxRows: number;
}

/** The one place the service and bench/pg.ts read pgvector's query settings from. */
export function pgVectorSettings(config: Pick<Config, 'HNSW_EF_SEARCH' | 'PG_HNSW_ITERATIVE_SCAN' | 'PG_HNSW_MAX_SCAN_TUPLES' | 'PG_EXACT_SEARCH_MAX_ROWS'>): PgVectorSettings {
  return { efSearch: config.HNSW_EF_SEARCH, iterativeScan: config.PG_HNSW_ITERATIVE_SCAN, maxScanTuples: config.PG_HNSW_MAX_SCAN_TUPLES, exactMaxRows: config.PG_EXACT_SEARCH_MAX_ROWS };
}

/** The SET LOCAL statements of one search (they end with its transaction, never leak to the pooled connection). */
export function searchSettingsSql(s: PgVectorSettings, k: number): string {
  return `SET LOCAL hnsw.ef_search = ${Math.min(Math.max(Math.floor(s.efSearch), k), 1000)}; SET LOCAL hnsw.iterative_scan = ${s.iterativeScan}; SET LOCAL hnsw.max_scan_tuples = ${Math.floor(s.maxScanTuples)}`;
}

/** `exact` over the passing rows when a narrowing filter passes at most `exactMaxRows` of them, else `index`. */
export async function searchPlan(c: Pick<PoolClient, 'query'>, o: Pick<PgVectorSettings, 'exactMaxRows'>, filter?: PgSearchFilter): Promise<SearchPlan> {
  if (!filter || o.exactMaxRows <= 0) return { mode: 'index' };
  const q = passingIdsQuery(filter, o.exactMaxRows);
  if (!q) return { mode: 'index' };
  const ids = (await c.query<{ id: string }>(q.text, q.values)).rows.map((r) => r.id);
  return ids.length <= o.exactMaxRows ? { mode: 'exact', ids } : { mode: 'index' };
}

export interface PgVectorSearch {
  search(query: Float32Array, k: number, filter?: PgSearchFilter): Promise<Neighbour[]>;
}

/**
 * @example
 * const pgv = pgVectorSearch(store.pools, { modelId, dimension, ...pgVectorSettings(config) });
 * const hits = await pgv.search(q, 10, { category: ['dress'], maxPrice: 80, rates });
 */
export function pgVectorSearch(pools: PgPools, o: { modelId: string; dimension: number } & PgVectorSettings): PgVectorSearch {
  return {
    async search(query, k, filter) {
      const want = Math.max(0, Math.floor(k));
      if (want === 0) return [];
      const rows = await tx(pools.read, async (c) => {
        const plan = await searchPlan(c, o, filter);
        const q = searchQuery(o.modelId, o.dimension, query, want, filter, plan);
        if (plan.mode === 'index') await c.query(searchSettingsSql(o, want));
        return (await c.query<{ id: string; score: number }>(q.text, q.values)).rows;
      });
      // relaxed_order may return rows slightly out of distance order; ties by id, as the embedded index.
      return rows.sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1));
    },
  };
}
