/**
 * CJ (Commission Junction): a deep link on a CJ click domain,
 * `https://www.anrdoezrs.net/click-<pid>-<aid>?sid=<creator code>&url=<product url>`.
 */
import { z } from 'zod';
import type { LinkBuilder } from './types.js';

/** The click domains CJ issues; anything else is refused so config cannot point links elsewhere. */
export const CJ_DOMAINS = ['www.anrdoezrs.net', 'www.jdoqocy.com', 'www.tkqlhce.com', 'www.dpbolvw.net', 'www.kqzyfj.com'] as const;

const settings = z.object({
  /** Our CJ website (PID). */
  pid: z.string().regex(/^\d+$/, 'a numeric CJ website id'),
  /** The advertiser's link id (AID). */
  aid: z.string().regex(/^\d+$/, 'a numeric CJ link id'),
  domain: z.enum(CJ_DOMAINS).default('www.anrdoezrs.net'),
});

export const cj: LinkBuilder<typeof settings> = {
  settings,
  build(productUrl, s, subId) {
    const url = new URL(`https://${s.domain}`);
    url.pathname = `/click-${s.pid}-${s.aid}`;
    if (subId) url.searchParams.set('sid', subId);
    url.searchParams.set('url', new URL(productUrl).href);
    return url;
  },
};
