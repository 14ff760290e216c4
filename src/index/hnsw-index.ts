/**
 * `VectorIndex` on hnswlib-node (cosine space), persisted as `<dir>/<name>.hnsw` plus a
 * `<name>.meta.json` sidecar (model id, dimension, space, capacity, M/ef and the label map).
 *
 * `open` trusts the files only if the sidecar parses, names the same model id and dimension,
 * and the binary header agrees with it; otherwise it rebuilds from `rebuild()` (the store's
 * vectors) and logs why. Capacity doubles before it is reached; deletes are `markDelete`s whose
 * labels are reused if the same id comes back.
 *
 * @example
 * const index = await HnswVectorIndex.open({
 *   dir: join(config.DATA_DIR, 'index'), name: 'products', modelId: embedder.modelId,
 *   dimension: embedder.dimension, rebuild: () => store.allVectors('product', embedder.modelId),
 *   expectedCount: () => store.countVectors('product', embedder.modelId), log,
 *   m: config.HNSW_M, efConstruction: config.HNSW_EF_CONSTRUCTION, efSearch: config.HNSW_EF_SEARCH,
 * });
 * const hits = index.search(queryVector, 20, (id) => !excluded.has(id));
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import hnswlib from 'hnswlib-node';
import { AppError } from '../errors.js';
import type { Logger } from '../log.js';
import { atomicWriteSync, readHnswHeader, SidecarSchema, type Sidecar } from './hnsw-files.js';
import type { IndexMeta, Neighbour, VectorIndex } from './types.js';

export interface HnswIndexOptions {
  dir: string;
  /** File stem: `<name>.hnsw` and `<name>.meta.json`. */
  name: string;
  modelId: string;
  dimension: number;
  /** Every vector the index should hold; called when the files cannot be trusted. */
  rebuild: () => Promise<Array<{ id: string; vector: Float32Array }>>;
  /**
   * How many vectors the index should hold (e.g. `store.countVectors('product', modelId)`). When
   * the files load but disagree (writes since the last flush were lost, or another process
   * ingested meanwhile) the index is rebuilt. Optional: without it the files are trusted.
   */
  expectedCount?: () => Promise<number>;
  log?: Pick<Logger, 'info' | 'warn'>;
  /** Initial capacity of a new index (default 1024). */
  capacity?: number;
  /** Graph degree of a newly built index (config HNSW_M: config holds the only defaults). */
  m: number;
  /** Build-time candidate list of a newly built index (config HNSW_EF_CONSTRUCTION). */
  efConstruction: number;
  /** Search breadth; raised to k when k is larger (config HNSW_EF_SEARCH). */
  efSearch: number;
  /**
   * false: never read or write files; always build from `rebuild()` (a replica whose store is a
   * shared database: other processes write to it, so local files can never be trusted).
   */
  persist?: boolean;
}

type Settings = { m: number; efConstruction: number; efSearch: number };

/** Below this estimated share of passing items, filtered search scans instead of walking HNSW. */
const SELECTIVE = 0.1;
/** Labels sampled to estimate a filter's selectivity. */
const SAMPLE = 256;

export class HnswVectorIndex implements VectorIndex {
  readonly meta: IndexMeta;
  private readonly labelOf = new Map<string, number>();
  /** Stored vectors copied out of hnswlib on first scan (getPoint costs ~60 µs a call). */
  private readonly scanCache = new Map<number, Float32Array>();
  private dirty = false;
  private persist = true;

  private constructor(
    private readonly paths: { index: string; sidecar: string },
    private readonly hnsw: hnswlib.HierarchicalNSW,
    modelId: string,
    dimension: number,
    private readonly settings: Settings,
    private readonly ids: string[],
    private readonly deleted: Set<number>,
  ) {
    this.meta = { modelId, dimension, space: 'cosine', capacity: hnsw.getMaxElements() };
    ids.forEach((id, label) => this.labelOf.set(id, label));
  }

