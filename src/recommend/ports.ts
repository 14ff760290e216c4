/**
 * What the recommendation core needs from the consent and affiliate modules. They are injected
 * (createRecommender / createApp deps) so tests can pass simple stand-ins; the real ones are
 * `decideConsent` in `src/consent/` and `createTagger` in `src/affiliate/`. The shapes are
 * declared here structurally so the core compiles on its own.
 */
import type { AgeBand, ConsentEvent, ConsentPurpose, Creator, Product } from '../world/schema.js';

/** Which purposes apply to a shopper right now (see `src/consent/decide.ts`). */
export interface ConsentDecision {
  personalization: boolean;
  clickTracking: boolean;
  health: boolean;
  minor: boolean;
  applied: ConsentPurpose[];
  /** A sentence the UI shows when personalization is off; null when it is on. */
  reason: string | null;
}

/** The consent policy bound into a function: decides from the shopper and their ledger. */
export type ConsentDecider = (
  user: { region: string; ageBand: AgeBand },
  events: ConsentEvent[],
  now: Date,
) => ConsentDecision;

export interface TagInput {
  product: Product;
  /** The creator whose post inspired the pick; the tagger credits them only if opted in to affiliate. */
  creator: Creator | null;
  /** Pseudonymous shopper reference, only when the shopper granted clickTracking. */
  userRef: string | null;
  now: Date;
}

/** Builds the outbound `/r/<token>` link and the disclosure shown beside it. */
export interface Tagger {
  tag(input: TagInput): { affiliateUrl: string; disclosure: string };
}
