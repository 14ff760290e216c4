/**
 * Following an affiliate link: verify the token, then decide AT CLICK TIME whom it may credit and
 * link, and record the click. A token only names the product, an opaque creator code and an
 * opaque shopper pseudonym; each is looked up now:
 * - the product must still be in the catalog (else 404, no redirect);
 * - the creator is credited only if the code still belongs to a creator with both opt-ins
 *   (a removed creator's code belongs to nobody; an opt-out since the link was made wins);
 * - the shopper is linked only if the pseudonym still belongs to someone (erasure retires it, and a
 *   new shopper with the same id gets a new one) who allows clickTracking now (never a minor).
 * The outbound URL is built server-side with exactly the code that was credited.
 *
 * So that reports can be trusted, a click is counted at most once per token per dedupe window
 * (CLICK_DEDUPE_WINDOW_S, fixed windows from the epoch: a replayed link counts once) and never for
 * HEAD requests or user agents on the documented bot list (`src/affiliate/bots.ts`). Those still
 * get their redirect.
 */
import { createHash } from 'node:crypto';
import { isBotAgent } from '../../affiliate/bots.js';
import { isCreditable } from '../../affiliate/tagger.js';
import { AppError } from '../../errors.js';
import type { CoreDeps } from '../deps.js';
import { shopperChanged, type CoreState } from '../state.js';

export interface FollowOptions {
  /** false for HEAD (link checkers, unfurlers): answered, but not a shopper's click. */
  count: boolean;
  /** The request's User-Agent: obvious bots are answered but not counted. */
  userAgent?: string;
}

/**
 * The dedupe key of a click on `token` at `at`: a hash of the token (never the token, which names
 * the shopper's pseudonym) and the window it falls in. Equal keys are counted once.
 */
export function clickDedupeKey(token: string, at: Date, windowSeconds: number): string {
  const window = Math.floor(at.getTime() / 1000 / windowSeconds);
  return `${createHash('sha256').update(token).digest('base64url').slice(0, 22)}:${window}`;
}

export function clickCommands(deps: CoreDeps, state: CoreState) {
  const { store, tagger } = deps;

  /** The shopper a click may be linked to now, or null. */
  async function linkedShopper(ref: string | null, at: Date): Promise<string | null> {
    if (!ref) return null;
    const userId = await store.userOfLinkRef(ref);
    const user = userId ? await store.getUser(userId) : undefined;
    if (!user) return null;
    return state.decide(user, await store.listConsents(user.id), at).clickTracking ? user.id : null;
  }

  return {
    /**
     * @returns the outbound URL to redirect to.
     * @throws AppError TOKEN_INVALID, TOKEN_EXPIRED, NOT_FOUND (product gone)
     */
    async followLink(token: string, options: FollowOptions): Promise<{ url: string }> {
      const at = deps.now();
      const claims = tagger.verify(token, at);
      const product = state.catalog.get(claims.productId);
      if (!product) throw new AppError('NOT_FOUND', 'The product behind this link is no longer in the catalog.');
      const creator = claims.creatorCode ? await store.creatorByCode(claims.creatorCode) : undefined;
      const code = isCreditable(creator) ? claims.creatorCode : null;
      const { url, network } = tagger.outbound(product, code);
      if (options.count && !isBotAgent(options.userAgent)) {
        const userId = await linkedShopper(claims.userRef, at);
        const userRef = userId ? claims.userRef : null;
        const window = deps.settings.clickDedupeWindowS;
        const dedupeKey = window > 0 ? clickDedupeKey(token, at, window) : undefined;
        const counted = await store.recordClick({ at: at.toISOString(), productId: product.id, merchant: product.merchant, network, creatorCode: code, userRef }, { dedupeKey });
        if (counted && userId) shopperChanged(state, userId); // their lists leave clicked items out
      }
      return { url };
    },
  };
}
