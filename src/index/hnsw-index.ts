/**
 * `VectorIndex` on hnswlib-node (cosine space), persisted as `<dir>/<name>.hnsw` plus a
 * `<name>.meta.json` sidecar (model id, dimension, space, capacity, M/ef, the label map, a checksum
 * per vector, and the SHA-256 of the index file and of the sidecar itself).
 *
 * `open` trusts the files only if both checksums hold, the sidecar names the same model id and
 * dimension, and the binary header agrees with it; otherwise it rebuilds from `rebuild()` (the
 * store's vectors) and logs why. Trusted files are then reconciled with the store (`reconcile`):
 * every entry whose vector checksum differs from the store's is rewritten from the store, missing
 * ones are added and extra ones removed, so the index never serves a vector the store does not
 * hold (a kill between the store's commit and the index flush leaves exactly that). Capacity
 * doubles before it is reached; deletes are `markDelete`s whose labels are reused if the same id
 * comes back.
 *
 * `flush` never blocks the event loop on the whole index: hnswlib writes the file on libuv's
 * thread pool (`writeIndex`) while the graph is frozen, and the file's checksum is computed from a
 * stream. Upserts and removes that arrive during a write are held in `pending` (searched exactly,
 * counted by `size`/`has`) and applied to the graph once the write is done; flush calls during a
 * write wait for it and then write once more for all of them (coalesced). The contract is
 * unchanged: when `flush()` resolves, everything written before the call is on disk, index file
 * first and sidecar second, each via temp file + rename.
 *
 * @example
 * const index = await HnswVectorIndex.open({
 *   dir: join(config.DATA_DIR, 'index'), name: 'products', modelId: embedder.modelId,
 *   dimension: embedder.dimension, rebuild: () => store.allVectors('product', embedder.modelId),
 *   reconcile: { checksums: () => store.vectorChecksums('product', embedder.modelId), vectors: (ids) => store.getVectors('product', ids, embedder.modelId) },
 *   m: config.HNSW_M, efConstruction: config.HNSW_EF_CONSTRUCTION, efSearch: config.HNSW_EF_SEARCH, log,
 * });
 * const hits = index.search(queryVector, 20, (id) => !excluded.has(id));
 */
import { mkdirSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import hnswlib from 'hnswlib-node';
import { chunks, dot, normalise, vectorChecksum } from '../embed/vectors.js';
import { AppError } from '../errors.js';
import type { Logger } from '../log.js';
import { atomicWrite, removeTempFiles, sha256FileAsync, tryLoad, writeSidecarFile, type Paths, type Sidecar } from './hnsw-files.js';
import { diffChecksums, type IndexSource } from './reconcile.js';
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
   * What the index must agree with (the store): checked every time trusted files are opened.
   * Optional: without it the files are trusted as they are (tests of the file format).
   */
  reconcile?: IndexSource;
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
  /** Test-only (TEST_CRASH_AT): called between the two renames of a flush, where the crash test kills the process. */
  crashPoint?: (step: 'index-file-renamed') => void;
}

type Settings = { m: number; efConstruction: number; efSearch: number };

/** Below this estimated share of passing items, filtered search scans instead of walking HNSW. */
const SELECTIVE = 0.1;
/** Labels sampled to estimate a filter's selectivity. */
const SAMPLE = 256;
/** Vectors read from the store per call while reconciling. */
const RECONCILE_CHUNK = 1000;
/** At or above this share passing, search without the JS filter callback and filter the results. */
const LOOSE = 0.5;
/** How much wider the second unfiltered search under a loose filter goes. */
const WIDER = 8;

/** A write held during a file write: the vector as given (its checksum must match the store's) and its unit form for search. */
type Held = { vector: Float32Array; unit: Float32Array } | null;

export class HnswVectorIndex implements VectorIndex {
  readonly meta: IndexMeta;
  private readonly labelOf = new Map<string, number>();
  /** Stored vectors copied out of hnswlib on first scan (getPoint costs ~60 µs a call). */
  private readonly scanCache = new Map<number, Float32Array>();
  private dirty = false;
  private persist = true;
  /** The write in progress, if any: the graph must not change until it is done. */
  private writing: Promise<void> | null = null;
  /** Writes held while `writing`: id → vector, or null for a removal. */
  private readonly pending = new Map<string, Held>();
  /** Live count change the pending writes will make. */
  private pendingDelta = 0;

