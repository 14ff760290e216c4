/**
 * A tiny in-memory stand-in for the service API, used only to develop the page's look before the
 * real server existed and to preview designs quickly (`npx tsx test/e2e/stub-api.ts`). The e2e
 * tests themselves run against the real server.
 */
import express from 'express';
import { createDemoRouter } from '../../src/http/demo.js';

const KEY = 'stub-app-key-123';
const COLOURS = ['#c0392b', '#2e86de', '#f6b93b', '#78e08f', '#8e44ad', '#e17055', '#1e272e', '#fd79a8'];

function svg(colour: string, shape: 'dress' | 'bag' | 'post', seed: number): string {
  const bg = ['#f1ece4', '#e8eef3', '#f5efe6', '#eef0ea'][seed % 4];
  const body =
    shape === 'post'
      ? `<rect x="20" y="30" width="120" height="150" rx="14" fill="${colour}"/><circle cx="210" cy="80" r="50" fill="${colour}" opacity=".7"/><rect x="160" y="170" width="110" height="90" rx="10" fill="${colour}" opacity=".85"/>`
      : shape === 'dress'
        ? `<path d="M120 40h60l20 60-20 10 40 150H80l40-150-20-10z" fill="${colour}"/>`
        : `<rect x="70" y="110" width="160" height="120" rx="16" fill="${colour}"/><path d="M110 110c0-50 80-50 80 0" stroke="${colour}" stroke-width="12" fill="none"/>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="300" height="300"><rect width="300" height="300" fill="${bg}"/>${body}</svg>`;
}

const creators = [0, 1, 2, 3].map((i) => ({
  id: `c00${i}`,
  handle: ['@coastal.clara', '@street.sam', '@boho.bea', '@prep.pete'][i],
  displayName: ['Clara', 'Sam', 'Bea', 'Pete'][i],
  aesthetics: [['coastal minimal'], ['streetwear'], ['boho'], ['preppy']][i],
  colour: COLOURS[i],
}));
const posts = creators.flatMap((c, ci) => [0, 1, 2, 3, 4].map((j) => ({ id: `${c.id}-p0${j}`, creatorId: c.id, caption: `Weekend look #${j} #${c.aesthetics[0].replace(' ', '')}`, colour: COLOURS[(ci + (j === 4 ? 3 : 0)) % 8] })));
const products = Array.from({ length: 24 }, (_, i) => ({
  id: `p000${String(i).padStart(2, '0')}`,
  title: `${['Linen', 'Cotton', 'Silk', 'Denim'][i % 4]} ${i % 2 ? 'tote bag' : 'midi dress'}`,
  brand: ['Nordlys', 'Kettle & Co', 'Maison Riva', 'Urbano'][i % 4],
  category: i % 2 ? 'bag' : 'dress',
  price: 29 + i * 7,
  currency: 'EUR',
  merchant: ['m-amz', 'm-imp', 'm-rak', 'm-cj'][i % 4],
  network: ['amazon', 'impact', 'rakuten', 'cj'][i % 4],
  imageUrl: `/media/products/p000${String(i).padStart(2, '0')}`,
  colour: COLOURS[i % 4],
}));
const users = [
  { id: 'u0001', displayName: 'Alice', region: 'DE', ageBand: '25-34', follows: ['c000', 'c001', 'c002'] },
  { id: 'u0002', displayName: 'Bob', region: 'US', ageBand: '35-44', follows: [] as string[] },
  { id: 'u0003', displayName: 'Chloé', region: 'FR', ageBand: '13-15', follows: ['c003'] },
];
const consents = new Map<string, Record<string, boolean>>(users.map((u) => [u.id, { personalization: u.id !== 'u0002', clickTracking: true, health: false }]));

