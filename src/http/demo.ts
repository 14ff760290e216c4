/**
 * The stakeholder demo, mounted by the app at `/`:
 * - `GET /` and `/demo/*`: the page (HTML + CSS from `src/demo/web`, JS compiled to `dist/demo`
 *   by `npm run build:demo`);
 * - `/demo-api/*`: a server-side proxy to this same server's API that adds the demo's API key, so
 *   the key never appears in page source or JS. Only the routes the page uses are forwarded;
 * - `GET /demo-merchant?target=<url>`: a local merchant page that shows a final tagged URL and its
 *   affiliate parameters (see `src/demo/merchant-page.ts`; `/r/:token` lands there in demo mode).
 *
 * @example
 * app.use(createDemoRouter({ apiKey: config.API_KEYS.find((k) => k.scope === 'app')!.key }));
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { renderMerchantPage } from '../demo/merchant-page.js';
import { AppError } from '../errors.js';

export interface DemoRouterOptions {
  /** An `app`-scoped key the proxy sends on the page's behalf. Never sent to the browser. */
  apiKey: string;
  /** Largest body the proxy accepts (the shop-the-look image upload); default 2 MiB. */
  bodyLimit?: number;
  /** Overrides for tests: where the page's static files and its compiled JS live. */
  webDir?: string;
  buildDir?: string;
}

const WEB_DIR = fileURLToPath(new URL('../demo/web/', import.meta.url));
const BUILD_DIR = fileURLToPath(new URL('../../dist/demo/', import.meta.url));

/** The API routes the page calls; anything else (admin routes above all) is refused. */
const FORWARDED: Array<{ method: string; path: RegExp }> = [
  { method: 'GET', path: /^\/v1\/users$/ },
  { method: 'GET', path: /^\/v1\/users\/[^/]+$/ },
  { method: 'GET', path: /^\/v1\/users\/[^/]+\/recommendations$/ },
  { method: 'GET', path: /^\/v1\/users\/[^/]+\/consents$/ },
  { method: 'PUT', path: /^\/v1\/users\/[^/]+\/consents$/ },
  { method: 'GET', path: /^\/v1\/creators\/[^/]+$/ },
  { method: 'POST', path: /^\/v1\/search$/ },
];

/** True when the page may call `method path` through the proxy. Dot segments are refused outright. */
export function isForwarded(method: string, path: string): boolean {
  if (path.split('/').some((seg) => /^(?:\.|%2e){1,2}$/i.test(seg))) return false;
  return FORWARDED.some((r) => r.method === method && r.path.test(path));
}

/** This server's own address as seen on the incoming connection (works for any bound interface). */
function selfOrigin(req: Request): string {
  const address = req.socket.localAddress ?? '127.0.0.1';
  const host = address.includes(':') && !address.startsWith('::ffff:') ? `[${address}]` : address.replace(/^::ffff:/, '');
  return `http://${host}:${req.socket.localPort}`;
}

function proxy(apiKey: string) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const queryAt = req.url.indexOf('?');
    const path = queryAt < 0 ? req.url : req.url.slice(0, queryAt);
    const query = queryAt < 0 ? '' : req.url.slice(queryAt);
    if (!isForwarded(req.method, path)) {
      next(new AppError('NOT_FOUND', `The demo proxy does not forward ${req.method} ${path}; it only serves the routes the demo page uses.`));
      return;
    }
    // The body arrives raw (a Buffer) unless an app-wide parser already turned it into an object.
    const body = req.method === 'GET' ? undefined : Buffer.isBuffer(req.body) ? new Uint8Array(req.body) : JSON.stringify(req.body ?? {});
    let upstream: globalThis.Response;
    try {
      upstream = await fetch(`${selfOrigin(req)}${path}${query}`, {
        method: req.method,
        headers: {
          authorization: `Bearer ${apiKey}`,
          accept: 'application/json',
          // Pass the page's content type through, so the API's own 415 check still applies.
          'content-type': req.get('content-type') ?? 'application/json',
        },
        body,
      });
    } catch (cause) {
      next(new AppError('INTERNAL', 'The demo proxy could not reach the API on this server.', undefined, { cause }));
      return;
    }
    res.status(upstream.status);
    const type = upstream.headers.get('content-type');
    if (type) res.type(type);
    res.set('cache-control', 'no-store');
    res.send(Buffer.from(await upstream.arrayBuffer()));
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
    res.set('cache-control', 'no-cache').sendFile('index.html', { root: webDir });
  });
  router.get(['/demo/styles.css', '/demo/merchant.css'], (req, res) => {
    res.set('cache-control', 'no-cache').sendFile(req.path.slice('/demo/'.length), { root: webDir });
  });
  router.use('/demo', express.static(buildDir, { ...noCache, index: false, fallthrough: false }));

  router.use('/demo-api', express.raw({ type: () => true, limit: options.bodyLimit ?? 2 * 1024 * 1024 }), proxy(options.apiKey));

  router.get('/demo-merchant', (req, res) => {
    const { status, html } = renderMerchantPage(req.query.target);
    res.status(status).type('html').set('cache-control', 'no-store').send(html);
  });
  return router;
}
