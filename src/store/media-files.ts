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
 * @example
 * const media = fileMediaStore(join(config.DATA_DIR, 'media'));
 * await media.put('product', 'p1', { bytes, contentType: 'image/jpeg' });
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { rasterFormatOf } from '../ingest/raster.js';
import type { EntityKind, MediaFile, MediaStore } from './types.js';

/** The file name of an entity's image: a hash, never the id. */
export const mediaFileName = (kind: EntityKind, id: string) => createHash('sha256').update(`${kind}\0${id}`).digest('hex');

/** The name folders written before hashed names used (percent-encoded id, dots escaped). */
const legacyFileName = (id: string) => encodeURIComponent(id).replace(/\./g, '%2E').replace(/\*/g, '%2A');

/** Content type from magic bytes: the only types /media ever serves. */
export function rasterTypeOf(b: Uint8Array): string | undefined {
  const format = rasterFormatOf(b);
  return format && `image/${format}`;
}

export function fileMediaStore(dir: string): MediaStore {
  const folder = (kind: EntityKind) => join(dir, `${kind}s`);
  const location = (kind: EntityKind, id: string) => join(folder(kind), mediaFileName(kind, id));
  // Ids that could not be encoded, or whose encoding is longer than a file name may be, never had a legacy file.
  const legacyLocation = (kind: EntityKind, id: string) => {
    if (/\p{Cs}/u.test(id)) return undefined; // a lone surrogate cannot be percent-encoded
    const name = legacyFileName(id);
    return Buffer.byteLength(name) <= 240 ? join(folder(kind), name) : undefined;
  };
  const removeLegacy = async (kind: EntityKind, id: string) => {
    const legacy = legacyLocation(kind, id);
    if (legacy) await Promise.all([rm(legacy, { force: true }), rm(`${legacy}.type`, { force: true })]);
  };

  return {
    async put(kind, id, media) {
      const file = location(kind, id);
      if (await holds(file, media.bytes)) return;
      await mkdir(folder(kind), { recursive: true });
      // Temp + rename: a concurrent GET never sees half an image. Unique temp names, because the same
      // id may be written twice at once (a duplicate inside one batch).
      const tmp = `${file}.${randomUUID()}.tmp`;
      await writeFile(tmp, media.bytes);
      await rename(tmp, file);
      await removeLegacy(kind, id);
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
  };
}

async function holds(file: string, bytes: Uint8Array): Promise<boolean> {
  try {
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).equals(await readFile(file));
  } catch {
    return false;
  }
}

export type { MediaFile };
