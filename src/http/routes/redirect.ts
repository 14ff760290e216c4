/**
 * `GET /r/:token` (public): verify the signed token, log the click, answer 302 to the outbound URL
 * that the server builds itself from the stored product and merchant settings. Nothing from the
 * request but the token is used, and a token holds no URL, so this is not an open redirect.
 */
import type { Router } from 'express';
import { z } from 'zod';
import type { Tagger } from '../../affiliate/tagger.js';
import { clickUserRef } from '../../consent/ledger.js';
import type { ConsentPolicy } from '../../consent/policy.js';
import type { Store } from '../../store/types.js';
import { mountRoutes, RAW, route, type RouteSpec } from '../route.js';

export interface RedirectRouteDeps {
  store: Store;
  tagger: Tagger;
  consentPolicy: ConsentPolicy;
  /**
   * Where to send the shopper given the final URL; identity by default. The demo passes
   * `demoMerchantPath` so links land on the local merchant page instead of the real network.
   */
  landing?: (finalUrl: string) => string;
  now?: () => Date;
  /** Called after a click was recorded under a shopper reference (their cached list drops the item). */
  onClick?: (userRef: string) => void;
}

const TokenParams = z.object({ token: z.string().min(1).max(1024) });

export function redirectRoutes(deps: RedirectRouteDeps): RouteSpec[] {
  const { store, tagger, consentPolicy } = deps;
  const now = deps.now ?? (() => new Date());
  const landing = deps.landing ?? ((url: string) => url);
  return [
    route({
      method: 'get', path: '/r/:token', tag: 'affiliate', summary: 'Follow an affiliate link: 302 to the merchant (400 tampered, 410 expired)',
      params: TokenParams, status: 302,
      handle: async ({ params, req, res }) => {
        const at = now();
        const link = await tagger.resolve(params.token, at, store);
        // HEAD is what link checkers and unfurlers send: answer it, but it is not a shopper's click.
        if (req.method !== 'HEAD') {
          // Consent is re-checked at click time: a withdrawal since the link was made wins.
          const userRef = await clickUserRef({ store, consentPolicy }, link.userRef, at);
          await store.recordClick({
            at: at.toISOString(),
            productId: link.productId,
            merchant: link.merchant,
            network: link.network,
            creatorCode: link.creatorCode,
            userRef,
          });
          if (userRef !== null) deps.onClick?.(userRef);
        }
        res.set({ 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer', 'X-Robots-Tag': 'noindex' });
        res.redirect(302, landing(link.url));
        return RAW;
      },
    }),
  ];
}

/** @example app.use(createRedirectRouter({ store, tagger, consentPolicy })); */
export function createRedirectRouter(deps: RedirectRouteDeps): Router {
  return mountRoutes(redirectRoutes(deps));
}
