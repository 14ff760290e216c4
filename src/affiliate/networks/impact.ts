/**
 * Impact (impact.com): a deep link on the programme's tracking domain,
 * `https://<domain>/c/<partnerId>/<adId>/<programId>?u=<product url>&subId1=<creator code>`.
 */
import { z } from 'zod';
import type { LinkBuilder } from './types.js';

const id = z.string().regex(/^\d+$/, 'a numeric Impact id');
const settings = z.object({
  /** The brand's tracking host, e.g. "shop.sjv.io". */
  domain: z.string().regex(/^[a-z0-9.-]+$/i, 'a host name such as "shop.sjv.io"'),
  partnerId: id,
  adId: id,
  programId: id,
});

export const impact: LinkBuilder<typeof settings> = {
  settings,
  build(productUrl, s, subId) {
    const url = new URL(`https://${s.domain}`);
    url.pathname = ['c', s.partnerId, s.adId, s.programId].join('/');
    url.searchParams.set('u', new URL(productUrl).href);
    if (subId) url.searchParams.set('subId1', subId);
    return url;
  },
};
