/** An affiliate click as the service records it: enough to reconcile commissions, no identity. */
import { z } from 'zod';
import { AffiliateNetwork } from './catalog.js';

export const Click = z.object({
  at: z.iso.datetime(),
  productId: z.string(),
  merchant: z.string(),
  network: AffiliateNetwork,
  /** The credited creator's opaque code, or null when no creator could be credited at click time. */
  creatorCode: z.string().nullable(),
  /** The shopper's opaque link pseudonym; null unless they allowed clickTracking at click time. */
  userRef: z.string().nullable(),
});
export type Click = z.infer<typeof Click>;
