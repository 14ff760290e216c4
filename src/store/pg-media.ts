/**
 * `MediaStore` in PostgreSQL (bytea), chosen with the PostgreSQL backend. Why the database and
 * not a shared folder: API replicas and embedding workers on any machine then need one thing,
 * the database URL; backups and replicas carry the images with the rows that point at them; and
 * writes are atomic without temp-file renames. Images here are small (product shots and post
 * images, tens of KB). At 10M products an object store behind this same port is the better
 * home (docs/sharding.md has the arithmetic).
 *
 * Two-phase writes, as media-files.ts, in PostgreSQL terms: `stage` inserts the bytes into
 * `media_staged` (one row per write, keyed by a token; readers still see `media`), the store
 * commits the entity with the bytes' version, then `promote` moves the staged row into `media` in
 * one transaction, and only while the entity's committed `media_version` is the staged one: of
 * two replicas writing one product at once, the image that ends up current is the one whose
 * entity write committed last, whatever order the promotions run in.
 *
 * `recover` runs at every replica's start-up while other replicas keep writing, so it never
 * touches a staged row a live write may still own: it promotes staged rows whose version the
 * store committed (what that write's own promote would do), and deletes uncommitted staged rows
 * only once they are older than STALE_STAGE_S (a write takes seconds; such a row's writer died).
 */
import { createHash, randomBytes } from 'node:crypto';
import { rasterTypeOf } from './media-files.js';
import { tx, type PgPools } from './pg-pool.js';
import type { EntityKind, MediaStore } from './types.js';

/** A staged row older than this, whose version the store never committed, belongs to a dead write. */
export const STALE_STAGE_S = 600;

const ENTITY_TABLE: Record<EntityKind, string> = { product: 'products', post: 'posts' };
const KINDS: EntityKind[] = ['product', 'post'];
const buf = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength);

/** Moves the staged rows `where` selects (on media_staged s) into media when their version is committed; deletes them all. */
async function promoteWhere(c: { query: (sql: string, params: unknown[]) => Promise<{ rowCount: number | null }> }, kind: EntityKind, where: string, params: unknown[]) {
  // Newest staged row first per id, so one promotion wins when several are committed-equal.
  const moved = await c.query(
    `INSERT INTO media (kind, id, content_type, bytes)
     SELECT DISTINCT ON (s.id) s.kind, s.id, s.content_type, s.bytes FROM media_staged s
     JOIN ${ENTITY_TABLE[kind]} e ON e.id = s.id AND e.media_version = s.version
     WHERE s.kind = $1 AND ${where}
     ORDER BY s.id, s.staged_at DESC
     ON CONFLICT (id, kind) DO UPDATE SET content_type = excluded.content_type, bytes = excluded.bytes
     WHERE media.bytes IS DISTINCT FROM excluded.bytes OR media.content_type IS DISTINCT FROM excluded.content_type`,
    [kind, ...params],
  );
  return moved.rowCount ?? 0;
}

export function pgMediaStore({ primary: db }: PgPools): MediaStore {
  return {
    async stage(kind, id, media) {
      const version = createHash('sha256').update(media.bytes).digest('hex');
      const token = randomBytes(16).toString('hex');
      await db.query('INSERT INTO media_staged (kind, id, token, version, content_type, bytes) VALUES ($1, $2, $3, $4, $5, $6)', [
        kind, id, token, version, media.contentType, buf(media.bytes),
      ]);
      return { kind, id, version, token };
    },
    async promote(staged) {
      await tx(db, async (c) => {
        // Lock the entity row: its committed version cannot change between the check and the move.
        await c.query(`SELECT 1 FROM ${ENTITY_TABLE[staged.kind]} WHERE id = $1 FOR SHARE`, [staged.id]);
        await promoteWhere(c, staged.kind, 's.id = $2 AND s.token = $3', [staged.id, staged.token]);
        await c.query('DELETE FROM media_staged WHERE id = $1 AND kind = $2 AND token = $3', [staged.id, staged.kind, staged.token]);
      });
    },
    async discard(staged) {
      await db.query('DELETE FROM media_staged WHERE id = $1 AND kind = $2 AND token = $3', [staged.id, staged.kind, staged.token]);
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
    // `entities` is the snapshot the caller read; the database's own rows are what is checked
    // here (in SQL, under locks), since other replicas keep committing meanwhile.
    async recover() {
      const out = { promoted: 0, discarded: 0, orphans: 0 };
      for (const kind of KINDS) {
        await tx(db, async (c) => {
          // Committed versions: finish the promotion a crash (or a lost connection) cut short.
          out.promoted += await promoteWhere(c, kind, 'true', []);
          await c.query(`DELETE FROM media_staged s USING ${ENTITY_TABLE[kind]} e WHERE s.kind = $1 AND e.id = s.id AND e.media_version = s.version`, [kind]);
          // Never committed, and too old to belong to a write still running on another replica.
          const stale = await c.query(`DELETE FROM media_staged WHERE kind = $1 AND staged_at < now() - make_interval(secs => $2)`, [kind, STALE_STAGE_S]);
          out.discarded += stale.rowCount ?? 0;
          // Images of entities that are gone (a delete whose media removal was cut short).
          const orphans = await c.query(`DELETE FROM media m WHERE m.kind = $1 AND NOT EXISTS (SELECT 1 FROM ${ENTITY_TABLE[kind]} e WHERE e.id = m.id)`, [kind]);
          out.orphans += orphans.rowCount ?? 0;
        });
      }
      return out;
    },
  };
}
