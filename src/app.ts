/**
 * Builds the Express app from its parts (no listen: `server.ts` does that). Everything comes in
 * through `createApp`'s deps, so tests build it in-process with fakes or the real model.
 *
 * Middleware order, and why:
 *   demo page + /demo-api proxy (raw bodies, its own key) → access table (401/403 before any
 *   parsing) → JSON body (415/413/400) → routes → 404 → the one error mapping.
 *
 * @example
 * const { app } = await createApp({ config, embedder, store, productIndex, consent: { policy }, tagger, log });
 * app.listen(config.PORT);
 */
import express, { type Express } from 'express';
import { decideConsent } from './consent/decide.js';
import type { ConsentPolicy } from './consent/policy.js';
import type { Config } from './config.js';
import { ingestSettings, mediaDirOf } from './data-dir.js';
import type { Embedder } from './embed/types.js';
import type { VectorIndex } from './index/types.js';
import { silentLogger, type Logger } from './log.js';
import type { Tagger } from './affiliate/tagger.js';
import { createCore, type Core } from './recommend/core.js';
import type { ConsentDecider } from './recommend/ports.js';
import { ProductCatalog } from './retrieve/catalog.js';
import type { Store } from './store/types.js';
import { ACCESS, createAuth } from './http/auth.js';
import { errorHandler, notFound } from './http/errors.js';
import { jsonBody } from './http/json-body.js';
import { buildOpenApi } from './http/openapi.js';
import { mountRoutes } from './http/route.js';
import { catalogRoutes, type CatalogWriter } from './http/routes/catalog.js';
import { consentRoutes } from './http/routes/consent.js';
import { discoverRoutes } from './http/routes/discover.js';
import { mediaRoutes, type MediaReader } from './http/routes/media.js';
import { redirectRoutes } from './http/routes/redirect.js';
import { reportRoutes } from './http/routes/reports.js';
import { userRoutes } from './http/routes/users.js';
import { systemRoutes } from './http/routes/system.js';
import { createDemoRouter } from './http/demo.js';
import { ingestWriter } from './http/writer.js';
import { readMedia } from './ingest/media.js';

export interface AppDeps {
  config: Config;
  embedder: Embedder;
  store: Store;
  productIndex: VectorIndex;
  postIndex?: VectorIndex;
  /** The consent policy; `decide` defaults to `decideConsent` under that policy. */
  consent: { policy: ConsentPolicy; decide?: ConsentDecider };
  tagger: Tagger;
  /** Embedding + indexing writes; default: the ingest core (src/ingest) with settings from config. */
  writer?: CatalogWriter;
  /** Image bytes; default: what ingest copied into DATA_DIR/media. */
  readMedia?: MediaReader;
  /** Pre-loaded catalog; loaded from the store when absent. */
  catalog?: ProductCatalog;
  log?: Logger;
  /** Rewrites the final redirect target (the demo sends clicks to its local merchant page). */
  landing?: (finalUrl: string) => string;
  /** Mount the demo page at / (default true). */
  demo?: boolean;
  now?: () => Date;
}

export interface App {
  app: Express;
  core: Core;
  catalog: ProductCatalog;
}

export async function createApp(deps: AppDeps): Promise<App> {
  const { config, store, productIndex, embedder, tagger } = deps;
  const log = deps.log ?? silentLogger;
  const catalog = deps.catalog ?? (await ProductCatalog.load(store));
  const policy = deps.consent.policy;
  const decide: ConsentDecider = deps.consent.decide ?? ((user, events, now) => decideConsent(user, events, policy, now));
  const core = createCore({
    store, productIndex, embedder, catalog, tagger, decideConsent: decide, now: deps.now,
    settings: {
      halfLifeDays: config.PROFILE_HALF_LIFE_DAYS, worldDir: config.WORLD_DIR, allowedImageHosts: config.ALLOWED_IMAGE_HOSTS,
      // A cached list re-serves signed links: never for more than half their life.
      responseCacheTtlS: Math.min(config.RECOMMEND_CACHE_TTL_S, Math.floor(config.TOKEN_TTL / 2)),
    },
  });

  await core.preload(); // at start-up, not inside the first shopper's request

  const writer = deps.writer ?? ingestWriter({ store, productIndex, postIndex: deps.postIndex, embedder, log, config: ingestSettings(config) });
  const media: MediaReader = deps.readMedia ?? ((kind, id) => readMedia(mediaDirOf(config), kind, id));

  const specs = [
    ...systemRoutes({ store, embedder, productIndex, openapi: () => openapi }),
    ...mediaRoutes({ readMedia: media }),
    ...catalogRoutes({ store, core, productIndex, postIndex: deps.postIndex, writer }),
    ...userRoutes({ store, core }),
    ...discoverRoutes({ core }),
    ...consentRoutes({
      store, consentPolicy: policy, now: deps.now,
      onConsentChange: (id) => core.userChanged(id),
      onCreatorOptInChange: (id) => core.creatorChanged(id),
    }),
    ...redirectRoutes({ store, tagger, consentPolicy: policy, landing: deps.landing, now: deps.now, onClick: (ref) => core.clicked(ref) }),
    ...reportRoutes({ store }),
  ];
  for (const s of specs) {
    // Fail at start-up, not in production traffic, if a route was added without declaring its access.
    if (!ACCESS.some((a) => a.method === s.method.toUpperCase() && a.path === s.path)) {
      throw new Error(`createApp: ${s.method.toUpperCase()} ${s.path} is missing from ACCESS in src/http/auth.ts`);
    }
  }
  const openapi = buildOpenApi(specs, ACCESS, config.PUBLIC_BASE_URL);

  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple'); // no nested objects from ?a[b]=c: query schemas see flat strings
  if (deps.demo !== false) {
    const appKey = config.API_KEYS.find((k) => k.scope === 'app') ?? config.API_KEYS[0];
    if (appKey) app.use(createDemoRouter({ apiKey: appKey.key, bodyLimit: config.BODY_LIMIT }));
  }
  app.use(createAuth(config.API_KEYS));
  app.use(jsonBody(config.BODY_LIMIT));
  app.use(mountRoutes(specs));
  app.use(notFound);
  app.use(errorHandler(log));
  return { app, core, catalog };
}
