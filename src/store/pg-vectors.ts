/**
 * The embedding cache and reads of per-entity fused vectors in PostgreSQL (pgvector columns;
 * written with their entity in pg-catalog.ts). `allVectors` is what each replica's in-process
 * index is built from at start-up, so it streams in pages instead of one huge result.
 */
import { vectorChecksum } from '../embed/vectors.js';
import type { PgPools } from './pg-pool.js';
import { vectorSql } from './pg-vector-text.js';
import type { EntityKind } from './types.js';
import type { VectorOps } from './areas.js';

const TABLE: Record<EntityKind, string> = { product: 'product_vectors', post: 'post_vectors' };
/** Rows per page of a bulk read (about 5 MB of text at 512-d). */
const PAGE = 5000;

export function pgVectors({ primary: db }: PgPools): VectorOps {
  return {
    async getCachedEmbedding(modelId, contentHash) {
      const { rows } = await db.query<{ vector: Float32Array }>('SELECT vector FROM embedding_cache WHERE content_hash = $1 AND model_id = $2', [contentHash, modelId]);
      return rows[0]?.vector;
    },
    async putCachedEmbedding(modelId, contentHash, vector) {
      await db.query(
        `INSERT INTO embedding_cache (model_id, content_hash, vector) VALUES ($1, $2, $3)
         ON CONFLICT (content_hash, model_id) DO UPDATE SET vector = excluded.vector`,
        [modelId, contentHash, vectorSql(vector)],
      );
    },
    async getVectors(kind, ids, modelId) {
      if (ids.length === 0) return new Map();
      const { rows } = await db.query<{ id: string; vector: Float32Array }>(`SELECT id, vector FROM ${TABLE[kind]} WHERE model_id = $1 AND id = ANY($2)`, [modelId, ids]);
      return new Map(rows.map((r) => [r.id, r.vector]));
    },
    async countVectors(kind, modelId) {
      return (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${TABLE[kind]} WHERE model_id = $1`, [modelId])).rows[0]!.n;
    },
    async allVectors(kind, modelId) {
      const out: Array<{ id: string; vector: Float32Array }> = [];
      // Keyset pages in id order: constant memory per query, no long-held snapshot.
      for (let after = ''; ; ) {
        const { rows } = await db.query<{ id: string; vector: Float32Array }>(
          `SELECT id, vector FROM ${TABLE[kind]} WHERE model_id = $1 AND id COLLATE "C" > $2 ORDER BY id COLLATE "C" LIMIT ${PAGE}`,
          [modelId, after],
        );
        out.push(...rows);
        if (rows.length < PAGE) return out;
        after = rows.at(-1)!.id;
      }
    },
    async vectorChecksums(kind, modelId) {
      // Checksums are written with each vector; a vector written before PG migration 5 has none
      // and is checksummed here from what is stored (only those rows carry their vector).
      const { rows } = await db.query<{ id: string; sum: string | null; vector: Float32Array | null }>(
        `SELECT id, checksum AS sum, CASE WHEN checksum IS NULL THEN vector END AS vector FROM ${TABLE[kind]} WHERE model_id = $1`,
        [modelId],
      );
      return new Map(rows.map((r) => [r.id, r.sum !== null ? Number(r.sum) : vectorChecksum(r.vector!)]));
    },
  };
}
