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
import type { Neighbour } from '../index/types.js';
import type { ProductFilters } from '../retrieve/filters.js';
import { tx, type PgPools } from './pg-pool.js';
import { vectorSql } from './pg-vector-text.js';

export interface PgVectorIndexOptions {
  modelId: string;
  dimension: number;
  m: number;
  efConstruction: number;
}

/** The filters this SQL applies (the service's own reads filter in process; this is the database's path). */
export interface PgSearchFilter extends Pick<ProductFilters, 'category' | 'merchant' | 'minPrice' | 'maxPrice'> {
  /** Health products pass only when true. */
  allowSensitive?: boolean;
  excludeIds?: string[];
}

const literal = (s: string) => `'${s.replace(/'/g, "''")}'`;
/** Index name per (model, dimension): stable, and short enough for PostgreSQL's 63-byte limit. */
export const indexName = (modelId: string, dimension: number) =>
  `product_vectors_hnsw_${createHash('sha1').update(`${modelId}\0${dimension}`).digest('hex').slice(0, 12)}`;

/** The distance expression the index is built on; queries must use exactly this. */
const distance = (dimension: number, param: string) => `(v.vector::vector(${dimension}) <=> ${param}::vector(${dimension}))`;

/** Creates the model's HNSW index if missing (idempotent; several replicas may call it at once). */
export async function ensureVectorIndex(pools: PgPools, o: PgVectorIndexOptions): Promise<string> {
  const name = indexName(o.modelId, o.dimension);
  await tx(pools.primary, async (c) => {
    // One creator at a time: a second replica waits here, then finds the index and does nothing.
    await c.query("SELECT pg_advisory_xact_lock(hashtext(current_schema() || ':vector-index'))");
    await c.query(
      `CREATE INDEX IF NOT EXISTS ${name} ON product_vectors USING hnsw ((vector::vector(${o.dimension})) vector_cosine_ops)
       WITH (m = ${Math.floor(o.m)}, ef_construction = ${Math.floor(o.efConstruction)}) WHERE model_id = ${literal(o.modelId)}`,
    );
  });
  return name;
}

/** The SQL of a filtered search; exported so a test can EXPLAIN exactly what runs. */
export function searchSql(modelId: string, dimension: number): string {
  return `SELECT v.id, 1 - ${distance(dimension, '$1')} AS score
    FROM product_vectors v JOIN products p ON p.id = v.id
    WHERE v.model_id = ${literal(modelId)}
      AND ($3::text[] IS NULL OR p.category = ANY($3)) AND ($4::text[] IS NULL OR p.merchant = ANY($4))
      AND ($5::float8 IS NULL OR p.price >= $5) AND ($6::float8 IS NULL OR p.price <= $6)
      AND ($7::boolean OR NOT (p.sensitive OR EXISTS (SELECT 1 FROM categories c WHERE c.id = p.category AND c.sensitive)))
      AND NOT (v.id = ANY($8::text[]))
    ORDER BY ${distance(dimension, '$1')}
    LIMIT $2`;
}

export function searchParams(query: Float32Array, k: number, f: PgSearchFilter = {}): unknown[] {
  return [vectorSql(query), k, f.category ?? null, f.merchant ?? null, f.minPrice ?? null, f.maxPrice ?? null, f.allowSensitive ?? false, f.excludeIds ?? []];
}

export interface PgVectorSearch {
  search(query: Float32Array, k: number, filter?: PgSearchFilter): Promise<Neighbour[]>;
}

/**
 * @example
 * const pgv = pgVectorSearch(store.pools, { modelId, dimension, efSearch: config.HNSW_EF_SEARCH });
 * const hits = await pgv.search(q, 10, { category: 'dress', maxPrice: 80 });
 */
export function pgVectorSearch(pools: PgPools, o: { modelId: string; dimension: number; efSearch: number; iterative?: boolean }): PgVectorSearch {
  const sql = searchSql(o.modelId, o.dimension);
  return {
    async search(query, k, filter) {
      const want = Math.max(0, Math.floor(k));
      if (want === 0) return [];
      const rows = await tx(pools.read, async (c) => {
        // SET LOCAL: the settings end with this transaction, never leak to the pooled connection.
        await c.query(`SET LOCAL hnsw.ef_search = ${Math.max(Math.floor(o.efSearch), want)}`);
        await c.query(`SET LOCAL hnsw.iterative_scan = ${o.iterative === false ? 'off' : 'relaxed_order'}`);
        return (await c.query<{ id: string; score: number }>(sql, searchParams(query, want, filter))).rows;
      });
      return rows.sort((a, b) => b.score - a.score);
    },
  };
}
