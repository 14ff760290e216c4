/**
 * Starts the real server (`startServer` from `src/server.ts`: real model in worker threads, SQLite,
 * hnswlib, ingest on an empty DATA_DIR) on a free port with a temporary DATA_DIR and a small
 * generated world, so the browser sees exactly what `npm start` serves. A small world keeps the
 * start-up ingest through the real model short.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../src/log.js';
import { startServer as startRealServer } from '../../src/server.js';
import { generateWorld } from '../../tools/world/generate.js';
import type { Creator, Merchant, Post, Product, User } from '../../tools/world/schema.js';

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
  /** The opaque code a creator is credited under (read from the server's store: codes are random). */
  creatorCode(creatorId: string): Promise<string | undefined>;
  /** Calls the API directly with the admin key (test set-up only). */
  api<T>(method: string, path: string, body?: unknown): Promise<T>;
  stop(): Promise<void>;
}

/** The small world the e2e tests run on: fixed seed, a few creators, enough shoppers for every case. */
export const E2E_WORLD = { seed: 2026, products: 240, creators: 8, postsPerCreator: 4, users: 24 } as const;

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

/**
 * Generates the world, starts the server on it (port 0: any free port) and returns when it listens.
 * `extraUsers` join the world's users.json, so they are demo personas the page can reach.
 */
export async function startServer(options: { extraUsers?: User[] } = {}): Promise<RunningServer> {
  const root = mkdtempSync(join(tmpdir(), 'e2e-demo-'));
  const worldDir = join(root, 'world');
  await generateWorld({ ...E2E_WORLD, outDir: worldDir });
  if (options.extraUsers?.length) {
    const users = JSON.parse(readFileSync(join(worldDir, 'users.json'), 'utf8')) as User[];
    writeFileSync(join(worldDir, 'users.json'), JSON.stringify([...users, ...options.extraUsers]));
  }
  const keys = { admin: `e2e-admin-${randomBytes(6).toString('hex')}`, app: `e2e-app-${randomBytes(6).toString('hex')}` };
  const linkSecret = `e2e-link-secret-${randomBytes(8).toString('hex')}`;
  let running;
  try {
    running = await startRealServer(
      {
        PORT: '0',
        HOST: '127.0.0.1',
        DATA_DIR: join(root, 'data'),
        WORLD_DIR: worldDir,
        MODELS_DIR: process.env.MODELS_DIR,
        MODEL_ID: process.env.MODEL_ID,
        API_KEYS: `admin:${keys.admin},app:${keys.app}`,
        LINK_SECRET: linkSecret,
        DEMO: 'true', // fresh keys would turn the demo off (DEMO=auto)
        DEMO_MERCHANT_REDIRECT: 'true',
      },
      createLogger('warn'),
    );
  } catch (err) {
    rmSync(root, { recursive: true, force: true });
    throw err;
  }
  const server = running;
  const baseUrl = server.url;

  return {
    baseUrl,
    keys,
    linkSecret,
    world: readWorld(worldDir),
    creatorCode: async (id) => (await server.service.store.creatorCodes([id])).get(id),
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
    async stop() {
      await server.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}
