/**
 * The catalog side of the domain: products and the merchants that sell them, each merchant with
 * its affiliate programme. These are the service's own shapes; the world generator and the
 * evaluation extend them with their ground truth (tools/world/schema.ts), never the reverse.
 */
import { z } from 'zod';
import { Id } from './ids.js';

/** The special category the service knows about (GDPR Art. 9): health & wellness. */
export const SENSITIVE_HEALTH = 'health' as const;

export const AffiliateNetwork = z.enum(['amazon', 'impact', 'rakuten', 'cj', 'utm']);
export type AffiliateNetwork = z.infer<typeof AffiliateNetwork>;

export const Product = z.object({
  id: Id,
  title: z.string().min(1),
  description: z.string(),
  brand: z.string(),
  category: z.string().min(1),
  /** The main colour where the catalog has it ("navy"); the `colour=` filter matches it. */
  colour: z.string().min(1).max(50).optional(),
  /** Present only for special-category items (GDPR Art. 9): currently only "health". */
  sensitive: z.literal(SENSITIVE_HEALTH).optional(),
  price: z.number().nonnegative(),
  currency: z.string().length(3),
  /** The id of a merchant known to the service (PUT /v1/merchants first). */
  merchant: Id,
  url: z.url(),
  /** Must be the network of the merchant's programme. */
  network: AffiliateNetwork,
  /** Path relative to the world folder, a data: URL, or an allowlisted http(s) URL. */
  image: z.string().min(1),
});
export type Product = z.infer<typeof Product>;

/** A merchant and its affiliate programme; `settings` are checked per network when stored. */
export const Merchant = z.object({
  id: Id,
  name: z.string(),
  network: AffiliateNetwork,
  /** Network-specific settings, e.g. { tag: "ourstore", marketplace: "com" } for Amazon. */
  settings: z.record(z.string(), z.string()),
});
export type Merchant = z.infer<typeof Merchant>;
