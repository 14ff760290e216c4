/**
 * The stakeholder demo in a real browser (Debian chromium via playwright-core) against the real
 * server and model: shopper picker, creator-inspired grid with disclosures, consent withdrawal,
 * text and image search, a buy click through `/r/:token` to the local merchant page, and the API
 * key kept out of everything the browser receives. Screenshots go to test-results/screenshots/.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTagger, isCreditable } from '../../src/affiliate/tagger.js';
import { launchBrowser, type LaunchedBrowser } from './browser.js';
import { startServer, type RunningServer } from './server.js';
import type { User } from '../../tools/world/schema.js';

const SHOTS = join('test-results', 'screenshots');
const MINOR_BANDS = new Set(['under13', '13-15', '16-17']);
// A demo persona of the world (only those are reachable through the demo page), following nobody.
const NOBODY: User = { id: 'e2e-nobody', displayName: 'Nadia (follows nobody)', region: 'US', ageBand: '25-34', follows: [], consents: [], heldOut: [] };

let server: RunningServer;
let browser: LaunchedBrowser;
let page: Page;
let shopper: User;
const pageErrors: string[] = [];

async function shot(name: string, width: number): Promise<void> {
  await page.setViewportSize({ width, height: 900 });
  // Sticky header and sidebar would be painted mid-page in a full-page shot taken scrolled down.
  // A smooth scroll still running (shop the look scrolls to its results) would win over a plain scrollTo.
  await page.evaluate(() => window.scrollTo({ top: 0, behavior: 'instant' }));
  await page.waitForTimeout(300); // let the layout settle after the resize
  await page.evaluate(() => window.scrollTo({ top: 0, behavior: 'instant' }));
  await page.waitForFunction(() => [...document.images].every((img) => img.complete));
  await page.screenshot({ path: join(SHOTS, `${name}-${width}.png`), fullPage: true });
}

/** The adult shopper following the most creators who opted in to both style use and affiliate credit. */
function pickShopper(s: RunningServer): User {
  const creditable = new Set(s.world.creators.filter((c) => c.optIns.styleSource && c.optIns.affiliate).map((c) => c.id));
  const adults = s.world.users.filter((u) => !MINOR_BANDS.has(u.ageBand) && u.follows.length > 0);
  const score = (u: User) => u.follows.filter((id) => creditable.has(id)).length;
  const best = [...adults].sort((a, b) => score(b) - score(a) || a.id.localeCompare(b.id))[0];
  if (!best || score(best) === 0) throw new Error('the e2e world has no adult shopper following an opted-in creator');
  return best;
}

async function choose(userId: string): Promise<void> {
  await page.selectOption('#shopper', userId);
  await page.waitForFunction((id) => new URL(location.href).searchParams.get('user') === id, userId);
}

/** Waits until the grid has settled: not loading, and either cards, an empty state or an error. */
async function gridSettled(): Promise<void> {
  await page.waitForFunction(() => {
    const grid = document.getElementById('rec-grid');
    if (!grid || grid.hasAttribute('aria-busy')) return false;
    return !!document.querySelector('[data-testid=rec-card], [data-testid=rec-empty], [data-testid=rec-error]');
  });
  const error = await page.locator('[data-testid=rec-error]').count();
  if (error) throw new Error(`recommendations failed in the page: ${await page.locator('[data-testid=rec-error]').innerText()}`);
}

async function setConsent(purpose: string, on: boolean): Promise<void> {
  const toggle = page.locator(`#consent-${purpose}`);
  await expect.poll(() => toggle.isEnabled()).toBe(true);
  if ((await toggle.isChecked()) !== on) {
    // By keyboard, as a keyboard-only user would: focus the labelled switch, press Space.
    await toggle.focus();
    await page.keyboard.press('Space');
    await expect.poll(() => toggle.isChecked()).toBe(on);
    await expect.poll(() => toggle.isEnabled()).toBe(true);
  }
  await gridSettled();
}

