/**
 * On-disk checks and atomic writes for the hnswlib index and its JSON sidecar.
 *
 * hnswlib happily loads a file into an index of the wrong dimension (no error, silently wrong
 * distances) and dies with SIGSEGV on a search after random bytes landed in its data region, so
 * nothing reaches `readIndex` unchecked: the sidecar carries the SHA-256 of the index file (and of
 * itself), checked before loading, and we also parse the fixed 96-byte header of hnswlib's format
 * against the sidecar and the file size. SHA-256 because Node hashes it with the CPU's SHA
 * extensions at ~1.3 GB/s here, fast enough for a 1M x 128 index (README "Durability and recovery": start-up checks).
 */
import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmSync, statSync } from 'node:fs';
import { open, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import hnswlib from 'hnswlib-node';
import { z } from 'zod';
import { AppError } from '../errors.js';

/**
 * Bytes hashed or escaped per event-loop turn while a flush runs beside requests (SHA-256 does
 * ~0.5-1 GB/s here: 0.1-0.3 ms per slice).
 */
const SLICE_BYTES = 256 * 1024;

/** Sidecar format: everything needed to trust (or reject) the binary file and map labels back. */
export const SidecarSchema = z.object({
  /** 2 added checksums; a version-1 sidecar fails to parse, so its index is rebuilt once. */
  formatVersion: z.literal(2),
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
  /** sums[label] = `vectorChecksum` of the vector last written under that label (compared with the store's at start-up). */
  sums: z.array(z.number().int().nonnegative()),
  /** The binary file this sidecar was written with: a torn flush or damaged bytes show up here. */
  indexFile: z.object({ bytes: z.number().int().nonnegative(), sha256: z.string().regex(/^[0-9a-f]{64}$/) }),
});
export type Sidecar = z.infer<typeof SidecarSchema>;

/**
 * The sidecar file: its JSON body as a string plus that string's SHA-256, so a damaged or edited
 * sidecar (a rotated id array shifts every result by one) is caught before its label map is used.
 */
const Envelope = z.object({ sha256: z.string(), body: z.string() });

export function encodeSidecar(sidecar: Sidecar): string {
  const body = JSON.stringify(sidecar);
  return JSON.stringify({ sha256: sha256(body), body });
}

/** The envelope's start: `{"sha256":"` + 64 hex digits + `","body":"`; the digits are written last. */
const HEAD = '{"sha256":"';
const HEAD_REST = '","body":"';

/**
 * Writes `encodeSidecar(sidecar)` to `path`, byte for byte, a slice of array elements at a time
 * with a yield to the event loop in between: at 100k products the sidecar is several MB of JSON,
 * encoded twice (body, then the envelope's string) and hashed, which held the loop ~65 ms per index
 * flush in one go. Pieces end at element boundaries, so none splits a surrogate pair, and escaping
 * or hashing them one by one equals doing it to the whole string.
 *
 * Nothing is kept past its slice: each piece is hashed, escaped, written and dropped, and the
 * body's hash goes into the space left for it at the start once the body is written. When
 * the pieces were all kept until the write (~50 MB of strings per flush at 1M products), they lived
 * long enough to be promoted: the flushes of a 200-product ingest at 1M x 128 grew the old
 * generation from ~1.4 to ~2.0 GB, all of it for the next full collection (`--trace-gc`: it freed
 * 1.3 GB; 0.7 GB with this change).
 * The caller must not change `sidecar` until it resolves (the index is frozen during a flush).
 */
export async function writeSidecarFile(path: string, sidecar: Sidecar, slice = 10_000): Promise<void> {
  const file = await open(path, 'w');
  try {
    await file.write(`${HEAD}${'0'.repeat(64)}${HEAD_REST}`);
    const hash = createHash('sha256');
    let sinceYield = 0;
    for await (const piece of bodyPieces(sidecar, slice)) {
      hash.update(piece);
      await file.write(JSON.stringify(piece).slice(1, -1));
      sinceYield += piece.length;
      // Yield by size, not by piece count: a piece of `slice` ids is ~200 KB.
      if (sinceYield >= SLICE_BYTES) {
        sinceYield = 0;
        await nextTurn();
      }
    }
    await file.write('"}');
    await file.write(hash.digest('hex'), HEAD.length, 'ascii');
  } finally {
    await file.close();
  }
}

/** `JSON.stringify(sidecar)` in pieces, long arrays a slice of elements per piece (one turn each). */
async function* bodyPieces(sidecar: Sidecar, slice: number): AsyncGenerator<string> {
  let first = true;
  for (const [key, value] of Object.entries(sidecar)) {
    if (value === undefined) continue; // JSON.stringify leaves such keys out
    yield `${first ? '{' : ','}${JSON.stringify(key)}:`;
    first = false;
    if (!Array.isArray(value) || value.length <= slice) {
      yield JSON.stringify(value);
      continue;
    }
    for (let i = 0; i < value.length; i += slice) {
      const part = JSON.stringify(value.slice(i, i + slice));
      yield `${i === 0 ? '[' : ','}${part.slice(1, -1)}`;
      await nextTurn();
    }
    yield ']';
  }
  yield first ? '{}' : '}';
}

/** @throws AppError INDEX_UNAVAILABLE naming what is wrong with the sidecar. */
export function decodeSidecar(text: string): Sidecar {
  let envelope: z.infer<typeof Envelope>;
  try {
    envelope = Envelope.parse(JSON.parse(text));
  } catch {
    throw new AppError('INDEX_UNAVAILABLE', 'sidecar is unreadable or not in the expected format');
  }
  if (sha256(envelope.body) !== envelope.sha256) throw new AppError('INDEX_UNAVAILABLE', 'sidecar checksum does not match its content (damaged or edited)');
  const parsed = SidecarSchema.safeParse(JSON.parse(envelope.body));
  if (!parsed.success) throw new AppError('INDEX_UNAVAILABLE', 'sidecar is unreadable or not in the expected format');
  return parsed.data;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** SHA-256 of a file, read in 8 MB chunks (synchronous: `open` checks the files before anything is served). */
export function sha256File(path: string): string {
  const hash = createHash('sha256');
  const buf = Buffer.allocUnsafe(8 * 1024 * 1024);
  const fd = openSync(path, 'r');
  try {
    for (let n; (n = readSync(fd, buf, 0, buf.length, null)) > 0; ) hash.update(buf.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  return hash.digest('hex');
}

/** `sha256File` for flushes: the file is read slice by slice, so the event loop keeps serving. */
export async function sha256FileAsync(path: string): Promise<string> {
  const hash = createHash('sha256');
  // hash.update runs on the event loop: small slices with a turn between them keep each one well
  // under a millisecond (1 MiB chunks held the loop 35-46 ms per flush at 100k products). Every
  // slice is read into the same buffer: a stream allocated a new one per chunk, 2.3 GB of
  // short-lived external memory per flush at 1M x 512, which made V8 run 14 full collections
  // during one flush, each of them ~0.7 s on the loop with a 1M-product heap.
  const buffer = Buffer.allocUnsafe(SLICE_BYTES);
  const file = await open(path, 'r');
  try {
    for (let position = 0; ; ) {
      const { bytesRead } = await file.read(buffer, 0, SLICE_BYTES, position);
      if (bytesRead === 0) break;
      hash.update(buffer.subarray(0, bytesRead));
      position += bytesRead;
      await nextTurn();
    }
  } finally {
    await file.close();
  }
  return hash.digest('hex');
}

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

/** Removes temp files a killed flush left beside `<stem>.*`; returns how many. */
export function removeTempFiles(dir: string, stem: string): number {
  const temps = readdirSync(dir).filter((f) => f.startsWith(`${stem}.`) && /\.tmp-\d+$/.test(f));
  for (const f of temps) rmSync(join(dir, f), { force: true });
  return temps.length;
}

/** The two files of one index. */
export type Paths = { index: string; sidecar: string };

export type Loaded = { index: hnswlib.HierarchicalNSW; sidecar: Sidecar } | { reason: string };

/** Every check that lets the files be trusted, cheapest first; damaged bytes never reach hnswlib. */
export function tryLoad(paths: Paths, modelId: string, dimension: number): Loaded {
  if (!existsSync(paths.index)) return { reason: 'index file is missing' };
  if (!existsSync(paths.sidecar)) return { reason: 'sidecar file is missing' };
  let sidecar: Sidecar;
  try {
    sidecar = decodeSidecar(readFileSync(paths.sidecar, 'utf8'));
  } catch (err) {
    return { reason: (err as Error).message };
  }
  const { ids, deleted, sums } = sidecar;
  if (new Set(ids).size !== ids.length || deleted.some((l) => l >= ids.length) || sums.length !== ids.length) {
    return { reason: 'sidecar label map is inconsistent' };
  }
  if (sidecar.modelId !== modelId) return { reason: `built by model "${sidecar.modelId}", now using "${modelId}"` };
  if (sidecar.dimension !== dimension) return { reason: `built with dimension ${sidecar.dimension}, model has ${dimension}` };
  try {
    const header = readHnswHeader(paths.index);
    if (header.fileSize !== sidecar.indexFile.bytes) {
      return { reason: `index file is ${header.fileSize} bytes, the sidecar recorded ${sidecar.indexFile.bytes} (truncated, or from another flush)` };
    }
    if (header.dimension !== dimension) return { reason: `index file holds dimension ${header.dimension}, expected ${dimension}` };
    if (header.elementCount !== ids.length) {
      return { reason: `index file holds ${header.elementCount} elements, sidecar maps ${ids.length}` };
    }
    if (sha256File(paths.index) !== sidecar.indexFile.sha256) return { reason: 'index file checksum does not match the sidecar (damaged, or from another flush)' };
    const index = new hnswlib.HierarchicalNSW('cosine', dimension);
    index.readIndexSync(paths.index);
    // hnswlib reloads with capacity = element count; restore the recorded headroom.
    if (index.getMaxElements() < sidecar.capacity) index.resizeIndex(sidecar.capacity);
    return { index, sidecar };
  } catch (err) {
    return { reason: `index file is corrupt: ${(err as Error).message}` };
  }
}
