/** Shoppers, whom they follow, and their append-only consent ledger. */
import { z } from 'zod';
import { Id } from './ids.js';
import { Region } from './regions.js';
import { TEXT_LIMITS as L, line } from './text.js';

export const AgeBand = z.enum(['under13', '13-15', '16-17', '18-24', '25-34', '35-44', '45-54', '55+']);
export type AgeBand = z.infer<typeof AgeBand>;

export const Shopper = z.object({
  id: Id,
  displayName: line(L.displayName),
  /** ISO 3166-1 alpha-2 country code, e.g. "DE", "US" (the EU's EL / UK are stored as GR / GB; unknown codes are refused). */
  region: Region,
  ageBand: AgeBand,
  /**
   * A demo persona: the only shoppers the demo page's proxy (/demo-api) may reach. Set by the
   * world loader for the shoppers of a world folder (fixtures); never settable through the API.
   */
  demo: z.boolean().optional(),
});
export type Shopper = z.infer<typeof Shopper>;

export const MAX_FOLLOWS = 50;

export const ConsentPurpose = z.enum(['personalization', 'clickTracking', 'health']);
export type ConsentPurpose = z.infer<typeof ConsentPurpose>;

export const ConsentEvent = z.object({
  purpose: ConsentPurpose,
  granted: z.boolean(),
  at: z.iso.datetime(),
  source: line(L.consentSource),
  policyVersion: line(L.policyVersion),
});
export type ConsentEvent = z.infer<typeof ConsentEvent>;

/**
 * A shopper as a world folder's users.json holds them (`npm run ingest`, start-up): the profile,
 * whom they follow and their consent history, loaded through the same commands as the API. Whether
 * they are demo personas is the loader's decision (`importShoppers`' `demo` option), not the file's.
 */
export const ShopperRecord = Shopper.omit({ demo: true }).extend({
  follows: z.array(Id).max(MAX_FOLLOWS),
  consents: z.array(ConsentEvent),
});
export type ShopperRecord = z.infer<typeof ShopperRecord>;
