/**
 * `VectorIndex` on hnswlib-node (cosine space), persisted as `<dir>/<name>.hnsw` plus a
 * `<name>.meta.json` sidecar (model id, dimension, space, capacity, M/ef and the label map).
 *
 * `open` trusts the files only if the sidecar parses, names the same model id and dimension,
 * and the binary header agrees with it; otherwise it rebuilds from `rebuild()` (the store's
 * vectors) and logs why. Capacity doubles before it is reached; deletes are `markDelete`s whose
 * labels are reused if the same id comes back.
 *
 * `flush` never blocks the event loop on the whole index: hnswlib writes the file on libuv's
 * thread pool (`writeIndex`) while the graph is frozen. Upserts and removes that arrive during a
 * write are held in `pending` (searched exactly, counted by `size`/`has`) and applied to the graph
 * once the write is done; flush calls during a write wait for it and then write once more for all
 * of them (coalesced). The contract is unchanged: when `flush()` resolves, everything written
 * before the call is on disk, index file first and sidecar second, each via temp file + rename.
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
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import hnswlib from 'hnswlib-node';
import { dot, normalise } from '../embed/vectors.js';
import { AppError } from '../errors.js';
import type { Logger } from '../log.js';
import { atomicWrite, readHnswHeader, SidecarSchema, type Sidecar } from './hnsw-files.js';
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
}

type Settings = { m: number; efConstruction: number; efSearch: number };

/** Below this estimated share of passing items, filtered search scans instead of walking HNSW. */
const SELECTIVE = 0.1;
/** Labels sampled to estimate a filter's selectivity. */
const SAMPLE = 256;
/** At or above this share passing, search without the JS filter callback and filter the results. */
const LOOSE = 0.5;

