/**
 * The consent decision's shape, declared once: the decider returns it, recommendation responses
 * summarise it and the consent routes show it, all derived from this schema.
 */
import { z } from 'zod';
import { ConsentPurpose } from '../domain/index.js';

/** One flag per purpose. */
export const PurposeFlags = z.object({
  /** Profile the shopper's taste from the creators they follow (consent-only, IAB TCF 5/6). */
  personalization: z.boolean(),
  /** Link the shopper's clicks to their pseudonymous id. */
  clickTracking: z.boolean(),
  /** Health & wellness items and posts may be used; needs explicit consent AND personalization. */
  health: z.boolean(),
});

export const ConsentDecision = PurposeFlags.extend({
  /** The shopper is under the age of digital consent for their country: nothing above applies. */
  minor: z.boolean(),
  /** The purposes applied, in a fixed order; what a response's `consent.applied` shows. */
  applied: z.array(ConsentPurpose),
  /** A sentence the UI can show when personalization is off; null when it is on. */
  reason: z.string().nullable().describe('A sentence the UI can show when personalization is off.'),
});
export type ConsentDecision = z.infer<typeof ConsentDecision>;
