/**
 * Rakuten Advertising: a LinkShare deep link,
 * `https://click.linksynergy.com/deeplink?id=<publisher>&mid=<merchant>&murl=<product url>&u1=<creator code>`.
 */
import { z } from 'zod';
import type { LinkBuilder } from './types.js';

const settings = z.object({
  /** Our publisher (site) id. */
  id: z.string().regex(/^[A-Za-z0-9*/_.-]+$/, 'a Rakuten publisher id'),
  /** The advertiser's merchant id. */
  mid: z.string().regex(/^\d+$/, 'a numeric Rakuten merchant id'),
});

export const rakuten: LinkBuilder<typeof settings> = {
  settings,
  build(productUrl, s, subId) {
    const url = new URL('https://click.linksynergy.com/deeplink');
    url.searchParams.set('id', s.id);
    url.searchParams.set('mid', s.mid);
    url.searchParams.set('murl', new URL(productUrl).href);
    if (subId) url.searchParams.set('u1', subId);
    return url;
  },
};
