/**
 * bench/pg.ts's synthetic catalog (clustered 128-d vectors, 50 categories of 2% each, prices
 * 10..99), written once into a SQLite data folder and a PostgreSQL schema and reused while the
 * catalog and the index settings are unchanged, as bench/lib/big-catalog.ts reuses the embedded
 * one: at 100k the PostgreSQL load and its HNSW build are most of a fresh run.
 *
 * The load is a bulk load through the stores' own batch writes (one multi-row statement per
 * table per 2,000 products), and pgvector's HNSW index is built after it: building once over the
 * loaded rows is far cheaper than maintaining the graph on every insert.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import type { Config } from '../../src/config.js';
import type { Product } from '../../src/domain/index.js';
import { ensureVectorIndex } from '../../src/store/pg-vector-index.js';
import { openPgStore } from '../../src/store/pg-store.js';
import { openSqliteStore } from '../../src/store/sqlite-store.js';
import type { Store } from '../../src/store/types.js';
import { benchTmp } from './stats.js';
import { clusteredVectors } from './vectors.js';

export const DIM = 128;
export const MODEL = 'bench-synthetic';
export const CATEGORIES = 50;
/** Bump when what `fill` writes changes, so no stale cached catalog is reused. */
const VERSION = 2;
const BATCH = 2000;

export interface PgBenchCatalog {
  size: number;
  vec(i: number): Float32Array;
  product(i: number): Product;
  /** Query vectors (the posts' vectors: outside the catalog, like a shopper's taste). */
  query(k: number): Float32Array;
  sqliteDir: string;
  schema: string;
  /** Seconds each part took when the catalog was built (the build may have been an earlier run). */
  load: { sqliteS: number; postgresS: number; pgvectorIndexS: number; reused: boolean };
}

export async function openPgBenchCatalog(o: { size: number; url: string; config: Config; fresh: boolean; log: (m: string) => void }): Promise<PgBenchCatalog> {
  const N = o.size;
  const flat = clusteredVectors({ count: N + 400, dim: DIM, seed: 16 });
  const vec = (i: number) => flat.subarray(i * DIM, (i + 1) * DIM);
  const product = (i: number): Product => ({
    id: `p${String(i).padStart(6, '0')}`, title: `Item ${i}`, description: 'synthetic', brand: `b${i % 20}`, category: `cat${i % CATEGORIES}`,
    price: 10 + (i % 90), currency: 'EUR', merchant: 'm-bench', url: `https://shop.example/${i}`, network: 'utm', image: `/media/products/p${i}`,
  });
  const tag = `v${VERSION}-${N}-d${DIM}-m${o.config.HNSW_M}-efc${o.config.HNSW_EF_CONSTRUCTION}`;
  const schema = `benchpg_${createHash('sha1').update(tag).digest('hex').slice(0, 10)}`;
  const sqliteDir = join(benchTmp(), `pg-${tag}`, 'sqlite');
  const ready = join(benchTmp(), `pg-${tag}`, 'ready.json');
  const base = { size: N, vec, product, query: (k: number) => vec(N + (k % 400)), sqliteDir, schema };

  const admin = new pg.Client({ connectionString: o.url });
  await admin.connect();
  try {
    const marked = async () => (await admin.query(`SELECT 1 FROM pg_tables WHERE schemaname = $1 AND tablename = 'bench_ready'`, [schema])).rowCount === 1;
    if (!o.fresh && existsSync(ready) && (await marked())) {
      o.log(`reusing the ${N.toLocaleString('en-US')}-product catalog (${sqliteDir}, schema ${schema}); --fresh rebuilds it`);
      return { ...base, load: { ...JSON.parse(readFileSync(ready, 'utf8')), reused: true } };
    }
    o.log(`building a ${N.toLocaleString('en-US')}-product catalog into ${sqliteDir} and schema ${schema} (once)`);
    rmSync(join(benchTmp(), `pg-${tag}`), { recursive: true, force: true });
    mkdirSync(sqliteDir, { recursive: true });
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);

    const fill = async (store: Store): Promise<number> => {
      const t0 = Date.now();
      // The taxonomy must know the categories: an unknown one counts as health (fail closed), and
      // a shopper without health consent would then get empty lists, which time nothing.
      await store.upsertCategories(Array.from({ length: CATEGORIES }, (_, c) => ({ id: `cat${c}`, group: 'bench' })));
      await store.upsertMerchants([{ id: 'm-bench', name: 'Bench', network: 'utm', settings: {} }]);
      for (let i = 0; i < N; i += BATCH) {
        const items = [];
        for (let j = i; j < Math.min(N, i + BATCH); j++) items.push({ entity: product(j), vector: vec(j) });
        await store.upsertProducts(items, MODEL);
      }
      await store.upsertCreators(Array.from({ length: 40 }, (_, c) => ({ id: `c${c}`, handle: `@c${c}`, displayName: `C${c}`, aesthetics: ['x'], optIns: { styleSource: true, affiliate: true } })));
      for (let c = 0; c < 40; c++) {
        await store.upsertPosts(`c${c}`, Array.from({ length: 10 }, (_, k) => ({
          entity: { id: `c${c}-p${k}`, creatorId: `c${c}`, image: '/media/posts/x', caption: 'look', postedAt: '2026-11-01T00:00:00Z', engagement: { likes: 10, comments: 1, saves: 1 } },
          vector: vec(N + ((c * 10 + k) % 400)),
        })), MODEL);
      }
      for (let u = 0; u < 200; u++) {
        await store.upsertUser({ id: `u${u}`, displayName: '', region: 'US', ageBand: '25-34' });
        await store.setFollows(`u${u}`, [`c${u % 40}`, `c${(u * 7 + 3) % 40}`, `c${(u * 13 + 5) % 40}`]);
        await store.appendConsents(`u${u}`, [{ purpose: 'personalization', granted: true, at: '2026-11-01T00:00:00Z', source: 'bench', policyVersion: '1' }]);
      }
      return (Date.now() - t0) / 1000;
    };

    const sq = openSqliteStore({ path: join(sqliteDir, 'store.db') });
    const sqliteS = await fill(sq);
    await sq.close();
    const pgStore = await openPgStore({ url: o.url, schema });
    const postgresS = await fill(pgStore);
    o.log(`  loaded: sqlite ${sqliteS.toFixed(1)} s, postgres ${postgresS.toFixed(1)} s; building pgvector's HNSW index`);
    const t1 = Date.now();
    await ensureVectorIndex(pgStore.pools, { modelId: MODEL, dimension: DIM, m: o.config.HNSW_M, efConstruction: o.config.HNSW_EF_CONSTRUCTION });
    const pgvectorIndexS = (Date.now() - t1) / 1000;
    await pgStore.pools.primary.query('ANALYZE');
    await pgStore.pools.primary.query('CREATE TABLE bench_ready (tag text NOT NULL)');
    await pgStore.close();
    const load = { sqliteS, postgresS, pgvectorIndexS };
    writeFileSync(ready, JSON.stringify(load));
    return { ...base, load: { ...load, reused: false } };
  } finally {
    await admin.end();
  }
}
