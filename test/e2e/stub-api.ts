/**
 * A tiny in-memory stand-in for the service API over the committed `fixtures/` world, used only to
 * preview the page's design quickly (`npx tsx test/e2e/stub-api.ts`, then open the printed URL).
 * Its "ranking" is a crude aesthetic match; the e2e tests run against the real server instead.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import express from 'express';
import { createDemoRouter } from '../../src/http/demo.js';
import { demoMerchantPath } from '../../src/demo/merchant-page.js';
import type { Creator, Post, Product, User } from '../../tools/world/schema.js';

const KEY = 'stub-app-key-123';

export function createStubApp(worldDir = 'fixtures'): express.Express {
  const read = <T>(f: string): T => JSON.parse(readFileSync(join(worldDir, f), 'utf8')) as T;
  const products = read<Product[]>('products.json');
  const creators = read<Creator[]>('creators.json');
  const posts = read<Post[]>('posts.json');
  const users = read<User[]>('users.json').slice(0, 30);
  users.push({ id: 'u-nobody', displayName: 'Nadia (follows nobody)', region: 'US', ageBand: '25-34', follows: [], consents: [], heldOut: [] });
  const consents = new Map(users.map((u) => [u.id, Object.fromEntries(['personalization', 'clickTracking', 'health'].map((p) => [p, u.consents.some((c) => c.purpose === p && c.granted)]))]));
  const view = (p: Product) => ({ id: p.id, title: p.title, brand: p.brand, category: p.category, price: p.price, currency: p.currency, merchant: p.merchant, network: p.network, imageUrl: `/media/products/${p.id}` });
  const disclosure = (p: Product, c: Creator | null) =>
    `Paid link: we${c ? ` and @${c.handle}` : ''} may earn a commission.${p.network === 'amazon' ? ' As an Amazon Associate we earn from qualifying purchases.' : ''}`;

  const app = express();
  app.use(createDemoRouter({ apiKey: KEY, isDemoPersona: async () => true })); // every stub shopper is a persona
  app.get('/media/:kind/:id', (req, res) => {
    const item = req.params.kind === 'posts' ? posts.find((p) => p.id === req.params.id) : products.find((p) => p.id === req.params.id);
    if (!item) return void res.status(404).end();
    res.sendFile(item.image, { root: worldDir });
  });
  app.get('/r/:token', (req, res) => {
    const p = products.find((x) => x.id === req.params.token)!;
    res.redirect(302, demoMerchantPath(`${p.url}?tag=stub-20&subId1=cc_7f3a`));
  });
  app.use('/v1', (req, res, next) => (req.get('authorization') === `Bearer ${KEY}` ? next() : res.status(401).json({ error: { code: 'UNAUTHENTICATED', message: 'An API key is required.' } })));
  app.use(express.json({ limit: '2mb' }));
  app.get('/v1/users', (_req, res) => res.json({ items: users.map(({ id, displayName, region, ageBand }) => ({ id, displayName, region, ageBand, demo: true })) }));
  app.get('/v1/users/:id', (req, res) => res.json(users.find((u) => u.id === req.params.id)));
  app.get('/v1/creators/:id', (req, res) => {
    const c = creators.find((x) => x.id === req.params.id)!;
    res.json({ ...c, posts: posts.filter((p) => p.creatorId === c.id).map((p) => ({ id: p.id, caption: p.caption, imageUrl: `/media/posts/${p.id}` })) });
  });
  app.get('/v1/users/:id/consents', (req, res) => res.json({ current: consents.get(req.params.id), minor: false, history: [] }));
  app.put('/v1/users/:id/consents', (req, res) => {
    const c = consents.get(req.params.id)!;
    for (const e of req.body.events) c[e.purpose] = e.granted;
    res.json({ current: c, minor: false, history: [] });
  });
  app.get('/v1/users/:id/recommendations', async (req, res) => {
    await new Promise((r) => setTimeout(r, 200));
    const u = users.find((x) => x.id === req.params.id)!;
    const c = consents.get(u.id)!;
    const follows = creators.filter((x) => u.follows.includes(x.id));
    const personalized = c.personalization && follows.length > 0;
    const items = personalized
      ? follows.flatMap((cr) => {
          const post = posts.find((p) => p.creatorId === cr.id)!;
          return products
            .filter((p) => p.attributes && cr.aesthetics.includes(p.attributes.aesthetic) && !p.sensitive)
            .slice(0, 4)
            .map((p, i) => ({ p, inspiredBy: { creatorId: cr.id, handle: `@${cr.handle}`, displayName: cr.displayName, postId: post.id, postImageUrl: `/media/posts/${post.id}`, caption: post.caption, similarity: 0.82 - i * 0.04 }, cr }));
        })
      : products.filter((p) => !p.sensitive).slice(0, 12).map((p) => ({ p, inspiredBy: null, cr: null }));
    res.json({
      userId: u.id,
      personalized,
      reason: personalized ? null : follows.length === 0 ? 'This shopper follows no creators yet, so these are popular picks for everyone.' : 'Personalization is off, so these are popular picks, not based on the creators this shopper follows.',
      consent: { applied: Object.keys(c).filter((k) => c[k]), ...c, minor: false },
      parameters: 'Ranked by visual and textual similarity to recent posts of the creators this shopper follows, weighted by recency (half-life 30 days) and engagement, then re-ranked for variety. Items already clicked are left out.',
      diversity: Number(req.query.diversity ?? 0.3),
      items: items.slice(0, 12).map(({ p, inspiredBy, cr }, i) => ({ rank: i + 1, score: 0.9 - i * 0.03, product: view(p), inspiredBy, affiliateUrl: `/r/${p.id}`, disclosure: disclosure(p, cr) })),
    });
  });
  app.post('/v1/search', (req, res) => {
    const start = req.body.image ? 40 : 80;
    res.json({ items: products.slice(start, start + 8).map((p, i) => ({ rank: i + 1, score: 0.8 - i * 0.02, product: view(p), affiliateUrl: `/r/${p.id}`, disclosure: disclosure(p, null) })) });
  });
  return app;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const port = Number(process.env.PORT ?? 4400);
  createStubApp(process.argv[2]).listen(port, '127.0.0.1', () => console.log(`stub demo on http://127.0.0.1:${port}/`));
}
