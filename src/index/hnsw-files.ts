/**
 * On-disk checks and atomic writes for the hnswlib index and its JSON sidecar.
 *
 * hnswlib happily loads a file into an index of the wrong dimension (no error, silently wrong
 * distances) and may crash on some corrupt files, so before `readIndex` we parse the fixed
 * 96-byte header of hnswlib's format ourselves and check it against the sidecar and file size.
 */
import { closeSync, openSync, readSync, renameSync, statSync } from 'node:fs';
import { rename } from 'node:fs/promises';
import { z } from 'zod';
import { AppError } from '../errors.js';

/** Sidecar format: everything needed to trust (or reject) the binary file and map labels back. */
export const SidecarSchema = z.object({
  formatVersion: z.literal(1),
  modelId: z.string().min(1),
  dimension: z.number().int().positive(),
  space: z.literal('cosine'),
  capacity: z.number().int().nonnegative(),
  m: z.number().int().positive(),
  efConstruction: z.number().int().positive(),
  efSearch: z.number().int().positive(),
  /** ids[label] = entity id; every label ever added, deleted or not, so its length is hnswlib's element count. */
  ids: z.array(z.string()),
  /** Labels marked deleted (their ids are kept so a re-upsert reuses the label). */
  deleted: z.array(z.number().int().nonnegative()),
});
export type Sidecar = z.infer<typeof SidecarSchema>;

const HEADER_BYTES = 96;

export interface HnswHeader {
  elementCount: number;
  sizeDataPerElement: number;
  dimension: number;
}

/** Reads hnswlib's header; throws with a reason when the file cannot be an index. */
export function readHnswHeader(path: string): HnswHeader & { fileSize: number } {
  const fileSize = statSync(path).size;
  if (fileSize < HEADER_BYTES) throw new AppError('INDEX_UNAVAILABLE', `index file is ${fileSize} bytes, shorter than the ${HEADER_BYTES}-byte header`);
  const buf = Buffer.alloc(HEADER_BYTES);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, buf, 0, HEADER_BYTES, 0);
  } finally {
    closeSync(fd);
  }
  // Layout (hnswalg.h saveIndex): offsetLevel0 u64, maxElements u64, curElementCount u64,
  // sizeDataPerElement u64, labelOffset u64, offsetData u64, maxLevel i32, enterpoint u32, maxM u64, maxM0 u64, ...
  const u64 = (at: number) => Number(buf.readBigUInt64LE(at));
  const elementCount = u64(16);
  const sizeDataPerElement = u64(24);
  const labelOffset = u64(32);
  const offsetData = u64(40);
  const maxM0 = u64(64);
  const dimBytes = labelOffset - offsetData;
  const sane = offsetData === maxM0 * 4 + 4 && dimBytes > 0 && dimBytes % 4 === 0 && sizeDataPerElement === labelOffset + 8;
  if (!sane) throw new AppError('INDEX_UNAVAILABLE', 'index header is inconsistent (not an hnswlib file, or corrupt)');
  const minSize = HEADER_BYTES + elementCount * (sizeDataPerElement + 4);
  if (fileSize < minSize) throw new AppError('INDEX_UNAVAILABLE', `index file is truncated: ${fileSize} bytes, expected at least ${minSize}`);
  return { elementCount, sizeDataPerElement, dimension: dimBytes / 4, fileSize };
}

/** Writes via a temp file and rename, so readers see the old or the new file, never half of one. */
export function atomicWriteSync(path: string, write: (tmp: string) => void): void {
  const tmp = `${path}.tmp-${process.pid}`;
  write(tmp);
  renameSync(tmp, path);
}

/** `atomicWriteSync` for writers that run off the event loop (one writer per path at a time). */
export async function atomicWrite(path: string, write: (tmp: string) => Promise<void>): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  await write(tmp);
  await rename(tmp, path);
}
