/** Embedding cache and reads of per-entity fused vectors in SQLite, as Float32 blobs (written with their entity: sqlite-catalog.ts). */
import type Database from 'better-sqlite3';
import type { EntityKind } from './types.js';
import { fromBlob, toBlob } from './vector-blob.js';
import type { VectorOps } from './areas.js';

export function sqliteVectors(db: Database.Database): VectorOps {
  const s = {
    getCached: db.prepare<[string, string], { vector: Buffer }>(
      'SELECT vector FROM embedding_cache WHERE model_id = ? AND content_hash = ?',
    ),
    putCached: db.prepare(
      `INSERT INTO embedding_cache (model_id, content_hash, vector) VALUES (?, ?, ?)
       ON CONFLICT(model_id, content_hash) DO UPDATE SET vector = excluded.vector`,
    ),
    getVectors: db.prepare<[EntityKind, string, string], { id: string; vector: Buffer }>(
      'SELECT id, vector FROM entity_vectors WHERE kind = ? AND model_id = ? AND id IN (SELECT value FROM json_each(?))',
    ),
    countVectors: db.prepare<[EntityKind, string], { n: number }>(
      'SELECT COUNT(*) AS n FROM entity_vectors WHERE kind = ? AND model_id = ?',
    ),
    allVectors: db.prepare<[EntityKind, string], { id: string; vector: Buffer }>(
      'SELECT id, vector FROM entity_vectors WHERE kind = ? AND model_id = ? ORDER BY id',
    ),
    checksums: db.prepare<[EntityKind, string], [string, number]>('SELECT id, checksum FROM entity_vectors WHERE kind = ? AND model_id = ?').raw(),
  };

  return {
    async getCachedEmbedding(modelId, contentHash) {
      const r = s.getCached.get(modelId, contentHash);
      return r ? fromBlob(r.vector) : undefined;
    },
    async putCachedEmbedding(modelId, contentHash, vector) {
      s.putCached.run(modelId, contentHash, toBlob(vector));
    },
    async getVectors(kind, ids, modelId) {
      const rows = s.getVectors.all(kind, modelId, JSON.stringify(ids));
      return new Map(rows.map((r) => [r.id, fromBlob(r.vector)]));
    },
    async countVectors(kind, modelId) {
      return s.countVectors.get(kind, modelId)!.n;
    },
    async allVectors(kind, modelId) {
      return s.allVectors.all(kind, modelId).map((r) => ({ id: r.id, vector: fromBlob(r.vector) }));
    },
    async vectorChecksums(kind, modelId) {
      const out = new Map<string, number>();
      for (const [id, sum] of s.checksums.iterate(kind, modelId)) out.set(id, sum);
      return out;
    },
  };
}
