/**
 * The category taxonomy at start-up and in world folders (issue 14 item 1):
 * - every item of the shipped fixture world passes the taxonomy rules (start-up loads it on an
 *   empty DATA_DIR), and the taxonomy calls health exactly what the world's ground truth does;
 * - a store from before the taxonomy existed is seeded with the defaults plus the categories its
 *   products use, marked health where the old per-product flag said so;
 * - a world folder's categories.json extends the taxonomy before its products load.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/log.js';
import { createService } from '../../src/service.js';
import { postCategoryProblem, productCategoryProblem, storedPost, storedProduct } from '../../src/core/commands/taxonomy-rules.js';
import { CategoryTaxonomy, DEFAULT_CATEGORIES, Post as DomainPost, Product as DomainProduct } from '../../src/domain/index.js';
import { readWorldFiles } from '../../src/ingest/world-files.js';
import type { Post, Product } from '../../tools/world/schema.js';
import { createFakeEmbedder } from '../helpers/fake-embedder.js';
import { PG_URL } from '../helpers/backends.js';
import { TEST_MERCHANT, testService } from '../helpers/service.js';
import { product } from '../store/fixtures.js';

const fixture = <T>(file: string): T => JSON.parse(readFileSync(new URL(`../../fixtures/${file}`, import.meta.url), 'utf8')) as T;

describe('category taxonomy', () => {
  // The whole load (with the real model) runs in test/service/style-match.test.ts, which also
  // asserts 0 rejects; here, fast, every fixture item through the taxonomy rules the commands apply.
  it('every fixture product and post passes the taxonomy rules, and health is what the world says it is', async () => {
    const taxonomy = new CategoryTaxonomy(DEFAULT_CATEGORIES);
    const files = await readWorldFiles(new URL('../../fixtures', import.meta.url).pathname);
    const truth = new Map(fixture<Post[]>('posts.json').map((p) => [p.id, p]));
    files.products.forEach((item, k) => {
      const p = DomainProduct.parse(item);
      expect(productCategoryProblem(taxonomy, p, k), p.id).toBeNull();
      expect(taxonomy.productIsHealth(storedProduct(p)), p.id).toBe((item as Product).sensitive === 'health');
    });
    files.posts.forEach((item, k) => {
      const p = DomainPost.parse(item);
      expect(postCategoryProblem(taxonomy, p, k), p.id).toBeNull();
      expect(p.categories, p.id).toEqual([...new Set(truth.get(p.id)!.items!.map((i) => i.category))]);
      expect(taxonomy.postIsHealth(storedPost(p)), p.id).toBe(truth.get(p.id)!.sensitive === 'health');
    });
    expect(files.posts.filter((p) => (p as Post).sensitive === 'health').length).toBeGreaterThan(10);
    expect(files.products.filter((p) => (p as Product).sensitive === 'health').length).toBeGreaterThan(10);
  });

  it('seeds a store from before the taxonomy with the defaults plus the categories in use', async () => {
    const t = await testService({ app: false });
    const dataDir = t.config.DATA_DIR;
    await t.service.close();
    // Make it look like a database written before the taxonomy was filled (SQLite migration 3, PostgreSQL 4).
    const old = [product('old-lamp', { category: 'lamp', sensitive: 'health' }), product('old-rug', { category: 'rug' }), product('old-dress', { category: 'dress' })];
    if (t.service.backend === 'postgres') {
      const db = new pg.Client({ connectionString: PG_URL, options: `-c search_path=${t.config.DATABASE_SCHEMA},public` });
      await db.connect();
      await db.query('DELETE FROM categories');
      for (const p of old) {
        await db.query('INSERT INTO products (id, category, merchant, network, price, sensitive, data) VALUES ($1, $2, $3, $4, $5, $6, $7)',
          [p.id, p.category, p.merchant, 'utm', p.price, p.sensitive !== undefined, JSON.stringify(p)]);
      }
      await db.end();
    } else {
      const db = new Database(join(dataDir, 'store.db'));
      db.exec('DELETE FROM categories');
      const insert = db.prepare('INSERT INTO products (id, category, merchant, price, data) VALUES (?, ?, ?, ?, ?)');
      for (const p of old) insert.run(p.id, p.category, p.merchant, p.price, JSON.stringify(p));
      db.close();
    }

    const service = await createService(t.config, { embedder: createFakeEmbedder({ dimension: 16 }), log: silentLogger });
    try {
      const categories = await service.core.listCategories();
      expect(categories.find((c) => c.id === 'lamp')).toEqual({ id: 'lamp', sensitive: 'health' });
      expect(categories.find((c) => c.id === 'rug')).toEqual({ id: 'rug' });
      expect(categories.find((c) => c.id === 'supplements')).toMatchObject({ sensitive: 'health' });
      expect(categories).toHaveLength(19);
      expect(service.core.state.catalog.isHealth('old-lamp')).toBe(true);
      expect(service.core.state.catalog.isHealth('old-rug')).toBe(false);
      // Seeded once: the taxonomy is service data from now on, and survives restarts as written.
      expect(await service.store.listCategories()).toHaveLength(19);
    } finally {
      await service.close();
    }
  });

  it("a world folder's categories.json extends the taxonomy before its products load", async () => {
    const t = await testService({ merchant: false, app: false });
    const w = (f: string, v: unknown) => writeFileSync(join(t.worldDir, f), JSON.stringify(v));
    w('categories.json', [{ id: 'lamp', group: 'home' }, { id: 'sleep-aid', group: 'health', sensitive: 'health' }, { id: 'Bad' }]);
    w('merchants.json', [TEST_MERCHANT]);
    w('creators.json', []);
    w('posts.json', []);
    w('products.json', [
      product('lamp1', { category: 'lamp', image: t.image('images/products/lamp1.png') }),
      product('sleep1', { category: 'sleep-aid', image: t.image('images/products/sleep1.png') }),
    ]);
    w('users.json', []);
    const summary = await t.commands.loadWorld(t.worldDir);
    expect(summary.categories).toMatchObject({ ok: 2, failed: [{ id: 'Bad' }] });
    expect(summary.products).toEqual({ ok: 2, failed: [] });
    expect(t.core.state.catalog.isHealth('lamp1')).toBe(false);
    expect(t.core.state.catalog.isHealth('sleep1')).toBe(true);
  });
});
