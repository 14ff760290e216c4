/** Shared set-up of the bulk-load CLI tests: a folder with input files and images, a DATA_DIR, the real CLI entry. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ingestCli } from '../../src/cli/ingest.js';
import type { Embedder } from '../../src/embed/types.js';
import { openSqliteStore } from '../../src/store/sqlite-store.js';
import { fakePng } from '../helpers/fake-embedder.js';
import { TEST_MERCHANT } from '../helpers/service.js';

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export function bulkRoot(prefix = 'bulk-') {
  const root = mkdtempSync(join(tmpdir(), prefix));
  const input = join(root, 'input');
  mkdirSync(join(input, 'images'), { recursive: true });
  const dataDir = join(root, 'data');
  const file = (name: string, text: string) => {
    writeFileSync(join(input, name), text);
    return join(input, name);
  };
  /** An image the fake embedder accepts, beside the input files; returns its relative path. */
  const image = (name: string) => {
    writeFileSync(join(input, 'images', name), fakePng(name));
    return `images/${name}`;
  };
  const merchants = file('merchants.jsonl', `${JSON.stringify(TEST_MERCHANT)}\n`);
  const env = { DATA_DIR: dataDir, LOG_LEVEL: 'silent' };
  return { root, input, dataDir, env, file, image, merchants };
}

/** The real CLI entry function, with its output captured. */
export async function cli(argv: string[], env: Record<string, string>, embedder: Embedder, progressEveryMs?: number): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const io = { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s), isTTY: false } };
  const code = await ingestCli(argv, env, io, { embedder, progress: false, progressEveryMs });
  return { code, stdout, stderr };
}

/** Every stored product, by id (what a load left in DATA_DIR). */
export async function storedProducts(dataDir: string) {
  const store = openSqliteStore({ path: join(dataDir, 'store.db') });
  try {
    const list = await store.listProducts();
    return list.sort((a, b) => a.id.localeCompare(b.id));
  } finally {
    await store.close();
  }
}
