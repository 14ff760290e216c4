/**
 * What the start-up checks of issue 14 cost: the index file's and sidecar's SHA-256, the index
 * reconciled with the store's per-vector checksums, and the media folder's recovery scan, next to
 * what start-up did before them (hnswlib reading the file, the catalog and vectors loaded).
 *
 *   npm run bench:startup -- [--products 100000] [--dim 512] [--media] [--efc 64] [--runs 3]
 *   npm run bench:startup -- --synthetic --products 1000000 --dim 128
 *
 * Builds (once, into .bench-tmp/) a data folder of synthetic products with random unit vectors
 * (and, with --media, one small image each), then times `createService` on it and each check on
 * its own. --efc only speeds up building the index (the file's size does not depend on it).
 * A fake embedder of the given dimension: no model is loaded, so the times are the data's.
 * --synthetic skips building a graph (hours at 1M on two shared cores): it times the checks alone
 * on files of the real sizes (random bytes of an M=32 index file's size, a sidecar of N ids and
 * checksums, a store of N vector rows), which is what the checks cost on top of what start-up did.
 */
import { existsSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import hnswlib from 'hnswlib-node';
import { loadConfig } from '../src/config.js';
import { decodeSidecar, sha256File } from '../src/index/hnsw-files.js';
import { diffChecksums } from '../src/index/reconcile.js';
import { createLogger, silentLogger, type Logger } from '../src/log.js';
import { createService } from '../src/service.js';
import { fileMediaStore } from '../src/store/media-files.js';
import { openSqliteStore } from '../src/store/sqlite-store.js';
import { createFakeEmbedder, fakePng } from '../test/helpers/fake-embedder.js';
import { machineInfo, machineLine } from './lib/machine.js';
import { benchTmp, fmt, markdownTable, median, parseArgs } from './lib/stats.js';
import { gaussian, rng } from './lib/vectors.js';

const args = parseArgs(process.argv.slice(2));
const N = Number(args.get('products') ?? 100_000);
const DIM = Number(args.get('dim') ?? 512);
const withMedia = args.has('media');
const runs = Number(args.get('runs') ?? 3);
const base = loadConfig({ ...process.env, LOG_LEVEL: 'silent' });
const config = { ...base, HNSW_EF_CONSTRUCTION: Number(args.get('efc') ?? base.HNSW_EF_CONSTRUCTION) };
const MODEL = 'bench-startup';
const embedder = () => createFakeEmbedder({ dimension: DIM, modelId: MODEL });

async function build(dataDir: string): Promise<void> {
  console.log(`building ${N.toLocaleString('en-US')} products × ${DIM}${withMedia ? ' with media' : ''} in ${dataDir} (once)`);
  const service = await createService({ ...config, DATA_DIR: dataDir }, { embedder: embedder(), log: silentLogger });
  await service.core.commands.upsertMerchants([{ id: 'm', name: 'M', network: 'utm', settings: {} }]);
  const g = gaussian(rng(11));
  const t0 = performance.now();
  for (let start = 0; start < N; start += 1000) {
    const rows = [];
    for (let i = start; i < Math.min(start + 1000, N); i++) {
      const v = Float32Array.from({ length: DIM }, () => g());
      const norm = Math.hypot(...v);
      for (let d = 0; d < DIM; d++) v[d] /= norm;
      const id = `p${String(i).padStart(7, '0')}`;
      let mediaVersion: string | undefined;
      if (withMedia) {
        const staged = await service.media.stage('product', id, { bytes: fakePng(id), contentType: 'image/png' });
        await service.media.promote(staged);
        mediaVersion = staged.version;
      }
      rows.push({ entity: { id, title: `Product ${i}`, description: 'A synthetic product', brand: 'B', category: 'dress', price: 10 + (i % 90), currency: 'EUR', merchant: 'm', network: 'utm' as const, url: `https://shop.example/${id}`, image: `/media/products/${id}` }, vector: v, mediaVersion });
    }
    await service.store.upsertProducts(rows, MODEL);
    for (const r of rows) service.productIndex.upsert(r.entity.id, r.vector);
    if (start % 50_000 === 0) console.log(`  ${start.toLocaleString('en-US')} (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
  }
  await service.close();
  writeFileSync(join(dataDir, 'ready.json'), '{}');
}

/** The checks alone, on synthetic files of the sizes N × DIM gives (hnswlib's level 0 dominates). */
async function synthetic(): Promise<void> {
  const { randomBytes } = await import('node:crypto');
  const { mkdirSync, openSync, writeSync, closeSync } = await import('node:fs');
  const { encodeSidecar } = await import('../src/index/hnsw-files.js');
  const { vectorChecksum } = await import('../src/embed/vectors.js');
  const dir = join(benchTmp(), `startup-synthetic-${N}-${DIM}`);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'products.hnsw');
  const bytes = N * (4 + 2 * config.HNSW_M * 4 + DIM * 4 + 8) + 96;
  if (!existsSync(file) || statSync(file).size !== bytes) {
    const fd = openSync(file, 'w');
    for (let left = bytes; left > 0; left -= 64 << 20) writeSync(fd, randomBytes(Math.min(left, 64 << 20)));
    closeSync(fd);
  }
  const ids = Array.from({ length: N }, (_, i) => `p${String(i).padStart(7, '0')}`);
  const g = gaussian(rng(3));
  const vectors = ids.map(() => Float32Array.from({ length: DIM }, () => g()));
  const sums = vectors.map((v) => vectorChecksum(v));
  const sidecarText = encodeSidecar({ formatVersion: 2, modelId: MODEL, dimension: DIM, space: 'cosine', capacity: N, m: config.HNSW_M, efConstruction: 64, efSearch: 100, ids, deleted: [], sums, indexFile: { bytes, sha256: '0'.repeat(64) } });
  const dbPath = join(dir, 'store.db');
  // ready.json marks a store whose rows all went in: an interrupted earlier run left a partial one.
  if (!existsSync(join(dir, 'ready.json'))) {
    for (const f of [dbPath, `${dbPath}-wal`, `${dbPath}-shm`]) rmSync(f, { force: true });
    const store = openSqliteStore({ path: dbPath });
    store.closeSync();
    const Database = (await import('better-sqlite3')).default;
    const db = new Database(dbPath);
    const insert = db.prepare("INSERT INTO entity_vectors (kind, id, model_id, vector, checksum) VALUES ('product', ?, ?, ?, ?)");
    db.transaction(() => ids.forEach((id, i) => insert.run(id, MODEL, Buffer.from(vectors[i]!.buffer), sums[i]!)))();
    db.close();
    writeFileSync(join(dir, 'ready.json'), '{}');
  }
  const times: Record<string, number[]> = {};
  const time = async <T>(name: string, fn: () => T | Promise<T>): Promise<T> => {
    const t0 = performance.now();
    const out = await fn();
    (times[name] ??= []).push(performance.now() - t0);
    return out;
  };
  const mb = bytes / 2 ** 20;
  for (let r = 0; r < runs; r++) {
    await time(`index file SHA-256 (${fmt(mb)} MB)`, () => sha256File(file));
    const sidecar = await time(`sidecar SHA-256 + parse (${fmt(sidecarText.length / 2 ** 20)} MB)`, () => decodeSidecar(sidecarText));
    const store = openSqliteStore({ path: dbPath });
    const have = await time('store vector checksums (SELECT id, checksum)', () => store.vectorChecksums('product', MODEL));
    await time('checksum diff', () => diffChecksums(sidecar.ids.map((id, l) => [id, sidecar.sums[l]!] as const), have));
    await store.close();
  }
  console.log(`\nsynthetic ${N.toLocaleString('en-US')} × ${DIM} (M=${config.HNSW_M}), median of ${runs} runs (shared machine):\n`);
  console.log(markdownTable(['check', 'ms (median)'], Object.entries(times).map(([k, v]) => [k, median(v)] as const)));
}

async function main(): Promise<void> {
  console.log(machineLine(machineInfo()));
  if (args.has('synthetic')) return synthetic();
  const dataDir = join(benchTmp(), `startup-${N}-${DIM}${withMedia ? '-media' : ''}-m${config.HNSW_M}`);
  if (!existsSync(join(dataDir, 'ready.json'))) await build(dataDir);
  const indexFile = join(dataDir, 'index', 'products.hnsw');
  const sidecarFile = join(dataDir, 'index', 'products.meta.json');
  const mb = statSync(indexFile).size / 2 ** 20;

  const times: Record<string, number[]> = {};
  const time = async <T>(name: string, fn: () => T | Promise<T>): Promise<T> => {
    const t0 = performance.now();
    const out = await fn();
    (times[name] ??= []).push(performance.now() - t0);
    return out;
  };
  const logged: Record<string, unknown>[] = [];
  const log: Logger = { ...createLogger('silent'), info: (msg, f) => logged.push({ msg, ...f }), warn: (msg, f) => logged.push({ msg, ...f }) };
  for (let r = 0; r < runs; r++) {
    // The whole start-up (store open, media recovery, index checks + load + reconcile, catalog and vectors).
    const service = await time('createService (whole start-up, no model)', () => createService({ ...config, DATA_DIR: dataDir }, { embedder: embedder(), log }));
    await service.close();
    // Each piece on its own.
    await time(`index file SHA-256 (${fmt(mb)} MB)`, () => sha256File(indexFile));
    const { readFileSync } = await import('node:fs');
    const sidecar = await time('sidecar read + SHA-256 + parse', () => decodeSidecar(readFileSync(sidecarFile, 'utf8')));
    await time('hnswlib readIndex (before the checks too)', () => new hnswlib.HierarchicalNSW('cosine', DIM).readIndexSync(indexFile));
    const store = openSqliteStore({ path: join(dataDir, 'store.db') });
    const sums = await time('store vector checksums (SELECT id, checksum)', () => store.vectorChecksums('product', MODEL));
    await time('checksum diff', () => diffChecksums(sidecar.ids.map((id, l) => [id, sidecar.sums[l]!] as const), sums));
    const versions = await time('store media versions (SELECT id, media_version)', async () => ({ product: await store.mediaVersions('product'), post: await store.mediaVersions('post') }));
    await time(`media recovery scan (${withMedia ? 2 * N : 0} files)`, () => fileMediaStore(join(dataDir, 'media')).recover(versions));
    await store.close();
  }
  const checks = logged.filter((l) => l.msg === 'start-up checks').map((l) => l as { storeMs: number; mediaMs: number; indexMs: number });
  console.log(`\n${N.toLocaleString('en-US')} products × ${DIM}, index file ${fmt(mb)} MB, median of ${runs} runs (shared machine):\n`);
  console.log(markdownTable(['step', 'ms (median)'], [
    ...Object.entries(times).map(([k, v]) => [k, median(v)] as const),
    ['createService log: store open', median(checks.map((c) => c.storeMs))],
    ['createService log: media recovery', median(checks.map((c) => c.mediaMs))],
    ['createService log: index open (checks + load + reconcile)', median(checks.map((c) => c.indexMs))],
  ]));
}

await main();
