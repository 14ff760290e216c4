/**
 * Rakuten Advertising: a LinkShare deep link,
 * `https://click.linksynergy.com/deeplink?id=<siteId>&mid=<merchant>&murl=<product url>&u1=<creator code>`.
 */
import { z } from 'zod';
import { Host } from './host.js';
import type { LinkBuilder } from './types.js';

const settings = z.object({
  /** Our publisher site id (the `id` parameter). */
  siteId: z.string().regex(/^[A-Za-z0-9*/_.-]+$/, 'a Rakuten publisher site id'),
  /** The advertiser's merchant id. */
  mid: z.string().regex(/^\d+$/, 'a numeric Rakuten merchant id'),
  trackingDomain: Host.default('click.linksynergy.com'),
});

export const rakuten: LinkBuilder<typeof settings> = {
  settings,
  build(productUrl, s, subId) {
    const url = new URL(`https://${s.trackingDomain}/deeplink`);
    url.searchParams.set('id', s.siteId);
    url.searchParams.set('mid', s.mid);
    url.searchParams.set('murl', new URL(productUrl).href);
    if (subId) url.searchParams.set('u1', subId);
    return url;
  },
};
