/**
 * A minimal Express app around the consent, redirect and reports routers, with a real in-memory
 * SQLite store, the app's real access table, JSON body parser and error mapping, so these routes
 * are tested on their own, beside the full `createApp` tests.
 */
import express from 'express';
import { createTagger } from '../../src/affiliate/tagger.js';
import { defaultPolicy, type ConsentPolicy } from '../../src/consent/policy.js';
import { createAuth } from '../../src/http/auth.js';
import { errorHandler, notFound } from '../../src/http/errors.js';
import { jsonBody } from '../../src/http/json-body.js';
import { createConsentRouter } from '../../src/http/routes/consent.js';
import { createRedirectRouter } from '../../src/http/routes/redirect.js';
import { createReportsRouter } from '../../src/http/routes/reports.js';
import { silentLogger } from '../../src/log.js';
import { openSqliteStore } from '../../src/store/sqlite-store.js';
import { SECRET, merchants } from '../affiliate/fixtures.js';

/** Keys for the app's real access table: send them as x-api-key. */
export const KEYS = { admin: 'admin-key-for-tests', app: 'app-key-for-tests' } as const;

export function harness(options: { policy?: ConsentPolicy; landing?: (url: string) => string } = {}) {
  const store = openSqliteStore({ path: ':memory:' });
  const consentPolicy = options.policy ?? defaultPolicy();
  const tagger = createTagger({ merchants, secret: SECRET, tokenTtlSeconds: 3600 });
  const clock = { now: new Date('2026-05-01T12:00:00.000Z') };
  const now = () => new Date(clock.now);
  const consentChanges: string[] = [];
  const creatorChanges: string[] = [];
  const app = express();
  app.use(createAuth([{ scope: 'admin', key: KEYS.admin }, { scope: 'app', key: KEYS.app }]));
  app.use(jsonBody(1024 * 1024));
  app.use(
    createConsentRouter({
      store, consentPolicy, now,
      onConsentChange: (id) => void consentChanges.push(id),
      onCreatorOptInChange: (id) => void creatorChanges.push(id),
    }),
  );
  app.use(createRedirectRouter({ store, tagger, consentPolicy, now, landing: options.landing }));
  app.use(createReportsRouter({ store }));
  app.use(notFound);
  app.use(errorHandler(silentLogger));
  /** Moves the fake clock forward. */
  const advance = (seconds: number) => void (clock.now = new Date(clock.now.getTime() + seconds * 1000));
  return { app, store, tagger, consentPolicy, now, advance, consentChanges, creatorChanges };
}
