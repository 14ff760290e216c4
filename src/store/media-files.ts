/**
 * The embedded `MediaStore`: image bytes under `<dir>/<kind>s/<file>` with a `<file>.type` holding
 * the content type, so `GET /media/products/:id` serves data: URLs and fetched images like world
 * files. Ids are encoded into file names, never used as paths.
 *
 * @example
 * const media = fileMediaStore(join(config.DATA_DIR, 'media'));
 * await media.put('product', 'p1', { bytes, contentType: 'image/jpeg' });
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { EntityKind, MediaFile, MediaStore } from './types.js';

/** A file name no id can turn into a path: '/', '\\' and '.' are all percent-encoded. */
const fileName = (id: string) => encodeURIComponent(id).replace(/\./g, '%2E').replace(/\*/g, '%2A');

export function fileMediaStore(dir: string): MediaStore {
  const location = (kind: EntityKind, id: string) => join(dir, `${kind}s`, fileName(id));
  return {
    async put(kind, id, media) {
      const file = location(kind, id);
      if (await holds(file, media.bytes)) return;
      await mkdir(join(dir, `${kind}s`), { recursive: true });
      // Temp + rename: a concurrent GET never sees half an image. Unique temp names, because the same
      // id may be written twice at once (a duplicate inside one batch).
      const tmp = `${file}.${randomUUID()}.tmp`;
      await writeFile(tmp, media.bytes);
      await writeFile(`${file}.type`, media.contentType);
      await rename(tmp, file);
    },
    async get(kind, id) {
      const file = location(kind, id);
      try {
        const [bytes, contentType] = await Promise.all([readFile(file), readFile(`${file}.type`, 'utf8')]);
        return { bytes, contentType: contentType.trim() || 'application/octet-stream' };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw err;
      }
    },
    async remove(kind, id) {
      const file = location(kind, id);
      await Promise.all([rm(file, { force: true }), rm(`${file}.type`, { force: true })]);
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