export class HnswVectorIndex implements VectorIndex {
  readonly meta: IndexMeta;
  private readonly labelOf = new Map<string, number>();
  /** Stored vectors copied out of hnswlib on first scan (getPoint costs ~60 µs a call). */
  private readonly scanCache = new Map<number, Float32Array>();
  private dirty = false;
  /** The write in progress, if any: the graph must not change until it is done. */
  private writing: Promise<void> | null = null;
  /** Writes held while `writing`: id → unit vector, or null for a removal. */
  private readonly pending = new Map<string, Float32Array | null>();
  /** Live count change the pending writes will make. */
  private pendingDelta = 0;
  /** JSON of ids[0..count) ("a","b",...), extended per flush: labels are append-only. */
  private idsJson = { count: 0, text: '' };

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
    let loaded = tryLoad(paths, o.modelId, o.dimension);
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
    o.log?.warn('vector index rebuilt', { name: o.name, reason: loaded.reason });
    let items: Array<{ id: string; vector: Float32Array }>;
    try {
      items = await o.rebuild();
    } catch (cause) {
      throw new AppError('INDEX_UNAVAILABLE', `Could not rebuild the "${o.name}" index: the stored vectors could not be read.`, undefined, { cause });
    }
    const hnsw = new hnswlib.HierarchicalNSW('cosine', o.dimension);
    hnsw.initIndex({ maxElements: Math.max(o.capacity ?? 1024, Math.ceil(items.length * 1.5)), m: settings.m, efConstruction: settings.efConstruction, randomSeed: 42 });
    const index = new HnswVectorIndex(paths, hnsw, o.modelId, o.dimension, settings, [], new Set());
    for (const { id, vector } of items) index.upsert(id, vector);
    index.dirty = true;
    await index.flush();
    return index;
  }

  size(): number {
    return this.labelOf.size - this.deleted.size + this.pendingDelta;
  }

  has(id: string): boolean {
    const held = this.pending.get(id);
    return held !== undefined ? held !== null : this.inGraph(id);
  }

  upsert(id: string, vector: Float32Array): void {
    this.checkDimension(vector, 'upsert');
    if (this.writing) {
      if (!this.has(id)) this.pendingDelta++;
      this.pending.set(id, normalise(vector));
      this.dirty = true;
      return;
    }
    this.apply(id, vector);
  }

  remove(id: string): boolean {
    if (this.writing) {
      if (!this.has(id)) return false;
      this.pendingDelta--;
      this.pending.set(id, null);
      this.dirty = true;
      return true;
    }
    return this.applyRemove(id);
  }

  search(query: Float32Array, k: number, filter?: (id: string) => boolean): Neighbour[] {
    this.checkDimension(query, 'search');
    const want = Math.min(Math.max(0, Math.floor(k)), this.size());
    if (want === 0) return [];
    if (this.pending.size === 0) return this.searchGraph(query, want, filter);
    // During a write: the graph answers for ids without a held write, the held ones are scanned.
    const held = this.pending;
    const fromGraph = this.searchGraph(query, want, (id) => !held.has(id) && (!filter || filter(id)));
    const q = normalise(query);
    const fromHeld: Neighbour[] = [];
    for (const [id, v] of held) if (v && (!filter || filter(id))) fromHeld.push({ id, score: dot(q, v) });
    return [...fromGraph, ...fromHeld].sort((a, b) => b.score - a.score).slice(0, want);
  }

  private inGraph(id: string): boolean {
    const label = this.labelOf.get(id);
    return label !== undefined && !this.deleted.has(label);
  }

  private apply(id: string, vector: Float32Array): void {
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

  private applyRemove(id: string): boolean {
    const label = this.labelOf.get(id);
    if (label === undefined || this.deleted.has(label)) return false;
    this.hnsw.markDelete(label);
    this.deleted.add(label);
    this.scanCache.delete(label);
    this.dirty = true;
    return true;
  }

  private searchGraph(query: Float32Array, want: number, filter?: (id: string) => boolean): Neighbour[] {
    const q = Array.from(query);
    const ids = this.ids;
    const ef = (n: number) => Math.max(this.settings.efSearch, n);
    if (!filter) return this.neighbours(this.knn(q, want, ef(want)));
    const pass = (label: number) => filter(ids[label]!);
    // HNSW under a selective filter walks most of the graph to collect k passing items; an exact
    // scan of just the passing items is then far cheaper. A small sample estimates selectivity.
    const rate = this.passRate(pass);
    if (rate < SELECTIVE) return this.scan(q, want, pass);
    // A loose filter (search leaving out health items): search without calling back into JS at
    // every visited node, over a few more results, and filter those.
    if (rate >= LOOSE) {
      const wide = Math.min(this.ids.length, Math.ceil((want / rate) * 1.25) + 8);
      const hits = this.neighbours(this.knn(q, wide, ef(wide))).filter((h) => filter(h.id));
      if (hits.length >= want) return hits.slice(0, want);
    }
    const hits = this.neighbours(this.knn(q, want, ef(want), pass));
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
    // One write at a time; a call during a write waits for it, then writes what came since.
    while (this.writing) await this.writing;
    if (!this.dirty) return;
    this.writing = this.write().finally(() => {
      this.writing = null;
      this.applyPending();
    });
    await this.writing;
  }

  /** Index file, then sidecar, each atomically; the graph is frozen meanwhile (see the class doc). */
  private async write(): Promise<void> {
    this.dirty = false;
    try {
      const deleted = [...this.deleted];
      const sidecar = this.sidecarJson(deleted);
      // On libuv's thread pool: the event loop keeps serving. Index first, sidecar second: a crash
      // in between leaves a sidecar whose count disagrees with the new file's header, which
      // `open` detects and rebuilds from.
      await atomicWrite(this.paths.index, (tmp) => this.hnsw.writeIndex(tmp).then(() => undefined));
      await atomicWrite(this.paths.sidecar, (tmp) => writeFile(tmp, sidecar));
    } catch (err) {
      this.dirty = true;
      throw err;
    }
  }

  /** The sidecar of the graph as it is now, serialising only the ids added since the last flush. */
  private sidecarJson(deleted: number[]): string {
    const { ids } = this;
    if (this.idsJson.count < ids.length) {
      const more = JSON.stringify(ids.slice(this.idsJson.count)).slice(1, -1);
      this.idsJson = { count: ids.length, text: this.idsJson.text && more ? `${this.idsJson.text},${more}` : this.idsJson.text || more };
    }
    const head: Omit<Sidecar, 'ids' | 'deleted'> = {
      formatVersion: 1, modelId: this.meta.modelId, dimension: this.meta.dimension, space: 'cosine',
      capacity: this.hnsw.getMaxElements(), ...this.settings,
    };
    return `${JSON.stringify(head).slice(0, -1)},"ids":[${this.idsJson.text}],"deleted":${JSON.stringify(deleted)}}`;
  }

  /** The writes held during a file write go into the graph now. */
  private applyPending(): void {
    for (const [id, v] of this.pending) {
      if (v) this.apply(id, v);
      else this.applyRemove(id);
    }
    if (this.pending.size > 0) this.dirty = true;
    this.pending.clear();
    this.pendingDelta = 0;
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
