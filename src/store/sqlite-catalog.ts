/**
 * Merchants, products, creators and posts in SQLite. Entities are stored whole as JSON (parsing on
 * read hands every caller its own copy) with the fields that filters and joins need as columns.
 * An entity and its vector are written in one transaction: nothing half-written is ever visible.
 */
import { randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { Creator, Merchant, Post, Product } from '../domain/index.js';
import { vectorChecksum } from '../embed/vectors.js';
import { AppError } from '../errors.js';
import type { EntityKind, WithVector } from './types.js';
import { toBlob } from './vector-blob.js';
import type { CatalogOps } from './areas.js';

const parse = <T>(row: { data: string } | undefined): T | undefined => (row ? (JSON.parse(row.data) as T) : undefined);
/** 64 random bits: an opaque, non-derivable code (networks forbid personal data in sub-ids). */
const newCode = () => randomBytes(8).toString('hex');

export function sqliteCatalog(db: Database.Database): CatalogOps {
  const s = {
    upsertMerchant: db.prepare(
      'INSERT INTO merchants (id, network, data) VALUES (?, ?, ?) ON CONFLICT(id) DO UPDATE SET network = excluded.network, data = excluded.data',
    ),
    listMerchants: db.prepare<[], { data: string }>('SELECT data FROM merchants ORDER BY id'),
    productNetworks: db.prepare<[string], { network: string; n: number }>(
      "SELECT json_extract(data, '$.network') AS network, COUNT(*) AS n FROM products WHERE merchant = ? GROUP BY network",
    ),
    upsertProduct: db.prepare(
      `INSERT INTO products (id, category, merchant, price, data, media_version) VALUES (@id, @category, @merchant, @price, @data, @media)
       ON CONFLICT(id) DO UPDATE SET category = excluded.category, merchant = excluded.merchant,
         price = excluded.price, data = excluded.data, media_version = excluded.media_version`,
    ),
    setVector: db.prepare(
      `INSERT INTO entity_vectors (kind, id, model_id, vector, checksum) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT(kind, model_id, id) DO UPDATE SET vector = excluded.vector, checksum = excluded.checksum`,
    ),
    getProduct: db.prepare<[string], { data: string }>('SELECT data FROM products WHERE id = ?'),
    listProducts: db.prepare<[], { data: string }>('SELECT data FROM products ORDER BY id'),
    deleteProduct: db.prepare('DELETE FROM products WHERE id = ?'),
    deleteVectors: db.prepare<[EntityKind, string]>('DELETE FROM entity_vectors WHERE kind = ? AND id = ?'),
    // A new creator gets a fresh code; an update never changes it (reports keep adding up).
    upsertCreator: db.prepare('INSERT INTO creators (id, code, data) VALUES (?, ?, ?) ON CONFLICT(id) DO UPDATE SET data = excluded.data'),
    getCreator: db.prepare<[string], { data: string }>('SELECT data FROM creators WHERE id = ?'),
    getCreators: db.prepare<[string], { data: string }>('SELECT data FROM creators WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id'),
    listCreators: db.prepare<[], { data: string }>('SELECT data FROM creators ORDER BY id'),
    pageCreators: db.prepare<[string, number], { data: string }>('SELECT data FROM creators WHERE id > ? ORDER BY id LIMIT ?'),
    deleteCreator: db.prepare('DELETE FROM creators WHERE id = ?'),
    creatorCodes: db.prepare<[string], { id: string; code: string }>('SELECT id, code FROM creators WHERE id IN (SELECT value FROM json_each(?))'),
    creatorByCode: db.prepare<[string], { data: string }>('SELECT data FROM creators WHERE code = ?'),
    creatorsByCodes: db.prepare<[string], { code: string; data: string }>('SELECT code, data FROM creators WHERE code IN (SELECT value FROM json_each(?))'),
    getPost: db.prepare<[string], { data: string }>('SELECT data FROM posts WHERE id = ?'),
    postIdsOf: db.prepare<[string], { id: string }>('SELECT id FROM posts WHERE creator_id = ?'),
    // json_each binds a whole id list as one parameter, so one prepared statement serves any length.
    listPosts: db.prepare<[string], { data: string }>(
      `SELECT data FROM posts WHERE creator_id IN (SELECT value FROM json_each(?)) ORDER BY posted_at DESC, id`,
    ),
    // Keyset over (posted_at DESC, id ASC): rows strictly after the last one of the previous page.
    pageCreatorPosts: db.prepare<{ creatorId: string; postedAt: string; id: string; limit: number }, { data: string }>(
      `SELECT data FROM posts WHERE creator_id = @creatorId AND (posted_at < @postedAt OR (posted_at = @postedAt AND id > @id))
       ORDER BY posted_at DESC, id LIMIT @limit`,
    ),
    getProducts: db.prepare<[string], { id: string; data: string }>(
      'SELECT id, data FROM products WHERE id IN (SELECT value FROM json_each(?))',
    ),
    upsertPost: db.prepare(
      `INSERT INTO posts (id, creator_id, posted_at, data, media_version) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT(id) DO UPDATE SET creator_id = excluded.creator_id, posted_at = excluded.posted_at, data = excluded.data,
         media_version = excluded.media_version`,
    ),
    deletePost: db.prepare('DELETE FROM posts WHERE id = ? AND creator_id = ?'),
    productMedia: db.prepare<[], { id: string; v: string | null }>('SELECT id, media_version AS v FROM products'),
    postMedia: db.prepare<[], { id: string; v: string | null }>('SELECT id, media_version AS v FROM posts'),
  };
  const setVector = (kind: EntityKind, id: string, modelId: string, vector: Float32Array) =>
    s.setVector.run(kind, id, modelId, toBlob(vector), vectorChecksum(vector));

  const upsertMerchants = db.transaction((merchants: Merchant[]) => {
    for (const m of merchants) s.upsertMerchant.run(m.id, m.network, JSON.stringify(m));
  });
  const upsertProducts = db.transaction((items: WithVector<Product>[], modelId: string) => {
    for (const { entity: p, vector, mediaVersion } of items) {
      s.upsertProduct.run({ id: p.id, category: p.category, merchant: p.merchant, price: p.price, data: JSON.stringify(p), media: mediaVersion ?? null });
      setVector('product', p.id, modelId, vector);
    }
  });
  const deleteProduct = db.transaction((id: string) => {
    s.deleteVectors.run('product', id);
    return s.deleteProduct.run(id).changes > 0;
  });
  const upsertCreators = db.transaction((creators: Creator[]) => {
    for (const c of creators) s.upsertCreator.run(c.id, newCode(), JSON.stringify(c));
  });
  const deleteCreator = db.transaction((id: string) => {
    for (const { id: postId } of s.postIdsOf.all(id)) s.deleteVectors.run('post', postId);
    return s.deleteCreator.run(id).changes > 0; // posts and follows go by ON DELETE CASCADE
  });
  const upsertPosts = db.transaction((creatorId: string, items: WithVector<Post>[], modelId: string) => {
    if (!s.getCreator.get(creatorId)) throw new AppError('NOT_FOUND', `No creator with id "${creatorId}".`);
    for (const { entity: p, vector, mediaVersion } of items) {
      const post = { ...p, creatorId }; // the path decides the owner, not the body
      s.upsertPost.run(p.id, creatorId, new Date(p.postedAt).toISOString(), JSON.stringify(post), mediaVersion ?? null);
      setVector('post', p.id, modelId, vector);
    }
  });
  const deletePost = db.transaction((creatorId: string, postId: string) => {
    const existed = s.deletePost.run(postId, creatorId).changes > 0;
    if (existed) s.deleteVectors.run('post', postId);
    return existed;
  });

  return {
    async upsertMerchants(merchants) {
      upsertMerchants(merchants);
    },
    async listMerchants() {
      return s.listMerchants.all().map((r) => JSON.parse(r.data) as Merchant);
    },
    async productNetworks(merchantId) {
      return new Map(s.productNetworks.all(merchantId).map((r) => [r.network, r.n]));
    },
    async upsertProducts(items, modelId) {
      upsertProducts(items, modelId);
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
    async getCreators(ids) {
      if (ids.length === 0) return [];
      return s.getCreators.all(JSON.stringify(ids)).map((r) => JSON.parse(r.data) as Creator);
    },
    async listCreators(page) {
      const rows = page ? s.pageCreators.all(page.after ?? '', page.limit) : s.listCreators.all();
      return rows.map((r) => JSON.parse(r.data) as Creator);
    },
    async deleteCreator(id) {
      return deleteCreator(id);
    },
    async creatorCodes(ids) {
      if (ids.length === 0) return new Map();
      return new Map(s.creatorCodes.all(JSON.stringify(ids)).map((r) => [r.id, r.code]));
    },
    async creatorByCode(code) {
      return parse<Creator>(s.creatorByCode.get(code));
    },
    async creatorsByCodes(codes) {
      if (codes.length === 0) return new Map();
      return new Map(s.creatorsByCodes.all(JSON.stringify(codes)).map((r) => [r.code, JSON.parse(r.data) as Creator]));
    },
    async upsertPosts(creatorId, items, modelId) {
      upsertPosts(creatorId, items, modelId);
    },
    async getPost(id) {
      return parse<Post>(s.getPost.get(id));
    },
    async listPosts(creatorIds) {
      if (creatorIds.length === 0) return [];
      return s.listPosts.all(JSON.stringify(creatorIds)).map((r) => JSON.parse(r.data) as Post);
    },
    async listCreatorPosts(creatorId, page) {
      // Stored times are normalised ISO strings; '\uffff' sorts after any of them (first page).
      const after = page.after ? { postedAt: new Date(page.after.postedAt).toISOString(), id: page.after.id } : { postedAt: '\uffff', id: '' };
      return s.pageCreatorPosts.all({ creatorId, ...after, limit: page.limit }).map((r) => JSON.parse(r.data) as Post);
    },
    async deletePost(creatorId, postId) {
      return deletePost(creatorId, postId);
    },
    async mediaVersions(kind) {
      const rows = (kind === 'product' ? s.productMedia : s.postMedia).all();
      return new Map(rows.map((r) => [r.id, r.v]));
    },
  };
}
