/** Shoppers, whom they follow, and their append-only consent ledger. */
import { z } from 'zod';
import { Id } from './ids.js';
import { Region } from './regions.js';

export const AgeBand = z.enum(['under13', '13-15', '16-17', '18-24', '25-34', '35-44', '45-54', '55+']);
export type AgeBand = z.infer<typeof AgeBand>;

export const Shopper = z.object({
  id: Id,
  displayName: z.string(),
  /** ISO 3166-1 alpha-2 country code, e.g. "DE", "US" (the EU's EL / UK are stored as GR / GB; unknown codes are refused). */
  region: Region,
  ageBand: AgeBand,
});
export type Shopper = z.infer<typeof Shopper>;

export const MAX_FOLLOWS = 50;

export const ConsentPurpose = z.enum(['personalization', 'clickTracking', 'health']);
export type ConsentPurpose = z.infer<typeof ConsentPurpose>;

export const ConsentEvent = z.object({
  purpose: ConsentPurpose,
  granted: z.boolean(),
  at: z.iso.datetime(),
  source: z.string(),
  policyVersion: z.string(),
});
export type ConsentEvent = z.infer<typeof ConsentEvent>;

/**
 * A shopper as a world folder's users.json holds them (`npm run ingest`, start-up): the profile,
 * whom they follow and their consent history, loaded through the same commands as the API.
 */
export const ShopperRecord = Shopper.extend({
  follows: z.array(Id).max(MAX_FOLLOWS),
  consents: z.array(ConsentEvent),
});
export type ShopperRecord = z.infer<typeof ShopperRecord>;
