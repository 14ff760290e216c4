/**
 * Start-up on a data folder whose store cannot be the one it had (issue 14, item 9): a zero-length,
 * garbage, internally damaged or schema-less store.db, a missing store.db beside index and media
 * files, or an empty store beside them, all refuse to start with a message that says what to do,
 * and change nothing. Before, a zero-length store.db passed for a fresh install and the fixtures
 * were silently loaded over a folder that had held data. A fresh install is only a folder without
 * store.db; a first world load that a crash interrupted is finished on the next start.
 */
import { closeSync, cpSync, existsSync, mkdtempSync, openSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/log.js';
import { startServer } from '../../src/server.js';
import { openSqliteStore } from '../../src/store/sqlite-store.js';
import { generateWorld } from '../../tools/world/generate.js';
import { createFakeEmbedder } from '../helpers/fake-embedder.js';

let root: string;
let template: string;
const world = () => join(root, 'world');
const env = (dataDir: string) => ({ PORT: '0', DATA_DIR: dataDir, WORLD_DIR: world(), API_KEYS: 'admin:admin-key-123,app:app-key-12345' });
const start = (dataDir: string) => startServer(env(dataDir), silentLogger, { embedder: createFakeEmbedder({ dimension: 16 }) });

/** A copy of a data folder that a real start filled with the world (store, index, media). */
function usedDataDir(): string {
  const dir = mkdtempSync(join(root, 'data-'));
  cpSync(template, dir, { recursive: true });
  return dir;
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'data-dir-'));
  await generateWorld({ seed: 5, outDir: world(), products: 30, creators: 3, postsPerCreator: 2, users: 6 });
  template = join(root, 'template');
  const server = await start(template);
  await server.close();
}, 120_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function refusal(dataDir: string): Promise<{ code?: string; message: string }> {
  const failed = await start(dataDir).then(
    async (s) => {
      await s.close();
      return undefined;
    },
    (err: { code?: string; message: string }) => err,
  );
  expect(failed, 'the server started').toBeDefined();
  return failed!;
}

const WHAT_TO_DO = /Nothing was changed\. Restore store\.db from a backup .* move the whole data folder .* away/;

describe('start-up refuses a store.db it cannot trust', () => {
  it('a zero-length store.db beside the index and media of a store that held data', async () => {
    const dir = usedDataDir();
    writeFileSync(join(dir, 'store.db'), '');
    const err = await refusal(dir);
    expect(err.code).toBe('STORE_UNAVAILABLE');
    expect(err.message).toMatch(/store\.db is empty \(0 bytes\)/);
    expect(err.message).toMatch(WHAT_TO_DO);
    expect(statSync(join(dir, 'store.db')).size).toBe(0); // nothing was loaded into it
  });

  it('a zero-length store.db on its own (only a folder without store.db is a fresh install)', async () => {
    const dir = mkdtempSync(join(root, 'data-'));
    writeFileSync(join(dir, 'store.db'), '');
    expect((await refusal(dir)).message).toMatch(/empty \(0 bytes\)/);
  });

  it('a store.db that is not an SQLite file', async () => {
    const dir = usedDataDir();
    writeFileSync(join(dir, 'store.db'), Buffer.alloc(8192, 0x41));
    const err = await refusal(dir);
    expect(err).toMatchObject({ code: 'STORE_UNAVAILABLE' });
    expect(err.message).toMatch(/not an SQLite database/);
  });

  it('a store.db damaged inside (valid header, garbage pages)', async () => {
    const dir = usedDataDir();
    const path = join(dir, 'store.db');
    const size = statSync(path).size;
    const fd = openSync(path, 'r+');
    let s = 99;
    const garbage = Buffer.from(Array.from({ length: size - 4096 }, () => (s = (s * 1103515245 + 12345) >>> 0) >>> 24));
    writeSync(fd, garbage, 0, garbage.length, 4096); // every page after the first
    closeSync(fd);
    const err = await refusal(dir);
    expect(err).toMatchObject({ code: 'STORE_UNAVAILABLE' });
    expect(err.message).toMatch(/damaged/);
    expect(err.message).toMatch(WHAT_TO_DO);
  });

  it('an SQLite file without this service\'s schema', async () => {
    const dir = mkdtempSync(join(root, 'data-'));
    const db = new Database(join(dir, 'store.db'));
    db.exec('CREATE TABLE other (a)');
    db.close();
    expect((await refusal(dir)).message).toMatch(/without this service's schema/);
  });

  it('no store.db, but the index and media of one that held data', async () => {
    const dir = usedDataDir();
    rmSync(join(dir, 'store.db'));
    const err = await refusal(dir);
    expect(err.message).toMatch(/store\.db is missing, but index\/products\.meta\.json \(30 vectors\) and media\/products \(30 images\) and media\/posts \(6 images\) say/);
    expect(existsSync(join(dir, 'store.db'))).toBe(false);
  });

  it('an empty store (schema, no entities) beside the index and media of one that held data', async () => {
    const dir = usedDataDir();
    rmSync(join(dir, 'store.db'));
    openSqliteStore({ path: join(dir, 'store.db') }).closeSync();
    expect((await refusal(dir)).message).toMatch(/holds no products, creators, posts or shoppers, but index\/products\.meta\.json \(30 vectors\)/);
  });
});

describe('fresh installs and the first world load', () => {
  it('loads the world only into a folder without store.db, and finishes a first load a crash interrupted', async () => {
    const dir = mkdtempSync(join(root, 'data-'));
    let server = await start(dir);
    expect((await server.service.store.counts()).products).toBe(30);
    expect(await server.service.store.getMeta('world_load')).toBe('done');
    // As if the first load had been killed: the marker still says "started", a product is missing.
    const id = (await server.service.store.listProducts())[0]!.id;
    await server.service.core.commands.removeProduct(id);
    await server.service.store.setMeta('world_load', 'started');
    await server.close();
    server = await start(dir);
    expect((await server.service.store.getProduct(id))?.id).toBe(id);
    expect(await server.service.store.getMeta('world_load')).toBe('done');
    // A store that exists is never refilled, even with nothing in it.
    await server.service.core.commands.removeProduct(id);
    await server.close();
    server = await start(dir);
    expect(await server.service.store.getProduct(id)).toBeUndefined();
    await server.close();
  });
});

