/**
 * The catalog side of the domain: products and the merchants that sell them, each merchant with
 * its affiliate programme. These are the service's own shapes; the world generator and the
 * evaluation extend them with their ground truth (tools/world/schema.ts), never the reverse.
 */
import { z } from 'zod';
import { Id } from './ids.js';
import { ImageRef, TEXT_LIMITS as L, line, text } from './text.js';

/** The special category the service knows about (GDPR Art. 9): health & wellness. */
export const SENSITIVE_HEALTH = 'health' as const;

export const AffiliateNetwork = z.enum(['amazon', 'impact', 'rakuten', 'cj', 'utm']);
export type AffiliateNetwork = z.infer<typeof AffiliateNetwork>;

export const Product = z.object({
  id: Id,
  title: line(L.title).min(1),
  description: text(L.description),
  brand: line(L.brand),
  /** An id of the category taxonomy (GET /v1/categories); unknown categories are refused. */
  category: line(L.category).min(1),
  /** The main colour where the catalog has it ("navy"); the `colour=` filter matches it. */
  colour: line(50).min(1).optional(),
  /**
   * Optional and never trusted: health status comes from the category taxonomy. "health" on a
   * product whose category is not a health category is refused; a product in a health category is
   * health without it. Not stored.
   */
  sensitive: z.literal(SENSITIVE_HEALTH).optional(),
  price: z.number().nonnegative(),
  currency: line(L.currency).length(3),
  /** The id of a merchant known to the service (PUT /v1/merchants first). */
  merchant: Id,
  url: z.url().max(L.url),
  /** Must be the network of the merchant's programme. */
  network: AffiliateNetwork,
  /** Path relative to the world folder, a data: URL, or an allowlisted http(s) URL. */
  image: ImageRef,
});
export type Product = z.infer<typeof Product>;

const MAX_SETTINGS = 20;

/** A merchant and its affiliate programme; `settings` are checked per network when stored. */
export const Merchant = z.object({
  id: Id,
  name: line(L.merchantName),
  network: AffiliateNetwork,
  /** Network-specific settings, e.g. { tag: "ourstore", marketplace: "com" } for Amazon. */
  settings: z
    .record(line(L.settingKey).min(1), line(L.settingValue))
    .refine((s) => Object.keys(s).length <= MAX_SETTINGS, { error: `at most ${MAX_SETTINGS} settings` }),
});
export type Merchant = z.infer<typeof Merchant>;
