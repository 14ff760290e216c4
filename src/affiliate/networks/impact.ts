/**
 * Impact (impact.com): a tracking link on the brand's tracking domain,
 * `https://<trackingDomain>/c/<mediaPartnerId>/<adId>/<campaignId>?u=<product url>&subId1=<creator code>`.
 * Setting names follow Impact's own (media partner, ad, campaign).
 */
import { z } from 'zod';
import { Host } from './host.js';
import type { LinkBuilder } from './types.js';

const id = z.string().regex(/^\d+$/, 'a numeric Impact id');
const settings = z.object({
  /** The brand's tracking host, e.g. "brand.sjv.io". */
  trackingDomain: Host,
  mediaPartnerId: id,
  adId: id,
  campaignId: id,
});

export const impact: LinkBuilder<typeof settings> = {
  settings,
  build(productUrl, s, subId) {
    const url = new URL(`https://${s.trackingDomain}`);
    url.pathname = ['c', s.mediaPartnerId, s.adId, s.campaignId].join('/');
    url.searchParams.set('u', new URL(productUrl).href);
    if (subId) url.searchParams.set('subId1', subId);
    return url;
  },
};
