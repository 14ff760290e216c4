/**
 * The committed default world must be exactly what the generator makes from seed 42: every JSON
 * file and every JPEG, byte for byte. If this fails after an intended generator change, run
 * `npm run fixtures` and commit the new fixtures/.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_WORLD, generateWorld } from '../../tools/world/generate.js';

const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures');
/** Hand-written docs, not generated. */
const NOT_GENERATED = new Set(['README.md']);

async function hashes(root: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  for (const e of entries) {
    if (!e.isFile()) continue;
    const path = relative(root, join(e.parentPath, e.name));
    if (NOT_GENERATED.has(path)) continue;
    out.set(path, createHash('sha256').update(await readFile(join(root, path))).digest('hex'));
  }
  return new Map([...out.entries()].sort(([a], [b]) => a.localeCompare(b)));
}

describe('default world determinism', () => {
  let dir = '';
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('regenerates fixtures/ byte-identically from seed 42', async () => {
    dir = await mkdtemp(join(tmpdir(), 'world-'));
    await generateWorld({ ...DEFAULT_WORLD, outDir: dir });
    const [expected, actual] = await Promise.all([hashes(FIXTURES), hashes(dir)]);
    expect(expected.size).toBe(6 + DEFAULT_WORLD.products + DEFAULT_WORLD.creators * DEFAULT_WORLD.postsPerCreator);
    expect([...actual.keys()]).toEqual([...expected.keys()]);
    const differing = [...expected].filter(([path, hash]) => actual.get(path) !== hash).map(([path]) => path);
    expect(differing).toEqual([]);
  }, 180_000);
});
