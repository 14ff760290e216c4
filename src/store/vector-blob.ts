/**
 * Float32Array <-> SQLite BLOB. A Buffer from better-sqlite3 may be a view into a larger pooled
 * ArrayBuffer at an unaligned offset, so reads copy the bytes out rather than aliasing them.
 */
import { AppError } from '../errors.js';

/** Bytes of `v` as a Buffer (a view, no copy: SQLite copies on bind). */
export function toBlob(v: Float32Array): Buffer {
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
}

/** A fresh, aligned Float32Array holding the blob's floats. */
export function fromBlob(blob: Buffer | Uint8Array): Float32Array {
  if (blob.byteLength % 4 !== 0) throw new AppError('STORE_UNAVAILABLE', `Vector blob of ${blob.byteLength} bytes is not a whole number of float32s`);
  const out = new Float32Array(blob.byteLength / 4);
  new Uint8Array(out.buffer).set(blob);
  return out;
}
