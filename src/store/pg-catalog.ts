/**
 * Merchants, products, creators and posts in PostgreSQL: the same contract as sqlite-catalog.ts.
 * Entities are stored whole as json with the filter and join fields as columns; an entity and
 * its vector are written in one transaction. Reads that decide crediting (creator opt-ins and
 * codes) always go to the primary.
 */
import { randomBytes } from 'node:crypto';
import type { Creator, Merchant, Post, Product } from '../domain/index.js';
import { AppError } from '../errors.js';
import { basePriceSql } from './pg-prices.js';
import { tx, type PgPools } from './pg-pool.js';
import { vectorChecksum } from '../embed/vectors.js';
import { vectorSql } from './pg-vector-text.js';
import type { CatalogOps } from './areas.js';

/** 64 random bits: an opaque, non-derivable code (networks forbid personal data in sub-ids). */
const newCode = () => randomBytes(8).toString('hex');
const data = <T>(rows: Array<{ data: unknown }>) => rows.map((r) => r.data as T);

export function pgCatalog({ primary: db }: PgPools): CatalogOps {
  return {
    async upsertMerchants(merchants) {
      if (merchants.length === 0) return;
      await tx(db, async (c) => {
        for (const m of merchants) {
          await c.query(
            'INSERT INTO merchants (id, network, data) VALUES ($1, $2, $3) ON CONFLICT (id) DO UPDATE SET network = excluded.network, data = excluded.data',
            [m.id, m.network, JSON.stringify(m)],
          );
        }
      });
    },
    async listMerchants() {
      return data<Merchant>((await db.query('SELECT data FROM merchants ORDER BY id COLLATE "C"')).rows);
    },
    async productNetworks(merchantId) {
      const { rows } = await db.query<{ network: string; n: number }>(
        'SELECT network, count(*)::int AS n FROM products WHERE merchant = $1 GROUP BY network', [merchantId],
      );
      return new Map(rows.map((r) => [r.network, r.n]));
    },

    async upsertProducts(items, modelId) {
      if (items.length === 0) return;
      // One statement per table for the whole batch (a 2,000-item batch is 2 round trips, not 4,000).
      // The last occurrence of an id wins, as it would item by item (ON CONFLICT cannot touch a row twice).
      const last = [...new Map(items.map((w) => [w.entity.id, w])).values()];
      const p = last.map((w) => w.entity);
      await tx(db, async (c) => {
        await c.query(
          // base_price: converted with the database's rate table (pg-prices.ts), whichever replica writes.
          `INSERT INTO products (id, category, merchant, network, price, sensitive, data, media_version, base_price)
           SELECT t.*, ${basePriceSql('t.price', 't.data')}
           FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::float8[], $6::boolean[], $7::json[], $8::text[])
             AS t(id, category, merchant, network, price, sensitive, data, media_version)
           ON CONFLICT (id) DO UPDATE SET category = excluded.category, merchant = excluded.merchant, network = excluded.network,
             price = excluded.price, sensitive = excluded.sensitive, data = excluded.data, media_version = excluded.media_version,
             base_price = excluded.base_price`,
          [p.map((x) => x.id), p.map((x) => x.category), p.map((x) => x.merchant), p.map((x) => x.network), p.map((x) => x.price),
            p.map((x) => x.sensitive !== undefined), p.map((x) => JSON.stringify(x)), last.map((w) => w.mediaVersion ?? null)],
        );
        // The checksum start-up recovery compares (src/embed/vectors.ts), written with the vector.
        await c.query(
          `INSERT INTO product_vectors (id, model_id, vector, checksum)
           SELECT id, $2, v::vector, sum FROM unnest($1::text[], $3::text[], $4::int8[]) AS t(id, v, sum)
           ON CONFLICT (id, model_id) DO UPDATE SET vector = excluded.vector, checksum = excluded.checksum`,
          [p.map((x) => x.id), modelId, last.map((w) => vectorSql(w.vector)), last.map((w) => vectorChecksum(w.vector))],
        );
      });
    },
    async getProduct(id) {
      return data<Product>((await db.query('SELECT data FROM products WHERE id = $1', [id])).rows)[0];
    },
    async getProducts(ids) {
      const { rows } = await db.query<{ id: string; data: Product }>('SELECT id, data FROM products WHERE id = ANY($1)', [ids]);
      return new Map(rows.map((r) => [r.id, r.data]));
    },
    async listProducts() {
      return data<Product>((await db.query('SELECT data FROM products ORDER BY id COLLATE "C"')).rows);
    },
    async deleteProduct(id) {
      // Its vectors go by ON DELETE CASCADE.
      return ((await db.query('DELETE FROM products WHERE id = $1', [id])).rowCount ?? 0) > 0;
    },

    async upsertCreators(creators) {
      if (creators.length === 0) return;
      await tx(db, async (c) => {
        for (const cr of creators) {
          await c.query('INSERT INTO creators (id, data) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET data = excluded.data', [cr.id, JSON.stringify(cr)]);
          // A new creator gets a fresh code; an update never changes it (reports keep adding up).
          await c.query('INSERT INTO creator_codes (code, creator_id) VALUES ($1, $2) ON CONFLICT (creator_id) DO NOTHING', [newCode(), cr.id]);
        }
      });
    },
    async getCreator(id) {
      return data<Creator>((await db.query('SELECT data FROM creators WHERE id = $1', [id])).rows)[0];
    },
    async getCreators(ids) {
      if (ids.length === 0) return [];
      return data<Creator>((await db.query('SELECT data FROM creators WHERE id = ANY($1) ORDER BY id COLLATE "C"', [ids])).rows);
    },
    async listCreators(page) {
      if (!page) return data<Creator>((await db.query('SELECT data FROM creators ORDER BY id COLLATE "C"')).rows);
      // Keyset paging in byte order, as SQLite's: "after" is the last id of the previous page.
      const { rows } = await db.query('SELECT data FROM creators WHERE id COLLATE "C" > $1 ORDER BY id COLLATE "C" LIMIT $2', [page.after ?? '', page.limit]);
      return data<Creator>(rows);
    },
    async deleteCreator(id) {
      return tx(db, async (c) => {
        // Posts and post vectors go by ON DELETE CASCADE; follows and the code are keyed elsewhere.
        const gone = ((await c.query('DELETE FROM creators WHERE id = $1', [id])).rowCount ?? 0) > 0;
        await c.query('DELETE FROM follows WHERE creator_id = $1', [id]);
        await c.query('DELETE FROM creator_codes WHERE creator_id = $1', [id]);
        return gone;
      });
    },
    async creatorCodes(ids) {
      if (ids.length === 0) return new Map();
      const { rows } = await db.query<{ creator_id: string; code: string }>('SELECT creator_id, code FROM creator_codes WHERE creator_id = ANY($1)', [ids]);
      return new Map(rows.map((r) => [r.creator_id, r.code]));
    },
    async creatorByCode(code) {
      const { rows } = await db.query('SELECT c.data FROM creator_codes k JOIN creators c ON c.id = k.creator_id WHERE k.code = $1', [code]);
      return data<Creator>(rows)[0];
    },
    async creatorsByCodes(codes) {
      if (codes.length === 0) return new Map();
      const { rows } = await db.query<{ code: string; data: Creator }>('SELECT k.code, c.data FROM creator_codes k JOIN creators c ON c.id = k.creator_id WHERE k.code = ANY($1)', [codes]);
      return new Map(rows.map((r) => [r.code, r.data]));
    },

    async upsertPosts(creatorId, items, modelId) {
      await tx(db, async (c) => {
        // Locks the creator row: a concurrent removal cannot slip in between check and write.
        const owner = await c.query('SELECT 1 FROM creators WHERE id = $1 FOR SHARE', [creatorId]);
        if (owner.rowCount === 0) throw new AppError('NOT_FOUND', `No creator with id "${creatorId}".`);
        for (const { entity: p, vector, mediaVersion } of items) {
          const post = { ...p, creatorId }; // the path decides the owner, not the body
          // A post id is unique across creators: one that moves leaves its old owner.
          await c.query('DELETE FROM posts WHERE id = $1 AND creator_id <> $2', [p.id, creatorId]);
          await c.query(
            `INSERT INTO posts (creator_id, id, posted_at, data, media_version) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (creator_id, id) DO UPDATE SET posted_at = excluded.posted_at, data = excluded.data, media_version = excluded.media_version`,
            [creatorId, p.id, new Date(p.postedAt).toISOString(), JSON.stringify(post), mediaVersion ?? null],
          );
          await c.query(
            `INSERT INTO post_vectors (creator_id, id, model_id, vector, checksum) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (creator_id, id, model_id) DO UPDATE SET vector = excluded.vector, checksum = excluded.checksum`,
            [creatorId, p.id, modelId, vectorSql(vector), vectorChecksum(vector)],
          );
        }
      });
    },
    async getPost(id) {
      return data<Post>((await db.query('SELECT data FROM posts WHERE id = $1', [id])).rows)[0];
    },
    async listPosts(creatorIds) {
      if (creatorIds.length === 0) return [];
      const { rows } = await db.query('SELECT data FROM posts WHERE creator_id = ANY($1) ORDER BY posted_at DESC, id COLLATE "C"', [creatorIds]);
      return data<Post>(rows);
    },
    async listCreatorPosts(creatorId, page) {
      // Newest first, then id in byte order; posted_at holds normalised ISO strings, so text order is time order.
      const after = page.after ? { postedAt: new Date(page.after.postedAt).toISOString(), id: page.after.id } : undefined;
      const { rows } = after
        ? await db.query(
          `SELECT data FROM posts WHERE creator_id = $1 AND (posted_at COLLATE "C" < $2 OR (posted_at = $2 AND id COLLATE "C" > $3))
           ORDER BY posted_at COLLATE "C" DESC, id COLLATE "C" LIMIT $4`,
          [creatorId, after.postedAt, after.id, page.limit],
        )
        : await db.query('SELECT data FROM posts WHERE creator_id = $1 ORDER BY posted_at COLLATE "C" DESC, id COLLATE "C" LIMIT $2', [creatorId, page.limit]);
      return data<Post>(rows);
    },
    async mediaVersions(kind) {
      const { rows } = await db.query<{ id: string; v: string | null }>(`SELECT id, media_version AS v FROM ${kind === 'product' ? 'products' : 'posts'}`);
      return new Map(rows.map((r) => [r.id, r.v]));
    },
    async deletePost(creatorId, postId) {
      return ((await db.query('DELETE FROM posts WHERE creator_id = $1 AND id = $2', [creatorId, postId])).rowCount ?? 0) > 0;
    },
  };
}
