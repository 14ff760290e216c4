/**
 * Damaged index files are detected at load and rebuilt from the store, with the reason logged:
 * before the checksums, 64 KB of random bytes in the data region made the first search die with
 * SIGSEGV (on every restart), zero-filling gave "Label not found" or silently different answers,
 * and a rotated sidecar id array shifted every result by one product. Each case here is damage
 * done to the bytes only; the damage helper edits the sidecar's id array wherever the format keeps
 * it and never recomputes a checksum.
 */
import { mkdtempSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HnswVectorIndex, type HnswIndexOptions } from '../../src/index/hnsw-index.js';

const DIM = 16;
const N = 2000;

function vectors(seed: number) {
  let s = seed >>> 0;
  const rnd = () => ((s = (s * 1664525 + 1013904223) >>> 0) / 0xffffffff) - 0.5;
  return Array.from({ length: N }, (_, i) => ({ id: `p${i}`, vector: Float32Array.from({ length: DIM }, rnd) }));
}

/** A persisted index of N vectors; `reopen` loads it and says whether (and why) it was rebuilt. */
async function persisted() {
  const dir = mkdtempSync(join(tmpdir(), 'hnsw-damage-'));
  const items = vectors(7);
  const logged: Array<{ msg: string; reason?: unknown }> = [];
  const opts: HnswIndexOptions = {
    dir, name: 'products', modelId: 'm', dimension: DIM, m: 16, efConstruction: 100, efSearch: 64,
    rebuild: async () => items,
    log: { info: (msg) => logged.push({ msg }), warn: (msg, f) => logged.push({ msg, reason: f?.reason }) },
  };
  await HnswVectorIndex.open(opts);
  const file = join(dir, 'products.hnsw');
  const sidecar = join(dir, 'products.meta.json');
  return {
    file, sidecar, items,
    async reopen() {
      logged.length = 0;
      const index = await HnswVectorIndex.open(opts);
      return { index, rebuilt: logged.find((l) => l.msg === 'vector index rebuilt')?.reason as string | undefined };
    },
  };
}

/** Every stored vector finds itself first: what a damaged file silently breaks (or crashes on). */
function answersRight(index: HnswVectorIndex, items: ReturnType<typeof vectors>): number {
  let right = 0;
  for (const { id, vector } of items) if (index.search(vector, 1)[0]?.id === id) right++;
  return right;
}

function damage(file: string, at: number, bytes: Buffer): void {
  const data = readFileSync(file);
  bytes.copy(data, at);
  writeFileSync(file, data);
}

function pseudoRandom(n: number): Buffer {
  let s = 12345;
  return Buffer.from(Array.from({ length: n }, () => (s = (s * 1103515245 + 12345) >>> 0) >>> 24));
}

/** Flips the lowest mantissa bit of the first float of element `n`'s vector (hnswlib's level-0 layout). */
function flipVectorBit(file: string, n: number): void {
  const data = readFileSync(file);
  const sizePerElement = Number(data.readBigUInt64LE(24));
  const offsetData = Number(data.readBigUInt64LE(40));
  data[96 + n * sizePerElement + offsetData]! ^= 1;
  writeFileSync(file, data);
}

/** Rotates the id array by one, wherever the sidecar keeps it, leaving any checksum as it was. */
function rotateIds(sidecarPath: string): void {
  const json = JSON.parse(readFileSync(sidecarPath, 'utf8'));
  const rotate = (s: { ids: string[] }) => s.ids.push(s.ids.shift()!);
  if (typeof json.body === 'string') {
    const body = JSON.parse(json.body);
    rotate(body);
    json.body = JSON.stringify(body);
  } else rotate(json);
  writeFileSync(sidecarPath, JSON.stringify(json));
}

describe('index damage is detected and rebuilt from the store', () => {
  const cases: Array<[string, (f: { file: string; sidecar: string }) => void, RegExp]> = [
    ['64 KB of random bytes in the data region', ({ file }) => damage(file, 4096, pseudoRandom(64 * 1024)), /checksum/],
    ['64 KB of zeros in the data region', ({ file }) => damage(file, 4096, Buffer.alloc(64 * 1024)), /checksum/],
    ['one flipped bit in a stored vector', ({ file }) => flipVectorBit(file, 1000), /checksum/],
    ['the sidecar id array rotated by one', ({ sidecar }) => rotateIds(sidecar), /sidecar checksum/],
    ['the index file truncated by 10%', ({ file }) => truncateSync(file, Math.floor(statSync(file).size * 0.9)), /truncated/],
    ['a zero-length index file', ({ file }) => truncateSync(file, 0), /corrupt|truncated/],
  ];

  for (const [what, harm, reason] of cases) {
    it(`${what}: logged rebuild, right answers`, async () => {
      const p = await persisted();
      harm(p);
      const { index, rebuilt } = await p.reopen();
      expect(rebuilt).toMatch(reason);
      expect(answersRight(index, p.items)).toBeGreaterThanOrEqual(N * 0.99);
      // The rebuilt files are trusted again on the next start.
      expect((await p.reopen()).rebuilt).toBeUndefined();
    });
  }
});
