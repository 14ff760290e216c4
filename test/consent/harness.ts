/**
 * The real service and app (composition root, commands, store, tagger, access table, error
 * mapping) with the affiliate tests' merchants, a fake embedder and a clock the test moves, for
 * the consent, redirect and report routes.
 */
import { loadConfig } from '../../src/config.js';
import { policyFromConfig, type ConsentPolicy } from '../../src/consent/policy.js';
import type { Product } from '../../src/domain/index.js';
import { testService, type TestService } from '../helpers/service.js';
import { SECRET, merchants } from '../affiliate/fixtures.js';

/** Keys for the app's real access table: send them as x-api-key. */
export const KEYS = { admin: 'admin-key-123', app: 'app-key-12345', reports: 'reports-key-1234' } as const;

/** The consent policy the service runs with when config says nothing. */
export const configPolicy = (): ConsentPolicy => policyFromConfig(loadConfig({}));

export interface Harness extends TestService {
  tagger: TestService['service']['deps']['tagger'];
  now(): Date;
  /** Moves the fake clock forward. */
  advance(seconds: number): void;
  /** Writes products through the command (their images are made in the world folder). */
  addProducts(products: Product[]): Promise<void>;
}

export async function harness(options: { env?: Record<string, string>; landing?: (url: string) => string } = {}): Promise<Harness> {
  const clock = { now: new Date('2026-05-01T12:00:00.000Z') };
  const now = () => new Date(clock.now);
  // LINK_SECRETS in options.env replaces the single LINK_SECRET (config refuses both).
  const secret: Record<string, string> = options.env?.LINK_SECRETS ? {} : { LINK_SECRET: SECRET };
  const t = await testService({ env: { ...secret, TOKEN_TTL: '3600', RECOMMEND_CACHE_TTL_S: '0', ...options.env }, now, landing: options.landing });
  const results = await t.commands.upsertMerchants(merchants);
  if (results.some((r) => !r.ok)) throw new Error(`harness: merchants refused: ${JSON.stringify(results)}`);
  return {
    ...t,
    tagger: t.service.deps.tagger,
    now,
    advance: (seconds) => void (clock.now = new Date(clock.now.getTime() + seconds * 1000)),
    async addProducts(products) {
      const res = await t.commands.upsertProducts(products.map((p) => ({ ...p, image: t.image(`images/products/${p.id}.png`) })));
      if (res.some((r) => !r.ok)) throw new Error(`harness: products refused: ${JSON.stringify(res)}`);
    },
  };
}
