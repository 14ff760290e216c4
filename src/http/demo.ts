/**
 * The stakeholder demo, mounted by the app at `/` when the demo is on (`DEMO`, src/config.ts):
 * - `GET /` and `/demo/*`: the page (HTML + CSS from `src/demo/web`, JS compiled to `dist/demo`
 *   by `npm run build:demo`);
 * - `/demo-api/*`: a server-side proxy to this same server's API that adds the demo's API key, so
 *   the key never appears in page source or JS;
 * - `GET /demo-merchant?target=<url>`: a local merchant page that shows a final tagged URL and its
 *   affiliate parameters (see `src/demo/merchant-page.ts`; `/r/:token` lands there in demo mode).
 *
 * The proxy is a keyed door into the API, so it is narrow on purpose:
 * - it forwards only the exact routes in `DEMO_ROUTES`, matched on the raw request target split
 *   into segments: every segment must be non-empty and made of id characters only, so a `#`, `\`,
 *   `%2f`, `..`, `//` or anything else that is not exactly a table route is a 404 (a URL parser
 *   downstream can never turn it into another route);
 * - every shopper it reaches must be a demo persona (a shopper loaded from the world folder,
 *   `Shopper.demo`), and the shopper list it returns holds only those: real shoppers stay unknown;
 * - consent events it writes are recorded with source `demo`, whatever the page sent.
 *
 * @example
 * app.use(createDemoRouter({ apiKey, isDemoPersona: async (id) => (await core.getShopper(id)).demo }));
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { renderMerchantPage } from '../demo/merchant-page.js';
import { ID_PATTERN } from '../domain/ids.js';
import { AppError } from '../errors.js';
import { asPage } from './security-headers.js';

export interface DemoRouterOptions {
  /** An `app`-scoped key the proxy sends on the page's behalf. Never sent to the browser. */
  apiKey: string;
  /** Whether a shopper id belongs to a demo persona; false for unknown ids. */
  isDemoPersona(id: string): Promise<boolean>;
  /** Largest body the proxy accepts (the shop-the-look image upload); default 2 MiB. */
  bodyLimit?: number;
  /** Overrides for tests: where the page's static files and its compiled JS live. */
  webDir?: string;
  buildDir?: string;
}

const WEB_DIR = fileURLToPath(new URL('../demo/web/', import.meta.url));
const BUILD_DIR = fileURLToPath(new URL('../../dist/demo/', import.meta.url));

/** The consent `source` of every event written through the demo. */
export const DEMO_CONSENT_SOURCE = 'demo';

/**
 * The API routes the page calls, and nothing else. `:shopper` segments must name a demo persona;
 * `:id` segments any id.
 */
export const DEMO_ROUTES: ReadonlyArray<{ method: string; path: string }> = [
  { method: 'GET', path: '/v1/users' },
  { method: 'GET', path: '/v1/users/:shopper' },
  { method: 'GET', path: '/v1/users/:shopper/recommendations' },
  { method: 'GET', path: '/v1/users/:shopper/consents' },
  { method: 'PUT', path: '/v1/users/:shopper/consents' },
  { method: 'GET', path: '/v1/creators/:id' },
  { method: 'POST', path: '/v1/search' },
];

export interface DemoMatch {
  route: (typeof DEMO_ROUTES)[number];
  /** The path to forward, rebuilt from the checked segments. */
  path: string;
  /** The shopper the route is about, if any. */
  shopper?: string;
}

const SEGMENT = /^[A-Za-z0-9._~-]+$/;

/**
 * The table route `method rawPath` is, or null. `rawPath` is the request target's path exactly as
 * received (no decoding, no normalising): anything but plain segments of id characters fails.
 */
export function matchDemoRoute(method: string, rawPath: string): DemoMatch | null {
  if (!rawPath.startsWith('/')) return null;
  const segments = rawPath.slice(1).split('/');
  if (!segments.every((s) => SEGMENT.test(s))) return null;
  for (const route of DEMO_ROUTES) {
    if (route.method !== method) continue;
    const pattern = route.path.slice(1).split('/');
    if (pattern.length !== segments.length) continue;
    let shopper: string | undefined;
    const ok = pattern.every((p, i) => {
      const s = segments[i]!;
      if (!p.startsWith(':')) return p === s;
      if (!ID_PATTERN.test(s)) return false;
      if (p === ':shopper') shopper = s;
      return true;
    });
    if (ok) return { route, path: `/${segments.join('/')}`, shopper };
  }
  return null;
}

