/**
 * One link builder per affiliate network. A builder turns a product's stored URL, the merchant's
 * programme settings and an optional opaque sub-id into the outbound URL. Builders only ever use
 * `URL`/`URLSearchParams` (never string concatenation), so a product URL with its own query string
 * or odd characters is always encoded correctly.
 */
import type { z } from 'zod';

export interface LinkBuilder<S extends z.ZodType = z.ZodType> {
  /** The settings this network needs in `Merchant.settings`, validated when the tagger is built. */
  settings: S;
  /**
   * @param productUrl the product page as stored in the catalog
   * @param settings   the merchant's validated settings
   * @param subId      the opaque creator code, or null when no opted-in creator is credited
   */
  build(productUrl: string, settings: z.infer<S>, subId: string | null): URL;
}
