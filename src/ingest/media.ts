/**
 * Image bytes copied at ingest into `<mediaDir>/<kind>s/<file>` with a `<file>.type` holding the
 * content type, so `GET /media/products/:id` serves data: URLs and fetched images like world files.
 * Ids are encoded into file names, never used as paths.
 */
import { mkdir, readFile, rm, writeFile, rename } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { EntityKind } from '../store/types.js';

export interface MediaFile {
  bytes: Uint8Array;
  contentType: string;
}

/** A file name no id can turn into a path: '/', '\\' and '.' are all percent-encoded. */
const fileName = (id: string) => encodeURIComponent(id).replace(/\./g, '%2E').replace(/\*/g, '%2A');
const location = (mediaDir: string, kind: EntityKind, id: string) => join(mediaDir, `${kind}s`, fileName(id));

/** Copies the bytes in; a no-op when the same bytes are already there (re-ingest of unchanged items). */
export async function writeMedia(mediaDir: string, kind: EntityKind, id: string, media: MediaFile): Promise<void> {
  const file = location(mediaDir, kind, id);
  if (await holds(file, media.bytes)) return;
  await mkdir(join(mediaDir, `${kind}s`), { recursive: true });
  // Temp + rename: a concurrent GET never sees half an image. Unique temp names, because the same
  // id may be written twice at once (a duplicate inside one batch).
  const tmp = `${file}.${randomUUID()}.tmp`;
  await writeFile(tmp, media.bytes);
  await writeFile(`${file}.type`, media.contentType);
  await rename(tmp, file);
}

async function holds(file: string, bytes: Uint8Array): Promise<boolean> {
  try {
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).equals(await readFile(file));
  } catch {
    return false;
  }
}

/**
 * @example
 * const media = await readMedia(join(config.DATA_DIR, 'media'), 'product', 'p00042');
 * if (media) res.type(media.contentType).send(Buffer.from(media.bytes));
 */
export async function readMedia(mediaDir: string, kind: EntityKind, id: string): Promise<MediaFile | undefined> {
  const file = location(mediaDir, kind, id);
  try {
    const [bytes, contentType] = await Promise.all([readFile(file), readFile(`${file}.type`, 'utf8')]);
    return { bytes, contentType: contentType.trim() || 'application/octet-stream' };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

export async function removeMedia(mediaDir: string, kind: EntityKind, id: string): Promise<void> {
  const file = location(mediaDir, kind, id);
  await Promise.all([rm(file, { force: true }), rm(`${file}.type`, { force: true })]);
}
