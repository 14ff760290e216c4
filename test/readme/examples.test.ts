/**
 * Every shell example in README.md works as written. The test starts the real server exactly as
 * `npm start` on a fresh clone does (src/server.ts: the shipped model in worker threads, the dev
 * API keys, fixtures/ loaded into an empty DATA_DIR, here a temp one on a free port), then runs
 * every ```sh / ```bash / ```shell block in README order with bash -euo pipefail from the
 * repository root, with the README's conventions pointed at that server:
 *   H = the server's base URL, A / S = the app / admin Authorization headers of the dev keys,
 *   DATA_DIR = the server's data folder (what a CLI run from the root would share with `npm start`).
 * A block passes when it exits 0; the examples use `curl -fsS`, so an HTTP error fails it.
 * Blocks that cannot run here carry `<!-- example: not run (why) -->`; an unmarked block using a
 * command that installs, starts a server or runs a suite, a marker without a reason, or a curl
 * without -f fails the first test instead of running. README_EXAMPLES_VERBOSE=1 prints each block's
 * output.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { blockProblems, extractShellBlocks } from './blocks.js';
import { runBlock } from './run-block.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const { blocks, problems } = extractShellBlocks(readFileSync(join(ROOT, 'README.md'), 'utf8'));
const runnable = blocks.filter((b) => b.notRun === undefined && blockProblems(b).length === 0);
const marked = blocks.filter((b) => b.notRun !== undefined);
/** Generous for a loaded 2-core machine: no block is slow; the limit only catches one that hangs. */
const BLOCK_TIMEOUT_MS = 120_000;

let server: RunningServer | undefined;
let root = '';
let env: Record<string, string> = {};

beforeAll(async () => {
  if (!runnable.length) return;
  root = mkdtempSync(join(tmpdir(), 'readme-examples-'));
  const dataDir = join(root, 'data');
  // Only what a fresh clone's `npm start` gets, plus a free port and a throw-away data folder.
  server = await startServer({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, WORLD_DIR: join(ROOT, 'fixtures') }, createLogger('warn'));
  env = { H: server.url, A: 'Authorization: Bearer dev-app-key', S: 'Authorization: Bearer dev-admin-key', DATA_DIR: dataDir };
}, 900_000);

afterAll(async () => {
  await server?.close();
  if (root) rmSync(root, { recursive: true, force: true });
  console.log(
    `README shell examples: ${blocks.length} blocks, ${runnable.length} run, ${marked.length} marked not run` +
      marked.map((b) => `\n  line ${b.line}: not run (${b.notRun})`).join(''),
  );
}, 120_000);

describe('README.md shell examples', () => {
  it('every block is runnable as written or marked "not run" with a reason', () => {
    expect(blocks.length).toBeGreaterThan(0);
    expect([...problems, ...blocks.flatMap(blockProblems)]).toEqual([]);
  });

  // In README order: later examples may use what earlier ones wrote, as for a reader.
  it.each(runnable.map((b) => [`line ${b.line}: ${b.code.split('\n')[0]!.slice(0, 70)}`, b] as const))(
    'runs %s',
    async (_name, block) => {
      const run = await runBlock(block.code, { cwd: ROOT, env, timeoutMs: BLOCK_TIMEOUT_MS });
      const what = `README line ${block.line} ${run.timedOut ? `did not finish in ${BLOCK_TIMEOUT_MS / 1000} s` : `exited ${run.code}`}\n--- block\n${block.code}\n--- stderr\n${run.stderr}\n--- stdout (end)\n${run.stdout.slice(-2000)}`;
      // README_EXAMPLES_VERBOSE=1 shows what each block printed, for whoever writes one.
      if (process.env.README_EXAMPLES_VERBOSE) console.log(`README line ${block.line}:\n${run.stdout}${run.stderr}`);
      expect(run.code, what).toBe(0);
    },
    BLOCK_TIMEOUT_MS + 10_000,
  );
});
