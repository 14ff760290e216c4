/**
 * `MediaStore` in PostgreSQL (bytea), chosen with the PostgreSQL backend. Why the database and
 * not a shared folder: API replicas and embedding workers on any machine then need one thing,
 * the database URL; backups and replicas carry the images with the rows that point at them; and
 * writes are atomic without temp-file renames. Images here are small (product shots and post
 * images, tens of KB). At 10M products an object store behind this same port is the better
 * home (docs/sharding.md has the arithmetic).
 */
import { rasterTypeOf } from './media-files.js';
import type { PgPools } from './pg-pool.js';
import type { MediaStore } from './types.js';

export function pgMediaStore({ primary: db }: PgPools): MediaStore {
  return {
    async put(kind, id, media) {
      // A no-op when unchanged: the row is not rewritten (no dead tuple, no WAL).
      await db.query(
        `INSERT INTO media (kind, id, content_type, bytes) VALUES ($1, $2, $3, $4)
         ON CONFLICT (kind, id) DO UPDATE SET content_type = excluded.content_type, bytes = excluded.bytes
         WHERE media.bytes IS DISTINCT FROM excluded.bytes OR media.content_type IS DISTINCT FROM excluded.content_type`,
        [kind, id, media.contentType, Buffer.from(media.bytes.buffer, media.bytes.byteOffset, media.bytes.byteLength)],
      );
    },
    async get(kind, id) {
      const { rows } = await db.query<{ bytes: Buffer }>('SELECT bytes FROM media WHERE kind = $1 AND id = $2', [kind, id]);
      // As media-files.ts: typed by the bytes, and bytes that are not a raster image (a row
      // written around the service, say) are never served as something a browser would run.
      const bytes = rows[0]?.bytes;
      const contentType = bytes && rasterTypeOf(bytes);
      return bytes && contentType ? { bytes, contentType } : undefined;
    },
    async remove(kind, id) {
      await db.query('DELETE FROM media WHERE kind = $1 AND id = $2', [kind, id]);
    },
  };
}
