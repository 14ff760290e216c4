/**
 * Resume after interruption: the CLI is spawned as a child process on a few thousand records,
 * SIGKILLed once it has written its first checkpoints, and run again. Every record is then stored
 * exactly once, the rerun writes only the records after the checkpoint, and it embeds only
 * records that were not committed (a counting fake embedder). A full re-send of unchanged records
 * (--restart) embeds nothing at all: the content-hash embedding cache.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createFakeEmbedder, fakePng } from '../helpers/fake-embedder.js';
import { product } from '../store/fixtures.js';
import { bulkRoot, cli, storedProducts } from './bulk-helpers.js';

const N = 2000;
const BATCH = 100;

/** The committed line of `input`'s checkpoint (0 while there is none). */
function checkpointLine(dataDir: string, input: string): number {
  const dir = join(dataDir, 'ingest-checkpoints');
  if (!existsSync(dir)) return 0;
  for (const f of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
    try {
      const c = JSON.parse(readFileSync(join(dir, f), 'utf8')) as { path: string; line: number };
      if (c.path === input) return c.line;
    } catch {
      // renamed away between readdir and read: look again next time
    }
  }
  return 0;
}

describe('bulk load: resume after kill -9', () => {
  it('stores every record exactly once and re-embeds only what was not committed', { timeout: 300_000 }, async () => {
    const t = bulkRoot('bulk-resume-');
    const rows = Array.from({ length: N }, (_, i) => {
      const id = `p${String(i).padStart(5, '0')}`;
      return JSON.stringify(product(id, { title: `Dress ${id}`, image: `data:image/png;base64,${fakePng(id).toString('base64')}` }));
    });
    const products = t.file('products.jsonl', `${rows.join('\n')}\n`);
    const args = ['--merchants', t.merchants, '--products', products, '--batch', String(BATCH)];

    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'ingest-child.ts'), ...args], {
      env: { ...process.env, ...t.env, SLOW_MS: '30' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    // Killed without warning once two batches are committed (polling the checkpoint, not the clock).
    let done = false;
    void exited.then(() => (done = true));
    while (!done && checkpointLine(t.dataDir, products) < 2 * BATCH) await new Promise((r) => setTimeout(r, 10));
    child.kill('SIGKILL');
    await exited;
    const committed = checkpointLine(t.dataDir, products);
    expect(committed, `the child finished before it could be killed: ${output}`).toBeLessThan(N);
    expect(committed).toBeGreaterThanOrEqual(2 * BATCH);

    const embedder = createFakeEmbedder({ dimension: 8 });
    const rerun = await cli(args, t.env, embedder);
    expect(rerun.code, rerun.stdout + rerun.stderr).toBe(0);
    // The lines after the checkpoint and nothing else are written again...
    expect(rerun.stdout).toContain(`${products}: ${N - committed} ok, 0 rejected, ${committed} skipped as already done`);
    // ...and of those, only what the killed run had not embedded yet is embedded (its last, uncommitted batch may be cached).
    expect(embedder.imagesEmbedded).toBeLessThanOrEqual(N - committed);
    expect(embedder.imagesEmbedded).toBeGreaterThanOrEqual(N - committed - BATCH);
    const stored = await storedProducts(t.dataDir);
    expect(stored).toHaveLength(N);
    expect(new Set(stored.map((p) => p.id)).size).toBe(N);

    // A rerun of a finished file skips it; a full re-send (--restart) of unchanged records embeds nothing.
    const again = await cli(args, t.env, embedder);
    expect(again.stdout).toContain(`${products}: 0 ok, 0 rejected, ${N} skipped as already done`);
    const counting = createFakeEmbedder({ dimension: 8 });
    const resend = await cli([...args, '--restart'], t.env, counting);
    expect(resend.stdout).toContain(`${products}: ${N} ok, 0 rejected, 0 skipped`);
    expect({ images: counting.imagesEmbedded, texts: counting.textsEmbedded }).toEqual({ images: 0, texts: 0 });
    expect(await storedProducts(t.dataDir)).toHaveLength(N);
  });
});
