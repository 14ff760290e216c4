/**
 * `GET /r/:token` (public): the core verifies the signed token, decides at click time whom it may
 * credit and link, logs the click and builds the outbound URL from the stored product and merchant
 * settings. Nothing from the request but the token is used, and a token holds no URL, so this is
 * not an open redirect.
 */
import { z } from 'zod';
import type { Core } from '../../core/core.js';
import { RAW, route, type RouteSpec } from '../route.js';

const TokenParams = z.object({ token: z.string().min(1).max(1024) });
/**
 * Links travel through newsletters and chat apps that append their own parameters (utm_*, fbclid):
 * the redirect declares every query parameter known and ignores it, so such a click still lands.
 */
const AnyQuery = z.record(z.string(), z.unknown()).describe('Ignored: parameters that mail and chat apps append to links.');

export interface RedirectRouteDeps {
  core: Core;
  /**
   * Where to send the shopper given the final URL; identity by default. The demo passes
   * `demoMerchantPath` so links land on the local merchant page instead of the real network.
   */
  landing?: (finalUrl: string) => string;
}

export function redirectRoutes({ core, landing = (url) => url }: RedirectRouteDeps): RouteSpec[] {
  return [
    route({
      method: 'get', path: '/r/:token', operationId: 'followLink', tag: 'affiliate', summary: 'Follow an affiliate link: 302 to the merchant (400 tampered, 410 expired or its key retired)',
      params: TokenParams, query: AnyQuery, errors: ['TOKEN_INVALID', 'TOKEN_EXPIRED', 'TOKEN_RETIRED'],
      raw: { status: 302, description: 'Redirect to the merchant: Location is the tagged URL built by the server' },
      handle: async ({ params, req, res }) => {
        // HEAD is what link checkers and unfurlers send: answer it, but it is not a shopper's click.
        const { url } = await core.commands.followLink(params.token, { count: req.method !== 'HEAD', userAgent: req.get('user-agent') });
        res.set({ 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer', 'X-Robots-Tag': 'noindex' });
        res.redirect(302, landing(url));
        return RAW;
      },
    }),
  ];
}
