/**
 * The index file's checksum (hnsw-files.ts sha256FileAsync) reads the file slice by slice into one
 * reused buffer: it must equal the SHA-256 of the whole file for sizes on, around and far from
 * the slice boundary, and an empty file.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sha256FileAsync } from '../../src/index/hnsw-files.js';
import { createRng } from '../../tools/world/prng.js';

const dir = mkdtempSync(join(tmpdir(), 'sha256-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('sha256FileAsync', () => {
  const SLICE = 256 * 1024;
  for (const size of [0, 1, SLICE - 1, SLICE, SLICE + 1, 3 * SLICE + 12_345]) {
    it(`equals the digest of the whole file (${size} bytes)`, async () => {
      const { next } = createRng(size + 1);
      const bytes = Buffer.from(Array.from({ length: size }, () => Math.floor(next() * 256)));
      const path = join(dir, `f${size}`);
      writeFileSync(path, bytes);
      expect(await sha256FileAsync(path)).toBe(createHash('sha256').update(bytes).digest('hex'));
    });
  }
});
