/**
 * CJ (Commission Junction): a deep link on a CJ click domain,
 * `https://www.anrdoezrs.net/click-<pid>-<aid>?sid=<creator code>&url=<product url>`.
 * CJ issues several click domains (anrdoezrs.net, jdoqocy.com, tkqlhce.com, dpbolvw.net, kqzyfj.com).
 */
import { z } from 'zod';
import { Host } from './host.js';
import type { LinkBuilder } from './types.js';

const settings = z.object({
  /** Our CJ website id (PID). */
  pid: z.string().regex(/^\d+$/, 'a numeric CJ website id'),
  /** The advertiser's link id (AID). */
  aid: z.string().regex(/^\d+$/, 'a numeric CJ link id'),
  trackingDomain: Host.default('www.anrdoezrs.net'),
});

export const cj: LinkBuilder<typeof settings> = {
  settings,
  build(productUrl, s, subId) {
    const url = new URL(`https://${s.trackingDomain}`);
    url.pathname = `/click-${s.pid}-${s.aid}`;
    if (subId) url.searchParams.set('sid', subId);
    url.searchParams.set('url', new URL(productUrl).href);
    return url;
  },
};