/** Waits for the search whose summary names `label` to finish, failing on a search error. */
async function searchDone(label: string): Promise<void> {
  await page.waitForFunction(
    (text) => {
      if (document.querySelector('[data-testid=search-error]')) return true;
      const summary = document.querySelector('[data-testid=search-summary], [data-testid=search-empty]');
      return !!summary && summary.textContent!.includes(text) && !document.getElementById('search-results')!.hasAttribute('aria-busy');
    },
    label,
  );
  const error = page.locator('[data-testid=search-error]');
  if (await error.count()) throw new Error(`search failed in the page: ${await error.innerText()}`);
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  server = await startServer({ extraUsers: [NOBODY] });
  shopper = pickShopper(server);
  browser = await launchBrowser();
  page = await browser.context.newPage();
  page.on('pageerror', (err) => pageErrors.push(err.message));
  await page.setViewportSize({ width: 1280, height: 900 });
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('demo page in a real browser', () => {
  it('shows the picked shopper, the creators they follow and a grid of creator-inspired picks with disclosures', async () => {
    await page.goto(server.baseUrl);
    await page.waitForSelector('#shopper:not([disabled])');
    await choose(shopper.id);
    await expect.poll(() => page.locator('[data-testid=shopper-region]').innerText()).toContain(shopper.region);
    await expect.poll(() => page.locator('[data-testid=shopper-age]').innerText()).toContain(shopper.ageBand);
    await setConsent('personalization', true);
    await page.waitForSelector('[data-testid=personalized-note]');

    const followed = await page.locator('[data-testid=followed-creator]').evaluateAll((els) => els.map((e) => e.getAttribute('data-creator-id')));
    expect(new Set(followed)).toEqual(new Set(shopper.follows));

    const cards = page.locator('[data-testid=rec-card]');
    expect(await cards.count()).toBeGreaterThan(0);
    for (const card of await cards.all()) {
      const creatorId = await card.locator('[data-testid=inspired-by]').getAttribute('data-creator-id');
      expect(shopper.follows).toContain(creatorId);
      const disclosure = card.locator('[data-testid=disclosure]');
      expect(await disclosure.isVisible()).toBe(true);
      expect(await disclosure.innerText()).toMatch(/^Paid link/);
      // The post and the product sit side by side, both actually loaded.
      for (const img of await card.locator('.pic-post img, .pic-product img').all()) {
        await expect.poll(() => img.evaluate((el) => (el as HTMLImageElement).complete && (el as HTMLImageElement).naturalWidth > 0)).toBe(true);
      }
      expect(await card.locator('.pic-post img').count()).toBe(1);
      expect(await card.locator('[data-testid=buy]').getAttribute('href')).toMatch(/^\/r\/[^/]+$/);
    }
    expect((await page.locator('[data-testid=parameters]').innerText()).length).toBeGreaterThan(20);

    // Accessibility basics: every image has alt text, every control a label.
    const missingAlt = await page.locator('img').evaluateAll((els) => els.filter((e) => !e.getAttribute('alt')?.trim()).length);
    expect(missingAlt).toBe(0);
    const unlabelled = await page
      .locator('input, select, button')
      .evaluateAll((els) => els.filter((e) => !((e as HTMLInputElement).labels?.length || e.getAttribute('aria-label') || e.textContent?.trim())).map((e) => e.outerHTML));
    expect(unlabelled).toEqual([]);

    await shot('recommendations', 1280);
    await shot('recommendations', 390);
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('sends a buy click through /r/:token to the merchant page with the expected affiliate parameters', async () => {
    // Prefer a pick whose network carries a creator sub-id (Amazon links carry none) and whose
    // creator opted in to credit, so the merchant page has a creator code to show.
    const picks = await page.locator('[data-testid=rec-card]').evaluateAll((els) =>
      els.map((e) => ({ productId: e.getAttribute('data-product-id')!, creatorId: e.querySelector('[data-testid=inspired-by]')!.getAttribute('data-creator-id')! })),
    );
    const resolve = (p: { productId: string; creatorId: string }) => ({
      product: server.world.products.find((x) => x.id === p.productId)!,
      creator: server.world.creators.find((x) => x.id === p.creatorId)!,
    });
    const chosen = picks.map(resolve).find((p) => p.product.network !== 'amazon' && isCreditable(p.creator)) ?? resolve(picks[0]!);
    const { product, creator } = chosen;
    const card = page.locator(`[data-testid=rec-card][data-product-id="${product.id}"]`);
    const tagger = createTagger({ merchants: server.world.merchants, keys: [{ kid: 'k0', secret: server.linkSecret }], tokenTtlSeconds: 3600 });
    const code = isCreditable(creator) ? ((await server.creatorCode(creator.id)) ?? null) : null;
    const expected = tagger.outbound(product, code).url;

    await card.locator('[data-testid=buy]').click();
    await page.waitForURL(/\/demo-merchant\?target=/);
    expect(await page.locator('[data-testid=merchant-url]').innerText()).toBe(expected);
    const shown = await page.locator('[data-testid=param-value]').allInnerTexts();
    expect(shown).toEqual([...new URL(expected).searchParams.values()]);
    if (code && product.network !== 'amazon') expect(shown).toContain(code);
    await shot('merchant', 1280);
    await shot('merchant', 390);
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('withdrawing personalization shows the non-profiled list with its reason at once', async () => {
    await page.goto(`${server.baseUrl}/?user=${encodeURIComponent(shopper.id)}`);
    await gridSettled();
    await setConsent('personalization', false);
    const notice = page.locator('[data-testid=non-profiled-notice]');
    await notice.waitFor();
    expect((await notice.innerText()).trim().length).toBeGreaterThan(10);
    expect(await page.locator('[data-testid=rec-card]').count()).toBeGreaterThan(0);
    expect(await page.locator('[data-testid=inspired-by]').count()).toBe(0);
    await shot('non-profiled', 1280);
    // Put it back so the shopper is left as found.
    await setConsent('personalization', true);
    await page.waitForSelector('[data-testid=personalized-note]');
  });

  it('runs a text search, and explains an empty one instead of sending it', async () => {
    await page.fill('#search-text', '   ');
    await page.press('#search-text', 'Enter');
    expect(await page.locator('[data-testid=search-error]').innerText()).toContain('Type what you are looking for');

    const target = server.world.products.find((p) => !p.sensitive && p.attributes)!;
    const query = `${target.attributes!.colour} ${target.attributes!.category}`;
    await page.fill('#search-text', query);
    await page.press('#search-text', 'Enter');
    await searchDone(query);
    const ids = await page.locator('[data-testid=search-card]').evaluateAll((els) => els.map((e) => e.getAttribute('data-product-id')));
    expect(ids.length).toBeGreaterThan(0);
    const categories = ids.map((id) => server.world.products.find((p) => p.id === id)?.category);
    expect(categories).toContain(target.category);
    expect(await page.locator('[data-testid=search-card] [data-testid=disclosure]').first().innerText()).toMatch(/^Paid link/);
  });

  it('runs an image search from an uploaded photo and from a followed creator\'s post', async () => {
    const target = server.world.products.find((p) => !p.sensitive)!;
    await page.setInputFiles('#search-file', join(server.world.dir, target.image));
    await searchDone('your photo');
    const ids = await page.locator('[data-testid=search-card]').evaluateAll((els) => els.map((e) => e.getAttribute('data-product-id')));
    // The photo of a catalog product finds that product.
    expect(ids).toContain(target.id);

    await page.locator('.post-thumb').first().click();
    await page.waitForSelector('#search-preview:not([hidden])');
    await searchDone('post');
    expect(await page.locator('[data-testid=search-card]').count()).toBeGreaterThan(0);
    await shot('shop-the-look', 1280);
  });

  it('steers shop the look with "more like this" and "less like this"', async () => {
    await page.goto(`${server.baseUrl}/?user=${encodeURIComponent(shopper.id)}`);
    await gridSettled();
    const sent: unknown[] = [];
    page.on('request', (req) => {
      if (req.url().endsWith('/demo-api/v1/search')) sent.push(req.postDataJSON());
    });
    const searchIds = () => page.locator('[data-testid=search-card]').evaluateAll((els) => els.map((e) => e.getAttribute('data-product-id')!));

    const liked = (await page.locator('[data-testid=rec-card]').first().getAttribute('data-product-id'))!;
    await page.locator(`[data-testid=rec-card][data-product-id="${liked}"] [data-testid=more-like]`).click();
    await searchDone('1 more like');
    const first = await searchIds();
    expect(first.length).toBeGreaterThan(0);
    expect(first).not.toContain(liked); // an example never comes back as a result

    const disliked = first[0]!;
    await page.locator(`[data-testid=search-card][data-product-id="${disliked}"] [data-testid=less-like]`).click();
    await searchDone('1 less like');
    const second = await searchIds();
    expect(second.length).toBeGreaterThan(0);
    expect(second).not.toContain(disliked);
    expect(second).not.toContain(liked);
    expect(sent.at(-1)).toMatchObject({ positive: [{ productId: liked }], negative: [{ productId: disliked }] });
    expect(await page.locator('[data-testid=steer-more]').count()).toBe(1);
    expect(await page.locator('[data-testid=steer-less]').count()).toBe(1);
    await shot('steering', 1280);
    await page.setViewportSize({ width: 1280, height: 900 });

    await page.locator('[data-testid=steer-clear]').click();
    await expect.poll(() => page.locator('#search-steer').isHidden()).toBe(true);
  });

  it('shows an empty state for a shopper who follows nobody', async () => {
    await page.goto(server.baseUrl);
    await page.waitForSelector('#shopper:not([disabled])');
    await choose(NOBODY.id);
    await page.locator('[data-testid=following-empty]').waitFor();
    await gridSettled();
    expect(await page.locator('[data-testid=inspired-by]').count()).toBe(0);
    await shot('follows-nobody', 390);
  });

  it('never sends the API key to the browser, and the proxy forwards only the page\'s routes', async () => {
    const pending: Array<Promise<string>> = [];
    const fresh = await browser.context.newPage();
    fresh.on('response', (res) => {
      if (res.url().startsWith(server.baseUrl) && !/\/media\//.test(res.url())) pending.push(res.text().catch(() => ''));
    });
    await fresh.goto(`${server.baseUrl}/?user=${encodeURIComponent(shopper.id)}`);
    await fresh.waitForSelector('[data-testid=rec-card]');
    const bodies = [...(await Promise.all(pending)), await fresh.content()];
    await fresh.close();
    const scripts = bodies.filter((b) => b.includes('/demo-api'));
    expect(scripts.length).toBeGreaterThan(0); // the page's JS was among what we checked
    for (const body of bodies) {
      expect(body).not.toContain(server.keys.app);
      expect(body).not.toContain(server.keys.admin);
      expect(body).not.toContain(server.linkSecret);
    }
    // Admin routes are not reachable through the key-adding proxy.
    const report = await fetch(`${server.baseUrl}/demo-api/v1/reports/clicks?groupBy=creator`);
    expect(report.status).toBe(404);
    const erase = await fetch(`${server.baseUrl}/demo-api/v1/users/${encodeURIComponent(shopper.id)}`, { method: 'DELETE' });
    expect(erase.status).toBe(404);
    expect(pageErrors).toEqual([]);
  });
});