  /** Loads the persisted index, or rebuilds it (and persists it) when it cannot be trusted. */
  static async open(o: HnswIndexOptions): Promise<HnswVectorIndex> {
    mkdirSync(o.dir, { recursive: true });
    const paths = { index: join(o.dir, `${o.name}.hnsw`), sidecar: join(o.dir, `${o.name}.meta.json`) };
    const settings = { m: o.m, efConstruction: o.efConstruction, efSearch: o.efSearch };
    let loaded: Loaded = o.persist === false ? { reason: 'built from the shared store at start-up' } : tryLoad(paths, o.modelId, o.dimension);
    if ('index' in loaded && o.expectedCount) {
      const live = loaded.sidecar.ids.length - loaded.sidecar.deleted.length;
      const expected = await o.expectedCount();
      if (live !== expected) loaded = { reason: `index holds ${live} vectors, the store has ${expected}` };
    }
    if ('index' in loaded) {
      o.log?.info('vector index loaded', { name: o.name, live: loaded.sidecar.ids.length - loaded.sidecar.deleted.length });
      const s = loaded.sidecar;
      return new HnswVectorIndex(paths, loaded.index, o.modelId, o.dimension, { m: s.m, efConstruction: s.efConstruction, efSearch: settings.efSearch }, s.ids, new Set(s.deleted));
    }
    (o.persist === false ? o.log?.info : o.log?.warn)?.call(o.log, 'vector index rebuilt', { name: o.name, reason: loaded.reason });
    let items: Array<{ id: string; vector: Float32Array }>;
    try {
      items = await o.rebuild();
    } catch (cause) {
      throw new AppError('INDEX_UNAVAILABLE', `Could not rebuild the "${o.name}" index: the stored vectors could not be read.`, undefined, { cause });
    }
    const hnsw = new hnswlib.HierarchicalNSW('cosine', o.dimension);
    hnsw.initIndex({ maxElements: Math.max(o.capacity ?? 1024, Math.ceil(items.length * 1.5)), m: settings.m, efConstruction: settings.efConstruction, randomSeed: 42 });
    const index = new HnswVectorIndex(paths, hnsw, o.modelId, o.dimension, settings, [], new Set());
    index.persist = o.persist !== false;
    for (const { id, vector } of items) index.upsert(id, vector);
    index.dirty = true;
    await index.flush();
    return index;
  }

  size(): number {
    return this.labelOf.size - this.deleted.size;
  }

  has(id: string): boolean {
    const label = this.labelOf.get(id);
    return label !== undefined && !this.deleted.has(label);
  }

  upsert(id: string, vector: Float32Array): void {
    this.checkDimension(vector, 'upsert');
    let label = this.labelOf.get(id);
    if (label === undefined) {
      label = this.ids.length;
      if (label >= this.hnsw.getMaxElements()) this.grow(label + 1);
      this.ids.push(id);
      this.labelOf.set(id, label);
    }
    // On an existing label hnswlib updates the point in place and clears its deleted mark.
    this.hnsw.addPoint(Array.from(vector), label);
    this.scanCache.delete(label);
    this.deleted.delete(label);
    this.dirty = true;
  }

  remove(id: string): boolean {
    const label = this.labelOf.get(id);
    if (label === undefined || this.deleted.has(label)) return false;
    this.hnsw.markDelete(label);
    this.deleted.add(label);
    this.scanCache.delete(label);
    this.dirty = true;
    return true;
  }

  search(query: Float32Array, k: number, filter?: (id: string) => boolean): Neighbour[] {
    this.checkDimension(query, 'search');
    const live = this.size();
    const want = Math.min(Math.max(0, Math.floor(k)), live);
    if (want === 0) return [];
    const q = Array.from(query);
    const ids = this.ids;
    if (!filter) return this.neighbours(this.knn(q, want, Math.max(this.settings.efSearch, want)));
    const pass = (label: number) => filter(ids[label]!);
    // HNSW under a selective filter walks most of the graph to collect k passing items; an exact
    // scan of just the passing items is then far cheaper. A small sample estimates selectivity.
    if (this.passRate(pass) < SELECTIVE) return this.scan(q, want, pass);
    const hits = this.neighbours(this.knn(q, want, Math.max(this.settings.efSearch, want), pass));
    return hits.length < want ? this.scan(q, want, pass) : hits;
  }

  private neighbours(r: { neighbors: number[]; distances: number[] }): Neighbour[] {
    return r.neighbors.map((label, i) => ({ id: this.ids[label]!, score: 1 - r.distances[i]! }));
  }

  /** Share of live labels passing `pass`, from an evenly spaced sample. */
  private passRate(pass: (label: number) => boolean): number {
    const n = this.ids.length;
    const step = Math.max(1, Math.floor(n / SAMPLE));
    let seen = 0;
    let passed = 0;
    for (let label = 0; label < n; label += step) {
      if (this.deleted.has(label)) continue;
      seen++;
      if (pass(label)) passed++;
    }
    return seen === 0 ? 1 : passed / seen;
  }

