/**
 * The embedded `MediaStore`: image bytes under `<dir>/<kind>s/<name>`, so `GET /media/products/:id`
 * serves data: URLs and fetched images like world files.
 *
 * File names are the SHA-256 of kind + id (64 hex characters): no id, however long or odd, can
 * become a path, a name too long for the file system, or collide with another. Folders written
 * before this rule used the percent-encoded id as the name; those files are still read (and
 * removed), and replaced by the hashed name the next time the entity's image is written.
 *
 * The content type is not stored beside the bytes (folders before this rule had a `<name>.type`
 * file, no longer read): what is served is typed by its own magic bytes, and only bytes that
 * really are a raster image are returned, so a stale or tampered file (an old folder with an HTML
 * "image" or a poisoned `.type`) is never served as something a browser would run.
 *
 * A write is staged, then promoted: `stage` writes `<name>.<version>.<token>.tmp` beside the
 * current image (version: the bytes' SHA-256; token: unique per write), the store commits the
 * entity with that version, then `promote` renames the staged file into place. A crash before the
 * commit leaves only a staged file, which `recover` deletes; a crash after it leaves a staged file
 * whose version the store holds, which `recover` promotes. Either way an entity and its image
 * change together.
 *
 * @example
 * const media = fileMediaStore(join(config.DATA_DIR, 'media'));
 * const staged = await media.stage('product', 'p1', { bytes, contentType: 'image/jpeg' });
 * await store.upsertProducts([{ entity, vector, mediaVersion: staged.version }], modelId);
 * await media.promote(staged);
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { rasterFormatOf } from '../ingest/raster.js';
import type { EntityKind, MediaFile, MediaRecovery, MediaStore, StagedMedia } from './types.js';

/** The file name of an entity's image: a hash, never the id. */
export const mediaFileName = (kind: EntityKind, id: string) => createHash('sha256').update(`${kind}\0${id}`).digest('hex');

/** The name folders written before hashed names used (percent-encoded id, dots escaped). */
const legacyFileName = (id: string) => encodeURIComponent(id).replace(/\./g, '%2E').replace(/\*/g, '%2A');

/** `<name>.<sha-256 of the bytes>.<token>.tmp`: a staged image. */
const STAGED = /^([0-9a-f]{64})\.([0-9a-f]{64})\.[0-9a-f]{32}\.tmp$/;
const KINDS: EntityKind[] = ['product', 'post'];

/** Content type from magic bytes: the only types /media ever serves. */
export function rasterTypeOf(b: Uint8Array): string | undefined {
  const format = rasterFormatOf(b);
  return format && `image/${format}`;
}

export function fileMediaStore(dir: string): MediaStore {
  const folder = (kind: EntityKind) => join(dir, `${kind}s`);
  const location = (kind: EntityKind, id: string) => join(folder(kind), mediaFileName(kind, id));
  const stagedPath = (s: StagedMedia) => `${location(s.kind, s.id)}.${s.version}.${s.token}.tmp`;
  // Ids that could not be encoded, or whose encoding is longer than a file name may be, never had a legacy file.
  const legacyName = (id: string) => {
    if (/\p{Cs}/u.test(id)) return undefined; // a lone surrogate cannot be percent-encoded
    const name = legacyFileName(id);
    return Buffer.byteLength(name) <= 240 ? name : undefined;
  };
  const legacyLocation = (kind: EntityKind, id: string) => {
    const name = legacyName(id);
    return name && join(folder(kind), name);
  };
  const removeLegacy = async (kind: EntityKind, id: string) => {
    const legacy = legacyLocation(kind, id);
    if (legacy) await Promise.all([rm(legacy, { force: true }), rm(`${legacy}.type`, { force: true })]);
  };

  return {
    async stage(kind, id, media) {
      const version = createHash('sha256').update(media.bytes).digest('hex');
      await mkdir(folder(kind), { recursive: true });
      // Staged even when the bytes are unchanged: a concurrent write of other bytes for the same
      // id may be promoted in between, and the version committed last must be the one on disk.
      // The token keeps two writers of the same id and bytes (two PUTs at once) apart.
      const staged: StagedMedia = { kind, id, version, token: randomUUID().replace(/-/g, '') };
      await writeFile(stagedPath(staged), media.bytes);
      return staged;
    },
    async promote(staged) {
      // One rename: a concurrent GET sees the old image or the new, never half of one.
      await rename(stagedPath(staged), location(staged.kind, staged.id));
      await removeLegacy(staged.kind, staged.id);
    },
    async discard(staged) {
      await rm(stagedPath(staged), { force: true });
    },
    async get(kind, id) {
      const read = async (file: string) => {
        try {
          return await readFile(file);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
          throw err;
        }
      };
      const legacy = legacyLocation(kind, id);
      const bytes = (await read(location(kind, id))) ?? (legacy ? await read(legacy) : undefined);
      const contentType = bytes && rasterTypeOf(bytes);
      // Typed by the bytes (what we stored is our own encoding); anything else is not served at all.
      return bytes && contentType ? { bytes, contentType } : undefined;
    },
    async remove(kind, id) {
      const file = location(kind, id);
      await Promise.all([rm(file, { force: true }), removeLegacy(kind, id)]);
    },
    async recover(entities) {
      const out: MediaRecovery = { promoted: 0, discarded: 0, orphans: 0 };
      for (const kind of KINDS) {
        let files: string[];
        try {
          files = await readdir(folder(kind));
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
          throw err;
        }
        // Hashed name → the id and the version the store committed; legacy names of stored ids are kept too.
        const committed = new Map<string, { id: string; version: string | null }>();
        const legacy = new Set<string>();
        for (const [id, version] of entities[kind]) {
          committed.set(mediaFileName(kind, id), { id, version });
          const name = legacyName(id);
          if (name) legacy.add(name).add(`${name}.type`);
        }
        for (const f of files) {
          const path = join(folder(kind), f);
          if (f.endsWith('.tmp')) {
            const m = STAGED.exec(f);
            const entity = m ? committed.get(m[1]!) : undefined;
            if (m && entity && entity.version === m[2]) {
              await rename(path, join(folder(kind), m[1]!));
              await removeLegacy(kind, entity.id);
              out.promoted++;
            } else {
              await rm(path, { force: true });
              out.discarded++;
            }
          } else if (!committed.has(f) && !legacy.has(f)) {
            await rm(path, { force: true });
            if (!f.endsWith('.type')) out.orphans++;
          }
        }
      }
      return out;
    },
  };
}

export type { MediaFile };
