/**
 * Image bytes copied at ingest into `<mediaDir>/<kind>s/<file>` with a `<file>.type` holding the
 * content type, so `GET /media/products/:id` serves data: URLs and fetched images like world files.
 * Ids are encoded into file names, never used as paths.
 */
import { mkdir, readFile, rm, writeFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { EntityKind } from '../store/types.js';

export interface MediaFile {
  bytes: Uint8Array;
  contentType: string;
}

/** A file name no id can turn into a path: '/', '\\' and '.' are all percent-encoded. */
const fileName = (id: string) => encodeURIComponent(id).replace(/\./g, '%2E').replace(/\*/g, '%2A');
const location = (mediaDir: string, kind: EntityKind, id: string) => join(mediaDir, `${kind}s`, fileName(id));

export async function writeMedia(mediaDir: string, kind: EntityKind, id: string, media: MediaFile): Promise<void> {
  const file = location(mediaDir, kind, id);
  await mkdir(join(mediaDir, `${kind}s`), { recursive: true });
  // Temp + rename: a concurrent GET never sees half an image.
  await writeFile(`${file}.tmp`, media.bytes);
  await writeFile(`${file}.type`, media.contentType);
  await rename(`${file}.tmp`, file);
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