  /** Exact top-k over the live labels that pass (hnswlib keeps cosine vectors normalised). */
  private scan(q: number[], k: number, pass: (label: number) => boolean): Neighbour[] {
    let norm = 0;
    for (const x of q) norm += x * x;
    const inv = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    const hits: Neighbour[] = [];
    for (let label = 0; label < this.ids.length; label++) {
      if (this.deleted.has(label) || !pass(label)) continue;
      let v = this.scanCache.get(label);
      if (!v) this.scanCache.set(label, (v = Float32Array.from(this.hnsw.getPoint(label))));
      let dot = 0;
      for (let i = 0; i < v.length; i++) dot += v[i]! * q[i]!;
      hits.push({ id: this.ids[label]!, score: dot * inv });
    }
    return hits.sort((a, b) => b.score - a.score).slice(0, k);
  }

  async flush(): Promise<void> {
    if (!this.dirty || !this.persist) return;
    const sidecar: Sidecar = {
      formatVersion: 1, modelId: this.meta.modelId, dimension: this.meta.dimension, space: 'cosine',
      capacity: this.hnsw.getMaxElements(), ...this.settings, ids: this.ids, deleted: [...this.deleted],
    };
    // Synchronous on purpose: hnswlib's async writeIndex reads the graph on another thread while
    // upserts could change it, and two overlapping flushes would share temp files.
    // Index first, sidecar second: a crash in between leaves a sidecar whose count disagrees
    // with the new file's header, which `open` detects and rebuilds from.
    atomicWriteSync(this.paths.index, (tmp) => this.hnsw.writeIndexSync(tmp));
    atomicWriteSync(this.paths.sidecar, (tmp) => writeFileSync(tmp, JSON.stringify(sidecar)));
    this.dirty = false;
  }

  private knn(q: number[], k: number, ef: number, filter?: (label: number) => boolean) {
    this.hnsw.setEf(ef);
    return this.hnsw.searchKnn(q, k, filter);
  }

  private grow(needed: number): void {
    let capacity = Math.max(1, this.hnsw.getMaxElements());
    while (capacity < needed) capacity *= 2;
    this.hnsw.resizeIndex(capacity);
    (this.meta as { capacity: number }).capacity = capacity;
  }

  private checkDimension(v: Float32Array, op: string): void {
    if (v.length !== this.meta.dimension) {
      throw new AppError('INDEX_UNAVAILABLE', `${op}: the index holds ${this.meta.dimension}-dimensional vectors, but got ${v.length}.`);
    }
  }
}

type Loaded = { index: hnswlib.HierarchicalNSW; sidecar: Sidecar } | { reason: string };

function tryLoad(paths: { index: string; sidecar: string }, modelId: string, dimension: number): Loaded {
  if (!existsSync(paths.index)) return { reason: 'index file is missing' };
  if (!existsSync(paths.sidecar)) return { reason: 'sidecar file is missing' };
  let sidecar: Sidecar;
  try {
    sidecar = SidecarSchema.parse(JSON.parse(readFileSync(paths.sidecar, 'utf8')));
  } catch {
    return { reason: 'sidecar is unreadable or not in the expected format' };
  }
  if (new Set(sidecar.ids).size !== sidecar.ids.length || sidecar.deleted.some((l) => l >= sidecar.ids.length)) {
    return { reason: 'sidecar label map is inconsistent' };
  }
  if (sidecar.modelId !== modelId) return { reason: `built by model "${sidecar.modelId}", now using "${modelId}"` };
  if (sidecar.dimension !== dimension) return { reason: `built with dimension ${sidecar.dimension}, model has ${dimension}` };
  try {
    const header = readHnswHeader(paths.index);
    if (header.dimension !== dimension) return { reason: `index file holds dimension ${header.dimension}, expected ${dimension}` };
    if (header.elementCount !== sidecar.ids.length) {
      return { reason: `index file holds ${header.elementCount} elements, sidecar maps ${sidecar.ids.length}` };
    }
    const index = new hnswlib.HierarchicalNSW('cosine', dimension);
    index.readIndexSync(paths.index);
    // hnswlib reloads with capacity = element count; restore the recorded headroom.
    if (index.getMaxElements() < sidecar.capacity) index.resizeIndex(sidecar.capacity);
    return { index, sidecar };
  } catch (err) {
    return { reason: `index file is corrupt: ${(err as Error).message}` };
  }
}
