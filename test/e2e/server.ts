/**
 * Starts the real server (`src/server.ts`, real model) as a child process on a free port, with a
 * temporary DATA_DIR and a small generated world, so the browser tests see exactly what `npm start`
 * serves. A small world keeps start-up (ingest through the real model) to well under a minute.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateWorld } from '../../src/world/generate.js';
import type { Creator, Merchant, Post, Product, User } from '../../src/world/schema.js';

export interface World {
  dir: string;
  products: Product[];
  creators: Creator[];
  posts: Post[];
  users: User[];
  merchants: Merchant[];
}

export interface RunningServer {
  baseUrl: string;
  /** The keys and secret the server was started with: known to the test, never to the page. */
  keys: { admin: string; app: string };
  linkSecret: string;
  world: World;
  /** Everything the server printed, for failure messages. */
  output(): string;
  /** Calls the API directly with the admin key (test set-up and expectations only). */
  api<T>(method: string, path: string, body?: unknown): Promise<T>;
  stop(): Promise<void>;
}

/** The small world the e2e tests run on: fixed seed, a few creators, enough users for every case. */
export const E2E_WORLD = { seed: 2026, products: 240, creators: 8, postsPerCreator: 4, users: 24 } as const;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

function readWorld(dir: string): World {
  const read = <T>(f: string): T => JSON.parse(readFileSync(join(dir, f), 'utf8')) as T;
  return {
    dir,
    products: read('products.json'),
    creators: read('creators.json'),
    posts: read('posts.json'),
    users: read('users.json'),
    merchants: read('merchants.json'),
  };
}

async function waitForHealth(baseUrl: string, child: ChildProcess, output: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode} before it was ready:\n${output()}`);
    try {
      const res = await fetch(`${baseUrl}/health`);
      if (res.ok) {
        const health = (await res.json()) as { counts?: { users?: number; products?: number } };
        if ((health.counts?.users ?? 0) > 0 && (health.counts?.products ?? 0) > 0) return;
      }
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`server not ready after ${timeoutMs} ms:\n${output()}`);
}

/** Generates the world, starts the server on it and waits until it serves the world's shoppers. */
export async function startServer(opts: { readyTimeoutMs?: number } = {}): Promise<RunningServer> {
  const root = mkdtempSync(join(tmpdir(), 'e2e-demo-'));
  const worldDir = join(root, 'world');
  await generateWorld({ ...E2E_WORLD, outDir: worldDir, concurrency: 2 });
  const port = await freePort();
  const keys = { admin: `e2e-admin-${randomBytes(6).toString('hex')}`, app: `e2e-app-${randomBytes(6).toString('hex')}` };
  const linkSecret = `e2e-link-secret-${randomBytes(8).toString('hex')}`;
  const baseUrl = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: join(root, 'data'),
      WORLD_DIR: worldDir,
      API_KEYS: `admin:${keys.admin},app:${keys.app}`,
      LINK_SECRET: linkSecret,
      PUBLIC_BASE_URL: baseUrl,
      DEMO_MERCHANT_REDIRECT: 'true',
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  const append = (chunk: Buffer) => {
    log += chunk.toString();
    if (log.length > 200_000) log = log.slice(-100_000);
  };
  child.stdout!.on('data', append);
  child.stderr!.on('data', append);
  const output = () => log.slice(-8_000);

  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    rmSync(root, { recursive: true, force: true });
  };

  try {
    await waitForHealth(baseUrl, child, output, opts.readyTimeoutMs ?? 540_000);
  } catch (err) {
    await stop();
    throw err;
  }

  return {
    baseUrl,
    keys,
    linkSecret,
    world: readWorld(worldDir),
    output,
    async api<T>(method: string, path: string, body?: unknown): Promise<T> {
      const res = await fetch(`${baseUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${keys.admin}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      if (!res.ok) throw new Error(`${method} ${path} → ${res.status}: ${text}`);
      return (text ? JSON.parse(text) : undefined) as T;
    },
    stop,
  };
}
