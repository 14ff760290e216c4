/**
 * Builds the Express app over a built core (no listen: `server.ts` does that; no wiring of parts:
 * `service.ts` does that). Tests build the service with a fake embedder and call this in-process.
 *
 * Middleware order, and why:
 *   security headers (on every response, errors included) → access log + request id (every
 *   response, errors too) → latency timing (/metrics) → CORS (preflights answered before any key
 *   check) → demo page + /demo-api proxy when the demo is on (raw bodies, its own key) → rate
 *   limit (429 before any work) → 405 for a known path with the wrong method, then the access
 *   table (401/403 before any parsing), both in one pass over the table → JSON body (415/413/400)
 *   → turns (each handler starts in its own event-loop turn, first come first served:
 *   `src/http/turns.ts`) → routes → 404 → the one error mapping.
 *
 * The 405/access table and the routes are each split into per-prefix routers
 * (`src/http/prefix-router.ts`), so a request walks only the routes sharing its first path
 * segments; every layer here is on the path of every request, so each is kept to fixed work
 * (`npx tsx bench/http-overhead.ts` measures what each costs).
 *
 * @example
 * const service = await createService(config);
 * const { app } = createApp({ config, core: service.core, log: service.log });
 * app.listen(config.PORT);
 */
import express, { type Express } from 'express';
import { demoEnabled, type Config } from './config.js';
import type { Core } from './core/core.js';
import { AppError } from './errors.js';
import { ACCESS, createAuth } from './http/auth.js';
import { createDemoRouter } from './http/demo.js';
import { errorHandler, notFound } from './http/errors.js';
import { jsonBody } from './http/json-body.js';
import { listenOnHttpServer } from './http/node-server.js';
import { securityHeaders } from './http/security-headers.js';
import { takeTurns } from './http/turns.js';
import { buildOpenApi } from './http/openapi.js';
import * as coreSchemas from './core/schemas.js';
import * as domain from './domain/index.js';
import * as httpSchemas from './http/schemas.js';
import { accessLog } from './http/ops/access-log.js';
import { createCors } from './http/ops/cors.js';
import { createMetrics, type Metrics } from './http/ops/metrics.js';
import { createRateLimit } from './http/ops/rate-limit.js';
import { mountRoutes, type RouteSpec } from './http/route.js';
import { catalogRoutes } from './http/routes/catalog.js';
import { categoryRoutes } from './http/routes/categories.js';
import { consentRoutes } from './http/routes/consent.js';
import { discoverRoutes } from './http/routes/discover.js';
import { jobRoutes } from './http/routes/jobs.js';
import { feedbackRoutes } from './http/routes/feedback.js';
import { mediaRoutes } from './http/routes/media.js';
import { redirectRoutes } from './http/routes/redirect.js';
import { reportRoutes } from './http/routes/reports.js';
import { systemRoutes } from './http/routes/system.js';
import { userRoutes } from './http/routes/users.js';
import { silentLogger, type Logger } from './log.js';

export interface AppOptions {
  config: Config;
  core: Core;
  log?: Logger;
  /** Rewrites the final redirect target (the demo sends clicks to its local merchant page). */
  landing?: (finalUrl: string) => string;
  /** Mount the demo page and its proxy at / (default: `demoEnabled(config)`, i.e. DEMO). */
  demo?: boolean;
}

/** The service's exported zod schemas by name: the OpenAPI components a typed client sees. */
const SCHEMA_NAMES: Record<string, unknown> = { ...domain, ...coreSchemas, ...httpSchemas };

/** Every route of the API, as data; handlers close over `core` and only run per request. */
export function routeSpecs(core: Core, landing?: (finalUrl: string) => string, openapi: () => unknown = () => ({}), metrics?: Metrics): RouteSpec[] {
  const exposition = metrics && (async () => ({ body: await metrics.registry.metrics(), contentType: metrics.registry.contentType }));
  const specs = [
    ...systemRoutes({ core, openapi, metrics: exposition }),
    ...mediaRoutes({ core }),
    ...categoryRoutes({ core }),
    ...catalogRoutes({ core }),
    ...jobRoutes({ core }),
    ...userRoutes({ core }),
    ...discoverRoutes({ core }),
    ...consentRoutes({ core }),
    ...feedbackRoutes({ core }),
    ...redirectRoutes({ core, landing }),
    ...reportRoutes({ core }),
  ];
  const operationIds = new Set<string>();
  for (const s of specs) {
    // Fail at start-up, not in production traffic, if a route was added without declaring its access.
    if (!ACCESS.some((a) => a.method === s.method.toUpperCase() && a.path === s.path)) {
      throw new AppError('CONFIG_INVALID', `${s.method.toUpperCase()} ${s.path} is missing from ACCESS in src/http/auth.ts`);
    }
    if (operationIds.has(s.operationId)) throw new AppError('CONFIG_INVALID', `operationId "${s.operationId}" is used twice`);
    operationIds.add(s.operationId);
  }
  return specs;
}

/**
 * The OpenAPI document without a running service (no handler runs while documenting): what
 * `npm run api-types` generates the demo page's types from.
 */
export function openApiDocument(config: Pick<Config, 'PUBLIC_BASE_URL'>): Record<string, unknown> {
  return buildOpenApi(routeSpecs(new Proxy({}, { get: () => undefined }) as Core), ACCESS, config.PUBLIC_BASE_URL, SCHEMA_NAMES);
}

export function createApp(options: AppOptions): { app: Express; openapi: unknown } {
  const { config, core } = options;
  const log = options.log ?? silentLogger;
  const metrics = createMetrics(() => core.operations());
  const specs = routeSpecs(core, options.landing, () => openapi, metrics);
  const openapi = buildOpenApi(specs, ACCESS, config.PUBLIC_BASE_URL, SCHEMA_NAMES);

  const app = express();
  listenOnHttpServer(app); // app.listen builds requests with Express's prototypes: src/http/node-server.ts
  app.disable('x-powered-by');
  app.set('query parser', 'simple'); // no nested objects from ?a[b]=c: query schemas see flat strings
  app.use(securityHeaders);
  app.use(accessLog(log));
  app.use(metrics.timing);
  app.use(...createCors(config.CORS_ORIGINS));
  if (options.demo ?? demoEnabled(config)) {
    const appKey = config.API_KEYS.find((k) => k.scope === 'app') ?? config.API_KEYS[0];
    const isDemoPersona = async (id: string) => (await core.getShopper(id).catch(() => undefined))?.demo === true;
    if (appKey) app.use(createDemoRouter({ apiKey: appKey.key, isDemoPersona, bodyLimit: config.BODY_LIMIT }));
  }
  app.use(createRateLimit(config.RATE_LIMIT_PER_MINUTE, config.API_KEYS));
  app.use(createAuth(config.API_KEYS, ACCESS, { metricsToken: config.METRICS_TOKEN }));
  app.use(jsonBody(config.BODY_LIMIT));
  app.use(takeTurns());
  app.use(mountRoutes(specs));
  app.use(notFound);
  app.use(errorHandler(log));
  return { app, openapi };
}
