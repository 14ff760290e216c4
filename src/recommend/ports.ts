/**
 * What the recommendation core needs from the consent and affiliate modules. They are injected
 * (createRecommender / createApp deps) so tests can pass simple stand-ins; the real ones are
 * `decideConsent` in `src/consent/` and `createTagger` in `src/affiliate/`. Only types are
 * imported from them, so the core has no runtime dependency on either.
 */
import type { ConsentDecision } from '../consent/decide.js';
import type { AgeBand, ConsentEvent, Creator, Product } from '../world/schema.js';

/** Which purposes apply to a shopper right now: one definition, owned by the consent module. */
export type { ConsentDecision };

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
