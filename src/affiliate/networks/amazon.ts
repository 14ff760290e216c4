/**
 * Amazon Associates: the store's tracking id goes in `tag`, suffixed per marketplace
 * ("ourstore-20" on amazon.com, "ourstore-21" on amazon.co.uk or amazon.de). Amazon offers no
 * general-purpose sub-id, so creator attribution lives in our own click log, not in the URL.
 */
import { z } from 'zod';
import type { LinkBuilder } from './types.js';

/** Tracking-id suffix per Amazon marketplace (the part of the host after "amazon."). */
export const AMAZON_SUFFIX: Readonly<Record<string, string>> = {
  com: '20', ca: '20', 'com.mx': '20', 'com.br': '20',
  'co.uk': '21', de: '21', fr: '21', it: '21', es: '21', nl: '21', se: '21', pl: '21', in: '21',
  'co.jp': '22', 'com.au': '22',
};

const settings = z.object({
  /** The store id without suffix ("ourstore"), or a full tracking id ("ourstore-21"). */
  tag: z.string().regex(/^[a-z0-9][a-z0-9-]*$/i, 'an Amazon store id such as "ourstore"'),
  /** Marketplace, e.g. "com", "co.uk"; defaults to the product URL's host. */
  marketplace: z.string().optional(),
});

/** The marketplace of an Amazon URL: "www.amazon.co.uk" → "co.uk". */
function marketplaceOf(url: URL): string {
  const m = /(?:^|\.)amazon\.(.+)$/.exec(url.hostname);
  return m?.[1] ?? 'com';
}

export const amazon: LinkBuilder<typeof settings> = {
  settings,
  build(productUrl, s) {
    const url = new URL(productUrl);
    const marketplace = s.marketplace ?? marketplaceOf(url);
    const trackingId = /-\d{2}$/.test(s.tag) ? s.tag : `${s.tag}-${AMAZON_SUFFIX[marketplace] ?? '20'}`;
    url.searchParams.set('tag', trackingId);
    return url;
  },
};