function card(p: (typeof products)[number], i: number, inspo: (typeof creators)[number] | null) {
  const { colour, ...product } = p;
  const post = inspo ? posts.find((x) => x.creatorId === inspo.id)! : null;
  return {
    rank: i + 1,
    score: 0.9 - i * 0.03,
    product,
    inspiredBy: inspo && post ? { creatorId: inspo.id, handle: inspo.handle, displayName: inspo.displayName, postId: post.id, postImageUrl: `/media/posts/${post.id}`, caption: post.caption, similarity: 0.86 - i * 0.02 } : null,
    affiliateUrl: `/r/stub-${p.id}`,
    disclosure: `Paid link: we${inspo ? ` and ${inspo.handle}` : ''} may earn a commission.${p.network === 'amazon' ? ' As an Amazon Associate we earn from qualifying purchases.' : ''}`,
  };
}

export function createStubApp(): express.Express {
  const app = express();
  app.use(createDemoRouter({ apiKey: KEY }));
  app.get('/media/:kind/:id', (req, res) => {
    const item = req.params.kind === 'posts' ? posts.find((p) => p.id === req.params.id) : products.find((p) => p.id === req.params.id);
    if (!item) return void res.status(404).end();
    res.type('image/svg+xml').send(svg(item.colour, req.params.kind === 'posts' ? 'post' : (item as { category: string }).category === 'bag' ? 'bag' : 'dress', item.id.length + Number(item.id.slice(-1))));
  });
  app.get('/r/:token', (req, res) => res.redirect(302, `/demo-merchant?target=${encodeURIComponent(`https://www.amazon.de/dp/B00TEST?tag=ourstore-21&ascsubtag=cc_7f3a`)}`));
  app.use('/v1', (req, res, next) => (req.get('authorization') === `Bearer ${KEY}` ? next() : res.status(401).json({ error: { code: 'UNAUTHENTICATED', message: 'An API key is required.' } })));
  app.use(express.json({ limit: '2mb' }));
  app.get('/v1/users', (_req, res) => res.json({ items: users.map(({ follows, ...u }) => u) }));
  app.get('/v1/users/:id', (req, res) => res.json(users.find((u) => u.id === req.params.id)));
  app.get('/v1/creators/:id', (req, res) => {
    const c = creators.find((x) => x.id === req.params.id)!;
    res.json({ ...c, posts: posts.filter((p) => p.creatorId === c.id).map((p) => ({ id: p.id, caption: p.caption, imageUrl: `/media/posts/${p.id}` })) });
  });
  app.get('/v1/users/:id/consents', (req, res) => res.json({ current: consents.get(req.params.id), minor: req.params.id === 'u0003', history: [] }));
  app.put('/v1/users/:id/consents', (req, res) => {
    const c = consents.get(req.params.id)!;
    for (const e of req.body.events) c[e.purpose] = e.granted;
    res.json({ current: c, minor: false, history: [] });
  });
  app.get('/v1/users/:id/recommendations', async (req, res) => {
    await new Promise((r) => setTimeout(r, 300));
    const u = users.find((x) => x.id === req.params.id)!;
    const c = consents.get(u.id)!;
    const personalized = c.personalization && u.follows.length > 0 && u.id !== 'u0003';
    const follows = creators.filter((x) => u.follows.includes(x.id));
    res.json({
      userId: u.id,
      personalized,
      reason: personalized ? null : u.follows.length === 0 ? 'This shopper follows no creators yet, so these are popular picks for everyone.' : 'Personalization is off, so these are popular picks, not based on the creators this shopper follows.',
      consent: { applied: Object.keys(c).filter((k) => c[k]), ...c, minor: u.id === 'u0003' },
      parameters: 'Ranked by visual and textual similarity to recent posts of the creators this shopper follows, weighted by recency (half-life 30 days) and engagement, then re-ranked for variety (diversity 0.3). Items already clicked are left out.',
      diversity: Number(req.query.diversity ?? 0.3),
      items: products.slice(0, 9).map((p, i) => card(p, i, personalized ? follows[i % follows.length] : null)),
    });
  });
  app.post('/v1/search', (req, res) => res.json({ items: products.slice(req.body.image ? 10 : 4, (req.body.image ? 10 : 4) + 6).map((p, i) => { const { inspiredBy, ...rest } = card(p, i, null); return rest; }) }));
  return app;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const port = Number(process.env.PORT ?? 4400);
  createStubApp().listen(port, '127.0.0.1', () => console.log(`stub demo on http://127.0.0.1:${port}/`));
}
