/**
 * A minimal Express app around the consent, redirect and reports routers, with a real in-memory
 * SQLite store and a header-based fake of the app's scope middleware. Used until (and beside)
 * the full `createApp` tests, so these routes are tested on their own.
 */
import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import { createTagger } from '../../src/affiliate/tagger.js';
import { defaultPolicy, type ConsentPolicy } from '../../src/consent/policy.js';
import { AppError, type ErrorCode } from '../../src/errors.js';
import { createConsentRouter, type Scope } from '../../src/http/routes/consent.js';
import { createRedirectRouter } from '../../src/http/routes/redirect.js';
import { createReportsRouter } from '../../src/http/routes/reports.js';
import { openSqliteStore } from '../../src/store/sqlite-store.js';
import { SECRET, merchants } from '../affiliate/fixtures.js';

const STATUS: Partial<Record<ErrorCode, number>> = {
  VALIDATION_FAILED: 400, TOKEN_INVALID: 400, NOT_FOUND: 404, TOKEN_EXPIRED: 410, UNAUTHENTICATED: 401, FORBIDDEN: 403,
};

/** x-api-key "admin" or "app"; admin implies app. */
const requireScope = (scope: Scope): RequestHandler => (req, _res, next) => {
  const key = req.header('x-api-key');
  if (!key) return next(new AppError('UNAUTHENTICATED'));
  if (key !== 'admin' && key !== scope) return next(new AppError('FORBIDDEN'));
  next();
};

export function harness(options: { policy?: ConsentPolicy; landing?: (url: string) => string } = {}) {
  const store = openSqliteStore({ path: ':memory:' });
  const consentPolicy = options.policy ?? defaultPolicy();
  const tagger = createTagger({ merchants, secret: SECRET, tokenTtlSeconds: 3600 });
  const clock = { now: new Date('2026-05-01T12:00:00.000Z') };
  const now = () => new Date(clock.now);
  const consentChanges: string[] = [];
  const creatorChanges: string[] = [];
  const app = express();
  app.use(express.json());
  app.use(
    createConsentRouter({
      store, consentPolicy, requireScope, now,
      onConsentChange: (id) => void consentChanges.push(id),
      onCreatorOptInChange: (id) => void creatorChanges.push(id),
    }),
  );
  app.use(createRedirectRouter({ store, tagger, consentPolicy, now, landing: options.landing }));
  app.use(createReportsRouter({ store, requireScope }));
  const onError: ErrorRequestHandler = (err, _req, res, _next) => {
    const code: ErrorCode = err instanceof AppError ? err.code : 'INTERNAL';
    res.status(STATUS[code] ?? 500).json({ error: { code, message: err.message, details: err.details } });
  };
  app.use(onError);
  /** Moves the fake clock forward. */
  const advance = (seconds: number) => void (clock.now = new Date(clock.now.getTime() + seconds * 1000));
  return { app, store, tagger, consentPolicy, now, advance, consentChanges, creatorChanges };
}