/** This server's own address as seen on the incoming connection (works for any bound interface). */
function selfOrigin(req: Request): string {
  const address = req.socket.localAddress ?? '127.0.0.1';
  const host = address.includes(':') && !address.startsWith('::ffff:') ? `[${address}]` : address.replace(/^::ffff:/, '');
  return `http://${host}:${req.socket.localPort}`;
}

/** The body to forward: consent events get source "demo"; anything else goes as it came. */
function forwardedBody(req: Request, match: DemoMatch): Uint8Array<ArrayBuffer> | string | undefined {
  if (req.method === 'GET') return undefined;
  const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.from(JSON.stringify(req.body ?? {}));
  if (!match.route.path.endsWith('/consents')) return new Uint8Array(raw);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString('utf8'));
  } catch {
    return new Uint8Array(raw); // the API answers malformed JSON with its own 400
  }
  const events = (parsed as { events?: unknown } | null)?.events;
  if (!Array.isArray(events)) return new Uint8Array(raw);
  const stamped = events.map((e) => (e !== null && typeof e === 'object' && !Array.isArray(e) ? { ...e, source: DEMO_CONSENT_SOURCE } : e));
  return JSON.stringify({ ...(parsed as object), events: stamped });
}

function proxy(options: DemoRouterOptions) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    // The raw target as the client sent it; Express has only stripped the "/demo-api" mount.
    const queryAt = req.url.indexOf('?');
    const rawPath = queryAt < 0 ? req.url : req.url.slice(0, queryAt);
    const match = matchDemoRoute(req.method, rawPath);
    const refuse = () => next(new AppError('NOT_FOUND', 'The demo proxy only serves the routes the demo page uses, for its demo shoppers.'));
    if (!match) return refuse();
    if (match.shopper !== undefined && !(await options.isDemoPersona(match.shopper))) return refuse();
    // Re-encoded by URLSearchParams, so nothing in the query can reach the path.
    const query = queryAt < 0 ? '' : new URLSearchParams(req.url.slice(queryAt + 1)).toString();
    let upstream: globalThis.Response;
    try {
      upstream = await fetch(`${selfOrigin(req)}${match.path}${query ? `?${query}` : ''}`, {
        method: req.method,
        headers: {
          authorization: `Bearer ${options.apiKey}`,
          accept: 'application/json',
          // Pass the page's content type through, so the API's own 415 check still applies.
          'content-type': req.get('content-type') ?? 'application/json',
        },
        body: forwardedBody(req, match),
        redirect: 'manual',
      });
    } catch (cause) {
      return next(new AppError('INTERNAL', 'The demo proxy could not reach the API on this server.', undefined, { cause }));
    }
    res.status(upstream.status).set('cache-control', 'no-store');
    const type = upstream.headers.get('content-type');
    if (type) res.type(type);
    const body = Buffer.from(await upstream.arrayBuffer());
    if (match.route.path === '/v1/users' && upstream.ok) {
      // Only the demo personas: the page never learns who else the service knows.
      const list = JSON.parse(body.toString('utf8')) as { items: Array<{ demo?: boolean }> };
      res.json({ ...list, items: list.items.filter((u) => u.demo === true) });
      return;
    }
    res.send(body);
  };
}

/** Builds the demo router. Mount it at the app root, before the API's 404 handler. */
export function createDemoRouter(options: DemoRouterOptions): Router {
  const webDir = options.webDir ?? WEB_DIR;
  const buildDir = options.buildDir ?? BUILD_DIR;
  const router = express.Router();
  // No caching: stakeholders reload after a rebuild and must see the new page.
  const noCache = { etag: false, lastModified: false, cacheControl: false, setHeaders: (res: Response) => res.set('cache-control', 'no-cache') };

  router.get('/', (_req, res) => {
    if (!existsSync(`${buildDir}main.js`)) {
      res.status(503).type('text/plain').send('The demo page is not built yet: run `npm run build:demo` (npm start does it for you).');
      return;
    }
    asPage(res).set('cache-control', 'no-cache').sendFile('index.html', { root: webDir });
  });
  router.get(['/demo/styles.css', '/demo/merchant.css'], (req, res) => {
    res.set('cache-control', 'no-cache').sendFile(req.path.slice('/demo/'.length), { root: webDir });
  });
  router.use('/demo', express.static(buildDir, { ...noCache, index: false, fallthrough: false }));

  router.use('/demo-api', express.raw({ type: () => true, limit: options.bodyLimit ?? 2 * 1024 * 1024 }), proxy(options));

  router.get('/demo-merchant', (req, res) => {
    const { status, html } = renderMerchantPage(req.query.target);
    asPage(res).status(status).type('html').set('cache-control', 'no-store').send(html);
  });
  return router;
}