  private constructor(
    private readonly paths: Paths,
    private readonly hnsw: hnswlib.HierarchicalNSW,
    modelId: string,
    dimension: number,
    private readonly settings: Settings,
    private readonly ids: string[],
    /** sums[label]: checksum of the vector last written under the label. */
    private readonly sums: number[],
    private readonly deleted: Set<number>,
    private readonly crashPoint?: HnswIndexOptions['crashPoint'],
  ) {
    this.meta = { modelId, dimension, space: 'cosine', capacity: hnsw.getMaxElements() };
    ids.forEach((id, label) => this.labelOf.set(id, label));
  }

  /**
   * Loads the persisted index (checked, then reconciled with the store), or rebuilds it (and
   * persists it) when it cannot be trusted.
   */
  static async open(o: HnswIndexOptions): Promise<HnswVectorIndex> {
    mkdirSync(o.dir, { recursive: true });
    const temps = removeTempFiles(o.dir, o.name);
    if (temps > 0) o.log?.warn('removed temp files of an interrupted index flush', { name: o.name, files: temps });
    const paths = { index: join(o.dir, `${o.name}.hnsw`), sidecar: join(o.dir, `${o.name}.meta.json`) };
    const settings = { m: o.m, efConstruction: o.efConstruction, efSearch: o.efSearch };
    const t0 = performance.now();
    let loaded: ReturnType<typeof tryLoad> = o.persist === false ? { reason: 'built from the shared store at start-up' } : tryLoad(paths, o.modelId, o.dimension);
    if ('index' in loaded) {
      const s = loaded.sidecar;
      const checkedMs = Math.round(performance.now() - t0);
      const index = new HnswVectorIndex(paths, loaded.index, o.modelId, o.dimension, { m: s.m, efConstruction: s.efConstruction, efSearch: settings.efSearch }, s.ids, s.sums, new Set(s.deleted), o.crashPoint);
      const t1 = performance.now();
      const outcome = o.reconcile ? await index.reconcile(o.reconcile) : { changed: 0 };
      if (!('rebuild' in outcome)) {
        const fields = { name: o.name, live: index.size(), checkedMs, reconcileMs: Math.round(performance.now() - t1) };
        if (outcome.changed > 0) o.log?.warn('vector index reconciled with the store', { ...fields, ...outcome });
        else o.log?.info('vector index loaded', fields);
        return index;
      }
      loaded = { reason: outcome.rebuild };
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
    const index = new HnswVectorIndex(paths, hnsw, o.modelId, o.dimension, settings, [], [], new Set(), o.crashPoint);
    index.persist = o.persist !== false;
    for (const { id, vector } of items) index.upsert(id, vector);
    index.dirty = true;
    await index.flush();
    return index;
  }

  /**
   * Makes the index hold exactly the store's vectors: entries whose checksum differs are rewritten
   * from the store, missing ones added, extra ones removed, then the files are rewritten. When
   * most of the index is wrong a fresh build gives a better graph than rewriting it in place.
   */
  private async reconcile(source: IndexSource): Promise<{ changed: number; stale?: number; missing?: number; extra?: number } | { rebuild: string }> {
    const want = await source.checksums();
    const live = this.ids.flatMap((id, label) => (this.deleted.has(label) ? [] : [[id, this.sums[label]!] as const]));
    const { stale, missing, extra } = diffChecksums(live, want);
    const changed = stale.length + missing.length + extra.length;
    if (changed === 0) return { changed };
    if (changed * 2 > Math.max(want.size, live.length)) {
      return { rebuild: `index disagrees with the store on ${changed} of ${want.size} vectors (${stale.length} stale, ${missing.length} missing, ${extra.length} extra)` };
    }
    for (const id of extra) this.remove(id);
    for (const part of chunks([...stale, ...missing], RECONCILE_CHUNK)) {
      const vectors = await source.vectors(part);
      for (const id of part) {
        const v = vectors.get(id);
        if (v) this.upsert(id, v);
        else this.remove(id); // gone from the store between the two reads
      }
    }
    await this.flush();
    return { changed, stale: stale.length, missing: missing.length, extra: extra.length };
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
      this.pending.set(id, { vector, unit: normalise(vector) });
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
    return this.find(query, k, filter, true)!;
  }

  searchGraph(query: Float32Array, k: number, filter?: (id: string) => boolean, passing?: number): Neighbour[] | null {
    return this.find(query, k, filter, false, passing);
  }

  /** `search` with `scan`; `searchGraph` without it (null where only a scan could answer). */
  private find(query: Float32Array, k: number, filter: ((id: string) => boolean) | undefined, scan: boolean, passing?: number): Neighbour[] | null {
    this.checkDimension(query, 'search');
    const want = Math.min(Math.max(0, Math.floor(k)), this.size());
    if (want === 0) return [];
    if (this.pending.size === 0) return this.graph(query, want, filter, scan, passing);
    // During a write: the graph answers for ids without a held write, the held ones are scanned
    // (a few at most: the writes held while one file write runs).
    const held = this.pending;
    const fromGraph = this.graph(query, want, (id) => !held.has(id) && (!filter || filter(id)), scan, passing);
    if (!fromGraph) return null;
    const q = normalise(query);
    const fromHeld: Neighbour[] = [];
    for (const [id, v] of held) if (v && (!filter || filter(id))) fromHeld.push({ id, score: dot(q, v.unit) });
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
    this.sums[label] = vectorChecksum(vector);
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

  private graph(query: Float32Array, want: number, filter: ((id: string) => boolean) | undefined, scan: boolean, passing?: number): Neighbour[] | null {
    const q = Array.from(query);
    const ids = this.ids;
    const ef = (n: number) => Math.max(this.settings.efSearch, n);
    if (!filter) return this.neighbours(this.knn(q, want, ef(want)));
    const pass = (label: number) => filter(ids[label]!);
    // HNSW under a selective filter walks most of the graph to collect k passing items; an exact
    // scan of just the passing items is then far cheaper. A small sample estimates selectivity.
    const rate = passing ?? this.passRate(pass);
    if (rate < SELECTIVE) return scan ? this.scan(q, want, pass) : null;
    // A loose filter (search leaving out health items): search without calling back into JS at
    // every visited node, over a few more results, and filter those; if the nearest are mostly
    // left out (a health product's look-alikes), once more WIDER times as wide, still far cheaper
    // than the callback walk below (which at 1M x 512 returned 0 of 20 for such queries).
    if (rate >= LOOSE) {
      let wide = Math.min(this.ids.length, Math.ceil((want / rate) * 1.25) + 8);
      for (let round = 0; round < 2; round++) {
        const hits = this.neighbours(this.knn(q, wide, ef(wide))).filter((h) => filter(h.id));
        if (hits.length >= want) return hits.slice(0, want);
        if (wide >= this.ids.length) break;
        wide = Math.min(this.ids.length, wide * WIDER);
      }
    }
    const hits = this.neighbours(this.knn(q, want, ef(want), pass));
    if (hits.length >= want) return hits;
    return scan ? this.scan(q, want, pass) : null;
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
    // A replica over a shared database never writes files (see `persist`).
    if (!this.persist) return;
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
      // On libuv's thread pool: the event loop keeps serving. Index first, sidecar (holding the
      // index file's checksum) second: a crash in between leaves a sidecar whose checksum
      // disagrees with the new file, which `open` detects and rebuilds from.
      let indexFile: Sidecar['indexFile'] | undefined;
      await atomicWrite(this.paths.index, async (tmp) => {
        await this.hnsw.writeIndex(tmp);
        indexFile = { bytes: (await stat(tmp)).size, sha256: await sha256FileAsync(tmp) };
      });
      this.crashPoint?.('index-file-renamed');
      const sidecar: Sidecar = {
        formatVersion: 2, modelId: this.meta.modelId, dimension: this.meta.dimension, space: 'cosine',
        capacity: this.hnsw.getMaxElements(), ...this.settings, ids: this.ids, deleted: [...this.deleted],
        sums: this.sums, indexFile: indexFile!,
      };
      // Encoded in slices with yields (tens of MB of JSON at 1M products), each written as it is made.
      await atomicWrite(this.paths.sidecar, (tmp) => writeSidecarFile(tmp, sidecar));
    } catch (err) {
      this.dirty = true;
      throw err;
    }
  }

  /** The writes held during a file write go into the graph now. */
  private applyPending(): void {
    for (const [id, v] of this.pending) {
      if (v) this.apply(id, v.vector);
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
