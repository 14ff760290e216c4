import { mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { vectorChecksum } from '../../src/embed/vectors.js';
import { ExactIndex } from '../../src/index/exact-index.js';
import { decodeSidecar, encodeSidecar } from '../../src/index/hnsw-files.js';
import { HnswVectorIndex, type HnswIndexOptions } from '../../src/index/hnsw-index.js';

const DIM = 16;

function randomVectors(n: number, seed = 1, dim = DIM) {
  let s = seed >>> 0;
  const rnd = () => ((s = (s * 1664525 + 1013904223) >>> 0) / 0xffffffff) - 0.5;
  return Array.from({ length: n }, (_, i) => ({ id: `p${String(i).padStart(4, '0')}`, vector: Float32Array.from({ length: dim }, rnd) }));
}

function capturingLog() {
  const lines: Array<{ msg: string; fields?: Record<string, unknown> }> = [];
  const log = { info: (msg: string, fields?: Record<string, unknown>) => lines.push({ msg, fields }), warn: (msg: string, fields?: Record<string, unknown>) => lines.push({ msg, fields }) };
  return { lines, log, rebuilt: () => lines.filter((l) => l.msg === 'vector index rebuilt') };
}

function setup(items = randomVectors(50)) {
  const dir = mkdtempSync(join(tmpdir(), 'hnsw-'));
  const cap = capturingLog();
  let rebuilds = 0;
  const opts = (over: Partial<HnswIndexOptions> = {}): HnswIndexOptions => ({
    dir, name: 'products', modelId: 'model-a', dimension: DIM, log: cap.log, m: 16, efConstruction: 200, efSearch: 64,
    rebuild: async () => {
      rebuilds++;
      return items;
    },
    ...over,
  });
  return { dir, cap, opts, items, rebuilds: () => rebuilds };
}

describe('HnswVectorIndex persistence', () => {
  it('reopens from its files without rebuilding, keeping deletes and the label map', async () => {
    const t = setup();
    const a = await HnswVectorIndex.open(t.opts());
    expect(t.rebuilds()).toBe(1);
    expect(t.cap.rebuilt()[0]!.fields!.reason).toMatch(/missing/);
    a.remove('p0003');
    a.upsert('extra', t.items[7]!.vector);
    await a.flush();
    const b = await HnswVectorIndex.open(t.opts());
    expect(t.rebuilds()).toBe(1);
    expect(b.size()).toBe(50);
    expect(b.has('p0003')).toBe(false);
    expect(b.search(t.items[7]!.vector, 2).map((n) => n.id).sort()).toEqual(['extra', 'p0007']);
  });

  it('rebuilds when the index file was deleted', async () => {
    const t = setup();
    await (await HnswVectorIndex.open(t.opts())).flush();
    rmSync(join(t.dir, 'products.hnsw'));
    const b = await HnswVectorIndex.open(t.opts());
    expect(t.rebuilds()).toBe(2);
    expect(t.cap.rebuilt()[1]!.fields!.reason).toBe('index file is missing');
    expect(b.search(t.items[5]!.vector, 1)[0]!.id).toBe('p0005');
  });

  it('rejects and rebuilds an index built by another model or of another dimension', async () => {
    const t = setup();
    await HnswVectorIndex.open(t.opts());
    await HnswVectorIndex.open(t.opts({ modelId: 'model-b' }));
    expect(t.cap.rebuilt().at(-1)!.fields!.reason).toMatch(/model "model-a"/);

    // Another dimension, with a sidecar that lies about it: the binary header gives it away.
    const other = setup(randomVectors(10, 3, 8));
    await HnswVectorIndex.open(other.opts({ dimension: 8 }));
    const sidecarPath = join(other.dir, 'products.meta.json');
    const sidecar = decodeSidecar(readFileSync(sidecarPath, 'utf8'));
    writeFileSync(sidecarPath, encodeSidecar({ ...sidecar, dimension: DIM })); // checksum recomputed: only the header can tell
    const fresh = randomVectors(5, 9);
    const b = await HnswVectorIndex.open(other.opts({ rebuild: async () => fresh }));
    expect(other.cap.rebuilt().at(-1)!.fields!.reason).toMatch(/dimension 8, expected 16/);
    expect(b.meta.dimension).toBe(DIM);
    expect(b.search(fresh[2]!.vector, 1)[0]).toMatchObject({ id: 'p0002' });
    expect(b.search(fresh[2]!.vector, 1)[0]!.score).toBeCloseTo(1, 4);
  });

  it('reconciles trusted files with the store: stale entries rewritten, missing added, extra removed', async () => {
    const t = setup();
    await HnswVectorIndex.open(t.opts());
    // The store moved on after the last flush (a kill between its commit and the index flush):
    // p0001 has a new vector, p0002 is gone, "new" was added.
    const store = new Map(t.items.map((i) => [i.id, i.vector]));
    const fresh = randomVectors(2, 77);
    store.set('p0001', fresh[0]!.vector);
    store.delete('p0002');
    store.set('new', fresh[1]!.vector);
    const source = {
      checksums: async () => new Map([...store].map(([id, v]) => [id, vectorChecksum(v)])),
      vectors: async (ids: string[]) => new Map(ids.map((id) => [id, store.get(id)!])),
    };
    const b = await HnswVectorIndex.open(t.opts({ reconcile: source }));
    expect(t.rebuilds()).toBe(1);
    expect(t.cap.lines.at(-1)).toMatchObject({ msg: 'vector index reconciled with the store', fields: { stale: 1, missing: 1, extra: 1 } });
    expect(b.size()).toBe(50);
    expect(b.has('p0002')).toBe(false);
    expect(b.search(fresh[0]!.vector, 1, (id) => id === 'p0001')[0]!.score).toBeCloseTo(1, 5);
    expect(b.search(fresh[1]!.vector, 1)[0]!.id).toBe('new');
    // The reconciled state was persisted: the next open agrees without rewriting anything.
    await HnswVectorIndex.open(t.opts({ reconcile: source }));
    expect(t.cap.lines.at(-1)).toMatchObject({ msg: 'vector index loaded' });
  });

  it('rebuilds instead of rewriting when most of the index disagrees with the store', async () => {
    const t = setup();
    await HnswVectorIndex.open(t.opts());
    const other = randomVectors(50, 99);
    const source = {
      checksums: async () => new Map(other.map((i) => [i.id, vectorChecksum(i.vector)])),
      vectors: async () => new Map<string, Float32Array>(),
    };
    await HnswVectorIndex.open(t.opts({ reconcile: source }));
    expect(t.rebuilds()).toBe(2);
    expect(t.cap.rebuilt().at(-1)!.fields!.reason).toMatch(/disagrees with the store on 50 of 50 vectors \(50 stale/);
  });

  it('fails with INDEX_UNAVAILABLE when it must rebuild and the store cannot be read', async () => {
    const t = setup();
    await expect(HnswVectorIndex.open(t.opts({ rebuild: async () => { throw new Error('disk gone'); } }))).rejects.toMatchObject({ code: 'INDEX_UNAVAILABLE' });
  });

  it('rebuilds a truncated or garbage index file and an unparsable sidecar', async () => {
    const t = setup();
    await HnswVectorIndex.open(t.opts());
    const file = join(t.dir, 'products.hnsw');
    truncateSync(file, statSync(file).size - 100);
    await HnswVectorIndex.open(t.opts());
    expect(t.cap.rebuilt().at(-1)!.fields!.reason).toMatch(/index file is \d+ bytes, the sidecar recorded \d+ \(truncated/);
    writeFileSync(file, Buffer.alloc(statSync(file).size, 7)); // same size, garbage: the header check notices
    await HnswVectorIndex.open(t.opts());
    expect(t.cap.rebuilt().at(-1)!.fields!.reason).toMatch(/corrupt: index header is inconsistent/);
    writeFileSync(file, Buffer.alloc(4096, 7));
    await HnswVectorIndex.open(t.opts());
    expect(t.cap.rebuilt().at(-1)!.fields!.reason).toMatch(/corrupt/);
    writeFileSync(join(t.dir, 'products.meta.json'), '{not json');
    const d = await HnswVectorIndex.open(t.opts());
    expect(t.cap.rebuilt().at(-1)!.fields!.reason).toMatch(/sidecar/);
    expect(d.size()).toBe(50);
    expect(t.rebuilds()).toBe(5);
  });
});

describe('HnswVectorIndex search', () => {
  it('never returns a deleted id, and a deleted id can come back', async () => {
    const t = setup();
    const idx = await HnswVectorIndex.open(t.opts());
    const target = t.items[10]!;
    expect(idx.search(target.vector, 1)[0]!.id).toBe(target.id);
    expect(idx.remove(target.id)).toBe(true);
    expect(idx.remove(target.id)).toBe(false);
    expect(idx.size()).toBe(49);
    expect(idx.search(target.vector, 50).map((n) => n.id)).not.toContain(target.id);
    expect(idx.search(target.vector, 50)).toHaveLength(49);
    idx.upsert(target.id, target.vector);
    expect(idx.search(target.vector, 1)[0]!.id).toBe(target.id);
    expect(idx.size()).toBe(50);
  });

  it('clamps k larger than the catalog, and handles an empty index', async () => {
    const t = setup(randomVectors(3));
    const idx = await HnswVectorIndex.open(t.opts());
    expect(idx.search(t.items[0]!.vector, 1000)).toHaveLength(3);
    const empty = await HnswVectorIndex.open({ ...t.opts({ name: 'empty', rebuild: async () => [] }) });
    expect(empty.search(t.items[0]!.vector, 10)).toEqual([]);
  });

  it('filters by id and matches the exact baseline on scores', async () => {
    const t = setup(randomVectors(200, 5));
    const idx = await HnswVectorIndex.open(t.opts());
    const exact = new ExactIndex({ modelId: 'model-a', dimension: DIM });
    for (const { id, vector } of t.items) exact.upsert(id, vector);
    const even = (id: string) => Number(id.slice(1)) % 2 === 0;
    const q = t.items[1]!.vector; // odd: itself is filtered out
    const got = idx.search(q, 10, even);
    const want = exact.search(q, 10, even);
    expect(got.every((n) => even(n.id))).toBe(true);
    expect(got.map((n) => n.id)).toEqual(want.map((n) => n.id));
    got.forEach((n, i) => expect(n.score).toBeCloseTo(want[i]!.score, 4));
    // A filter that passes a single item still finds it.
    expect(idx.search(q, 5, (id) => id === 'p0150').map((n) => n.id)).toEqual(['p0150']);
  });

  it('answers selective filters exactly, without deleted ids and with updated vectors', async () => {
    const t = setup(randomVectors(300, 8));
    const idx = await HnswVectorIndex.open(t.opts());
    const few = new Set(['p0010', 'p0020', 'p0030', 'p0040']); // ~1%: takes the exact-scan path
    const q = t.items[20]!.vector;
    expect(idx.search(q, 2, (id) => few.has(id))[0]).toMatchObject({ id: 'p0020' });
    idx.remove('p0020');
    expect(idx.search(q, 10, (id) => few.has(id)).map((n) => n.id).sort()).toEqual(['p0010', 'p0030', 'p0040']);
    idx.upsert('p0030', q); // p0030 now holds p0020's old vector
    const top = idx.search(q, 1, (id) => few.has(id))[0]!;
    expect(top.id).toBe('p0030');
    expect(top.score).toBeCloseTo(1, 5);
  });

  it("searchGraph answers what the graph can and returns null where only a scan could (the caller scans off-thread)", async () => {
    const t = setup(randomVectors(300, 9));
    const idx = await HnswVectorIndex.open(t.opts());
    const q = t.items[42]!.vector;
    // Unfiltered and loosely filtered: the same hits as search().
    expect(idx.searchGraph(q, 10)!.map((n) => n.id)).toEqual(idx.search(q, 10).map((n) => n.id));
    const loose = (id: string) => id !== 'p0042';
    expect(idx.searchGraph(q, 10, loose)!.map((n) => n.id)).toEqual(idx.search(q, 10, loose).map((n) => n.id));
    // ~1% pass: search() scans every vector on the calling thread; searchGraph refuses to.
    const few = new Set(['p0010', 'p0020', 'p0030']);
    expect(idx.search(q, 2, (id) => few.has(id))).toHaveLength(2);
    expect(idx.searchGraph(q, 2, (id) => few.has(id))).toBeNull();
    // Nothing passes: still no scan.
    expect(idx.searchGraph(q, 2, () => false)).toBeNull();
  });

  it("takes the caller's share of passing vectors instead of sampling the filter, and routes by it", async () => {
    const t = setup(randomVectors(300, 13));
    const idx = await HnswVectorIndex.open(t.opts());
    const q = t.items[3]!.vector;
    let calls = 0;
    const keep = (id: string) => (calls++, id !== 'p0003');
    const sampled = idx.searchGraph(q, 10, keep)!;
    expect(calls).toBeGreaterThanOrEqual(256); // its own estimate: one call per sampled label
    calls = 0;
    expect(idx.searchGraph(q, 10, keep, 1)!.map((n) => n.id)).toEqual(sampled.map((n) => n.id));
    expect(calls).toBeLessThan(40); // only the hits of one unfiltered search were checked
    // A share under the selective line: the graph does not walk, the caller scans elsewhere.
    expect(idx.searchGraph(q, 10, keep, 0.05)).toBeNull();
  });

  it('a loose filter that leaves out all the nearest still avoids the callback walk: one wider search, filtered after', async () => {
    const t = setup(randomVectors(300, 11));
    const idx = await HnswVectorIndex.open(t.opts());
    const q = t.items[7]!.vector;
    const exact = new ExactIndex({ modelId: 'model-a', dimension: DIM });
    for (const it of t.items) exact.upsert(it.id, it.vector);
    // The 40 nearest are left out (13%: a loose filter), more than the first, narrow search returns.
    const nearest = new Set(exact.search(q, 40).map((n) => n.id));
    const keep = (id: string) => !nearest.has(id);
    const knn = vi.spyOn(idx as unknown as { knn: (...a: unknown[]) => unknown }, 'knn');
    const got = idx.searchGraph(q, 5, keep);
    expect(got?.map((n) => n.id)).toEqual(exact.search(q, 5, keep).map((n) => n.id));
    expect(knn.mock.calls.length).toBe(2);
    expect(knn.mock.calls.every((c) => c[3] === undefined)).toBe(true); // no JS callback inside hnswlib
  });

  it('grows beyond its initial capacity', async () => {
    const t = setup(randomVectors(0));
    const idx = await HnswVectorIndex.open(t.opts({ capacity: 4 }));
    expect(idx.meta.capacity).toBe(4);
    const many = randomVectors(40, 11);
    for (const { id, vector } of many) idx.upsert(id, vector);
    expect(idx.meta.capacity).toBeGreaterThanOrEqual(40);
    expect(idx.size()).toBe(40);
    expect(idx.search(many[39]!.vector, 1)[0]!.id).toBe(many[39]!.id);
    await idx.flush();
    const again = await HnswVectorIndex.open(t.opts({ capacity: 4 }));
    expect(again.size()).toBe(40);
    expect(again.meta.capacity).toBe(idx.meta.capacity);
  });

  it('rejects vectors of the wrong dimension with a clear error', async () => {
    const t = setup(randomVectors(2));
    const idx = await HnswVectorIndex.open(t.opts());
    expect(() => idx.upsert('x', new Float32Array(3))).toThrow(/16-dimensional vectors, but got 3/);
  });
});

describe('HnswVectorIndex flush off the event loop', () => {
  it('keeps serving during a write: writes made meanwhile are searchable at once and persisted by the next flush', async () => {
    const t = setup(randomVectors(200, 21));
    const idx = await HnswVectorIndex.open(t.opts());
    const fresh = randomVectors(3, 99).map((v, i) => ({ ...v, id: `new${i}` }));
    const onDisk = () => decodeSidecar(readFileSync(join(t.dir, 'products.meta.json'), 'utf8')).ids.length;
    idx.upsert('pre', t.items[150]!.vector); // before the flush: part of what it persists
    const first = idx.flush();
    // Not on disk yet: the file is written on the thread pool (the old synchronous flush had
    // written it before returning), and these writes must not change the graph under it.
    expect(onDisk()).toBe(200);
    for (const f of fresh) idx.upsert(f.id, f.vector);
    expect(idx.remove('p0002')).toBe(true);
    expect(idx.remove('p0002')).toBe(false);
    expect(idx.size()).toBe(203);
    expect(idx.has('new1')).toBe(true);
    expect(idx.has('p0002')).toBe(false);
    expect(idx.search(fresh[1]!.vector, 1)[0]).toMatchObject({ id: 'new1' });
    expect(idx.search(t.items[2]!.vector, 300).map((n) => n.id)).not.toContain('p0002');
    expect(idx.search(fresh[2]!.vector, 3, (id) => id.startsWith('new')).map((n) => n.id)).toContain('new2');
    const second = idx.flush();
    const third = idx.flush();
    await first;
    expect(onDisk()).toBe(201);
    // Opened from a copy: `open` clears temp files in its folder, and the second write's is there now.
    const copy = mkdtempSync(join(tmpdir(), 'hnsw-copy-'));
    for (const f of ['products.hnsw', 'products.meta.json']) writeFileSync(join(copy, f), readFileSync(join(t.dir, f)));
    const afterFirst = await HnswVectorIndex.open(t.opts({ dir: copy }));
    expect(afterFirst.size()).toBe(201); // the first flush wrote the graph as it was when called
    expect(afterFirst.search(t.items[150]!.vector, 2).map((n) => n.id).sort()).toEqual(['p0150', 'pre']);
    await Promise.all([second, third]);
    const reopened = await HnswVectorIndex.open(t.opts());
    expect(t.rebuilds()).toBe(1);
    expect(reopened.size()).toBe(203);
    expect(reopened.has('new0') && reopened.has('new2') && !reopened.has('p0002')).toBe(true);
    expect(idx.size()).toBe(203);
  });

  it('a write held during a flush is checksummed as given, not in its normalised search form', async () => {
    // The store's checksum is of the vector as stored; a held write checksummed after
    // normalising would look stale to the start-up reconcile and be rewritten on every restart.
    const t = setup(randomVectors(50, 23));
    const idx = await HnswVectorIndex.open(t.opts());
    idx.upsert('pre', t.items[1]!.vector);
    const first = idx.flush();
    const scaled = t.items[7]!.vector.map((x) => x * 3);
    idx.upsert('held', scaled);
    await first;
    await idx.flush();
    const sidecar = decodeSidecar(readFileSync(join(t.dir, 'products.meta.json'), 'utf8'));
    expect(sidecar.sums[sidecar.ids.indexOf('held')]).toBe(vectorChecksum(scaled));
  });

  it('a loose filter (answered by an unfiltered search, filtered after) gives the exact baseline\'s hits', async () => {
    const t = setup(randomVectors(1200, 31));
    const idx = await HnswVectorIndex.open(t.opts({ efConstruction: 64 }));
    const exact = new ExactIndex({ modelId: 'model-a', dimension: DIM });
    for (const { id, vector } of t.items) exact.upsert(id, vector);
    const most = (id: string) => !id.endsWith('7');
    for (const q of [3, 17, 400]) {
      const got = idx.search(t.items[q]!.vector, 10, most);
      expect(got.map((n) => n.id)).toEqual(exact.search(t.items[q]!.vector, 10, most).map((n) => n.id));
    }
  });
});
