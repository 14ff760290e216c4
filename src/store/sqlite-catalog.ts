/**
 * Products, creators and posts in SQLite. Entities are stored whole as JSON (parsing on read
 * hands every caller its own copy) with the fields that filters and joins need as columns.
 */
import type Database from 'better-sqlite3';
import { AppError } from '../errors.js';
import type { Creator, Post, Product } from '../world/schema.js';
import type { Store } from './types.js';

type CatalogOps = Pick<
  Store,
  | 'upsertProducts' | 'getProduct' | 'getProducts' | 'listProducts' | 'deleteProduct'
  | 'upsertCreators' | 'getCreator' | 'listCreators' | 'deleteCreator'
  | 'upsertPosts' | 'listPosts'
>;

const parse = <T>(row: { data: string } | undefined): T | undefined => (row ? (JSON.parse(row.data) as T) : undefined);

export function sqliteCatalog(db: Database.Database): CatalogOps {
  const s = {
    upsertProduct: db.prepare(
      `INSERT INTO products (id, category, merchant, price, data) VALUES (@id, @category, @merchant, @price, @data)
       ON CONFLICT(id) DO UPDATE SET category = excluded.category, merchant = excluded.merchant,
         price = excluded.price, data = excluded.data`,
    ),
    getProduct: db.prepare<[string], { data: string }>('SELECT data FROM products WHERE id = ?'),
    listProducts: db.prepare<[], { data: string }>('SELECT data FROM products ORDER BY id'),
    deleteProduct: db.prepare('DELETE FROM products WHERE id = ?'),
    deleteVectors: db.prepare('DELETE FROM entity_vectors WHERE kind = ? AND id = ?'),
    upsertCreator: db.prepare(
      'INSERT INTO creators (id, data) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET data = excluded.data',
    ),
    getCreator: db.prepare<[string], { data: string }>('SELECT data FROM creators WHERE id = ?'),
    listCreators: db.prepare<[], { data: string }>('SELECT data FROM creators ORDER BY id'),
    deleteCreator: db.prepare('DELETE FROM creators WHERE id = ?'),
    postIdsOf: db.prepare<[string], { id: string }>('SELECT id FROM posts WHERE creator_id = ?'),
    // json_each binds a whole id list as one parameter, so one prepared statement serves any length.
    listPosts: db.prepare<[string], { data: string }>(
      `SELECT data FROM posts WHERE creator_id IN (SELECT value FROM json_each(?)) ORDER BY posted_at DESC, id`,
    ),
    getProducts: db.prepare<[string], { id: string; data: string }>(
      'SELECT id, data FROM products WHERE id IN (SELECT value FROM json_each(?))',
    ),
    upsertPost: db.prepare(
      `INSERT INTO posts (id, creator_id, posted_at, data) VALUES (?, ?, ?, ?)
       ON CONFLICT(id) DO UPDATE SET creator_id = excluded.creator_id, posted_at = excluded.posted_at, data = excluded.data`,
    ),
  };

  const upsertProducts = db.transaction((products: Product[]) => {
    for (const p of products) {
      s.upsertProduct.run({ id: p.id, category: p.category, merchant: p.merchant, price: p.price, data: JSON.stringify(p) });
    }
  });
  const deleteProduct = db.transaction((id: string) => {
    s.deleteVectors.run('product', id);
    return s.deleteProduct.run(id).changes > 0;
  });
  const upsertCreators = db.transaction((creators: Creator[]) => {
    for (const c of creators) s.upsertCreator.run(c.id, JSON.stringify(c));
  });
  const deleteCreator = db.transaction((id: string) => {
    for (const { id: postId } of s.postIdsOf.all(id)) s.deleteVectors.run('post', postId);
    return s.deleteCreator.run(id).changes > 0; // posts and follows go by ON DELETE CASCADE
  });
  const upsertPosts = db.transaction((creatorId: string, posts: Post[]) => {
    if (!s.getCreator.get(creatorId)) throw new AppError('NOT_FOUND', `No creator with id "${creatorId}".`);
    for (const p of posts) {
      const post = { ...p, creatorId }; // the path decides the owner, not the body
      s.upsertPost.run(p.id, creatorId, new Date(p.postedAt).toISOString(), JSON.stringify(post));
    }
  });

  return {
    async upsertProducts(products) {
      upsertProducts(products);
    },
    async getProduct(id) {
      return parse<Product>(s.getProduct.get(id));
    },
    async getProducts(ids) {
      const rows = s.getProducts.all(JSON.stringify(ids));
      return new Map(rows.map((r) => [r.id, JSON.parse(r.data) as Product]));
    },
    async listProducts() {
      return s.listProducts.all().map((r) => JSON.parse(r.data) as Product);
    },
    async deleteProduct(id) {
      return deleteProduct(id);
    },
    async upsertCreators(creators) {
      upsertCreators(creators);
    },
    async getCreator(id) {
      return parse<Creator>(s.getCreator.get(id));
    },
    async listCreators() {
      return s.listCreators.all().map((r) => JSON.parse(r.data) as Creator);
    },
    async deleteCreator(id) {
      return deleteCreator(id);
    },
    async upsertPosts(creatorId, posts) {
      upsertPosts(creatorId, posts);
    },
    async listPosts(creatorIds) {
      if (creatorIds.length === 0) return [];
      return s.listPosts.all(JSON.stringify(creatorIds))
        .map((r) => JSON.parse(r.data) as Post);
    },
  };
}
