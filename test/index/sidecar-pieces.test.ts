/**
 * The index flush encodes its sidecar a slice at a time (a single JSON.stringify + SHA-256 of the
 * whole sidecar held the event loop ~65 ms per flush at 100k products): the pieces must add up to
 * exactly the bytes `encodeSidecar` gives, so files written either way are interchangeable.
 */
import { describe, expect, it } from 'vitest';
import { decodeSidecar, encodeSidecar, encodeSidecarPieces, type Sidecar } from '../../src/index/hnsw-files.js';

function sidecar(n: number): Sidecar {
  // Ids with quotes, backslashes, non-ASCII and astral characters: escaping must not change across slices.
  const ids = Array.from({ length: n }, (_, i) => [`p-${i}`, `q"${i}\\`, `é-${i}`, `👗${i}`, `tab\t${i}`][i % 5]!);
  return {
    formatVersion: 2, modelId: 'm', dimension: 4, space: 'cosine', capacity: n, m: 16, efConstruction: 64, efSearch: 40,
    ids, deleted: Array.from({ length: n >> 3 }, (_, i) => i * 8), sums: ids.map((_, i) => (i * 2654435761) % 2 ** 32),
    indexFile: { bytes: 123, sha256: 'a'.repeat(64) },
  };
}

describe('encodeSidecarPieces', () => {
  it.each([0, 1, 7, 100, 1001])('adds up to encodeSidecar for %i labels', async (n) => {
    const s = sidecar(n);
    const pieces = await encodeSidecarPieces(s, 10);
    expect(pieces.join('')).toBe(encodeSidecar(s));
    expect(decodeSidecar(pieces.join(''))).toEqual(s);
  });

  it('with the default slice too', async () => {
    const s = sidecar(25_000);
    expect((await encodeSidecarPieces(s)).join('')).toBe(encodeSidecar(s));
  });
});
