/**
 * The ANN index port. `hnsw-index.ts` implements it with hnswlib-node (cosine space); a
 * pgvector backend can implement it too. Ids are the entities' string ids; the label map
 * from string id to hnswlib's integer label is the implementation's business.
 */
export interface Neighbour {
  id: string;
  /** Cosine similarity in [-1, 1]: higher is closer. */
  score: number;
}

export interface IndexMeta {
  modelId: string;
  dimension: number;
  space: 'cosine';
  capacity: number;
}

export interface VectorIndex {
  readonly meta: IndexMeta;
  /** Live (not deleted) vectors. */
  size(): number;
  has(id: string): boolean;
  /** Inserts or replaces; grows capacity before it is reached. */
  upsert(id: string, vector: Float32Array): void;
  remove(id: string): boolean;
  /**
   * Up to k nearest live vectors that pass `filter`. k is clamped to the live count, so asking
   * for more than exists is not an error.
   */
  search(query: Float32Array, k: number, filter?: (id: string) => boolean): Neighbour[];
  /**
   * The graph's answer alone, never a scan of every vector on the calling thread: null when the
   * graph cannot give min(k, live count) passing neighbours (a selective filter, or a filtered walk
   * that came back short), and the caller searches exactly elsewhere (core/reads/search.ts: in the
   * scan worker). An index without a graph (an exact one) need not implement it: `search` is used.
   * `passing`: the share of vectors that pass `filter`, when the caller knows it from its own
   * columns (the index then need not estimate it through `filter`).
   */
  searchGraph?(query: Float32Array, k: number, filter?: (id: string) => boolean, passing?: number): Neighbour[] | null;
  /** Persists atomically (temp file + rename) with its sidecar. */
  flush(): Promise<void>;
}
