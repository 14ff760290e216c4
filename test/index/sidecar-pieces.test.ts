/**
 * The index flush writes its sidecar a slice at a time (a single JSON.stringify + SHA-256 of the
 * whole sidecar held the event loop ~65 ms per flush at 100k products), each piece written as it
 * is made and the hash filled in last: the file must hold exactly the bytes `encodeSidecar` gives,
 * so files written either way are interchangeable, also with pieces of megabytes.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeSidecar, encodeSidecar, writeSidecarFile, type Sidecar } from '../../src/index/hnsw-files.js';

const dir = mkdtempSync(join(tmpdir(), 'sidecar-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function written(s: Sidecar, slice?: number): Promise<string> {
  const path = join(dir, `sidecar-${Math.random().toString(36).slice(2)}.json`);
  await writeSidecarFile(path, s, slice);
  return readFileSync(path, 'utf8');
}

function sidecar(n: number): Sidecar {
  // Ids with quotes, backslashes, non-ASCII and astral characters: escaping must not change across slices.
  const ids = Array.from({ length: n }, (_, i) => [`p-${i}`, `q"${i}\\`, `é-${i}`, `👗${i}`, `tab\t${i}`][i % 5]!);
  return {
    formatVersion: 2, modelId: 'm', dimension: 4, space: 'cosine', capacity: n, m: 16, efConstruction: 64, efSearch: 40,
    ids, deleted: Array.from({ length: n >> 3 }, (_, i) => i * 8), sums: ids.map((_, i) => (i * 2654435761) % 2 ** 32),
    indexFile: { bytes: 123, sha256: 'a'.repeat(64) },
  };
}

describe('writeSidecarFile', () => {
  it.each([0, 1, 7, 100, 1001])('writes what encodeSidecar gives for %i labels', async (n) => {
    const s = sidecar(n);
    const file = await written(s, 10);
    expect(file).toBe(encodeSidecar(s));
    expect(decodeSidecar(file)).toEqual(s);
  });

  it('with the default slice, and with pieces of megabytes', async () => {
    const s = sidecar(25_000);
    expect(await written(s)).toBe(encodeSidecar(s));
    const big = sidecar(200_000); // one slice of 200k ids escapes to ~2.6 MB
    expect(await written(big, 200_000)).toBe(encodeSidecar(big));
  });
});
