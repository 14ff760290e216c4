/**
 * Generic: the merchant's own product URL with UTM parameters and the creator code in a sub-id
 * parameter of the merchant's choosing (e.g. "subid", "ref", "aff_sub").
 */
import { z } from 'zod';
import type { LinkBuilder } from './types.js';

const param = z.string().regex(/^[A-Za-z0-9_.-]+$/, 'a query parameter name');
const settings = z.object({
  source: z.string().min(1).default('creatorstyle'),
  medium: z.string().min(1).default('affiliate'),
  campaign: z.string().min(1).optional(),
  /** The query parameter that carries the creator code. */
  subIdParam: param.default('subid'),
});

export const utm: LinkBuilder<typeof settings> = {
  settings,
  build(productUrl, s, subId) {
    const url = new URL(productUrl);
    url.searchParams.set('utm_source', s.source);
    url.searchParams.set('utm_medium', s.medium);
    if (s.campaign) url.searchParams.set('utm_campaign', s.campaign);
    if (subId) url.searchParams.set(s.subIdParam, subId);
    return url;
  },
};
