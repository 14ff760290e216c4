/**
 * Stored script, tried in a real browser (Debian chromium via playwright-core) against the real
 * server (`startServer`, with the fake embedder: this is about what the browser is handed, not
 * about the model): an SVG-with-script data: URL is refused wherever it is sent, and what /media
 * serves cannot run script in the service's origin even when the file on disk is hostile (a
 * folder from before re-encoding). The demo page itself runs under its CSP with no violation.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { mediaFileName } from '../../src/store/media-files.js';
import { createFakeEmbedder, fakePng } from '../helpers/fake-embedder.js';
import { TEST_MERCHANT } from '../helpers/service.js';
import { launchBrowser, type LaunchedBrowser } from './browser.js';

const KEYS = { admin: 'e2e-media-admin-key', app: 'e2e-media-app-key' };
const MARKER = '/pwned';
/** The payload: if it ever runs, it calls MARKER, raises a dialog and renames the document. */
const SCRIPT = `fetch('${MARKER}');alert(1);document.title='pwned'`;
const SVG = `<svg xmlns="http://www.w3.org/2000/svg" onload="${SCRIPT}"><script>${SCRIPT}</script><rect width="9" height="9"/></svg>`;
const SVG_DATA_URL = `data:text/html;base64,${Buffer.from(SVG).toString('base64')}`;

let root: string;
let server: RunningServer;
let browser: LaunchedBrowser;
const ran: string[] = [];

async function watched(): Promise<Page> {
  const page = await browser.context.newPage();
  page.on('request', (r) => void (r.url().includes(MARKER) && ran.push(`request ${r.url()}`)));
  page.on('dialog', (d) => void (ran.push(`dialog ${d.message()}`), d.dismiss()));
  return page;
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'e2e-media-'));
  const world = join(root, 'world');
  mkdirSync(join(world, 'images'), { recursive: true });
  writeFileSync(join(world, 'images', 'p1.png'), fakePng('p1'));
  writeFileSync(join(world, 'merchants.json'), JSON.stringify([TEST_MERCHANT]));
  writeFileSync(join(world, 'creators.json'), JSON.stringify([{ id: 'c1', handle: '@c1', displayName: 'C1', optIns: { styleSource: true, affiliate: true } }]));
  writeFileSync(join(world, 'posts.json'), '[]');
  writeFileSync(join(world, 'products.json'), JSON.stringify([
    { id: 'p1', title: 'Red dress', description: 'red', brand: 'B', category: 'dress', price: 10, currency: 'EUR', merchant: TEST_MERCHANT.id, url: 'https://shop.example/p1', network: 'utm', image: 'images/p1.png' },
  ]));
  writeFileSync(join(world, 'users.json'), JSON.stringify([{ id: 'u1', displayName: 'Demo', region: 'DE', ageBand: '25-34', follows: ['c1'], consents: [] }]));
  server = await startServer(
    { PORT: '0', HOST: '127.0.0.1', DATA_DIR: join(root, 'data'), WORLD_DIR: world, API_KEYS: `admin:${KEYS.admin},app:${KEYS.app}`, DEMO: 'true' },
    createLogger('warn'),
    { embedder: createFakeEmbedder({ dimension: 16 }) },
  );
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('stored script through /media, in Chromium', () => {
  it('an SVG-with-script data: URL is refused as a product image and as a search image', async () => {
    const put = await fetch(`${server.url}/v1/products`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${KEYS.admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ items: [{ id: 'evil', title: 'x', description: '', brand: 'x', category: 'dress', price: 1, currency: 'EUR', merchant: TEST_MERCHANT.id, url: 'https://shop.example/e', network: 'utm', image: SVG_DATA_URL }] }),
    });
    expect(put.status).toBe(422);
    expect((await put.json()).results[0].error.code).toBe('IMAGE_UNREADABLE');

    const page = await watched();
    await page.goto(`${server.url}/`);
    // The page's own proxy, from the page's origin, as the shop-the-look upload would send it.
    const search = await page.evaluate(async (image) => {
      const res = await fetch('/demo-api/v1/search', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ image }) });
      return { status: res.status, code: (await res.json()).error?.code };
    }, SVG_DATA_URL);
    expect(search).toEqual({ status: 400, code: 'IMAGE_UNREADABLE' });
    const media = await page.goto(`${server.url}/media/products/evil`);
    expect(media?.status()).toBe(404);
    await page.close();
    expect(ran).toEqual([]);
  });

  it('a hostile file on disk (an image header followed by HTML and script) is shown as an image, never run', async () => {
    const file = join(server.config.DATA_DIR, 'media', 'products', mediaFileName('product', 'p1'));
    writeFileSync(file, Buffer.concat([fakePng('p1'), Buffer.from(`<html><body><script>${SCRIPT}</script><img src=x onerror="${SCRIPT}"></body></html>`)]));
    const page = await watched();
    const res = await page.goto(`${server.url}/media/products/p1`);
    expect(res?.status()).toBe(200);
    expect(res?.headers()['content-type']).toBe('image/png');
    expect(res?.headers()['x-content-type-options']).toBe('nosniff');
    expect(res?.headers()['content-security-policy']).toMatch(/default-src 'none'.*sandbox/);
    expect(await page.evaluate(() => document.contentType)).toBe('image/png');
    await page.waitForTimeout(300); // give a script that should not exist the chance to run
    expect(await page.title()).not.toBe('pwned');
    await page.close();
    expect(ran).toEqual([]);
  });

  it('a file on disk that is not an image at all (HTML, an SVG) is not served', async () => {
    const file = join(server.config.DATA_DIR, 'media', 'products', mediaFileName('product', 'p1'));
    for (const hostile of [SVG, `<html><script>${SCRIPT}</script></html>`]) {
      writeFileSync(file, hostile);
      const page = await watched();
      // A fresh URL: the browser may still hold the earlier answer for max-age (the query is ignored by the route).
      expect((await page.goto(`${server.url}/media/products/p1?fresh=${hostile.length}`))?.status()).toBe(404);
      await page.close();
    }
    writeFileSync(file, fakePng('p1')); // as it was
    expect(ran).toEqual([]);
  });

  it('the demo page runs under its own CSP without a violation, and shows /media images', async () => {
    const page = await watched();
    const violations: string[] = [];
    page.on('console', (m) => void (/Content Security Policy|Refused to/i.test(m.text()) && violations.push(m.text())));
    const res = await page.goto(`${server.url}/?user=u1`);
    expect(res?.headers()['content-security-policy']).toMatch(/script-src 'self'/);
    await page.waitForSelector('#shopper:not([disabled])');
    const loaded = await page.evaluate(async () => {
      const img = new Image();
      img.src = '/media/products/p1';
      await img.decode();
      return img.naturalWidth;
    });
    expect(loaded).toBe(4);
    expect(violations).toEqual([]);
    await page.close();
    expect(ran).toEqual([]);
  });
});
