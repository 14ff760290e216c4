/**
 * A shopper's data export (GDPR Art. 15 right of access, Art. 20 portability): everything the
 * service holds about one shopper, read through the same paths the service itself uses, so the
 * export cannot show less (or other) than what is applied:
 * - the profile row and their follows (with each creator's opt-ins);
 * - the full consent ledger, what it adds up to, and the decision applied today (`consentState`);
 * - their link pseudonym and every click linked to it (clicks carry no user id);
 * - the creators and posts that shape their profile today (`createProfiles`, as recommend builds it);
 * - feedback: every kept feedback event (POST /v1/users/:id/events), oldest first.
 * Nothing about another shopper is read: every store call is keyed by this shopper's id or pseudonym.
 */
import { consentState } from '../../consent/ledger.js';
import type { CoreDeps } from '../deps.js';
import { round4 } from '../present.js';
import { SHOPPER_EXPORT_FORMAT, type ShopperExport } from '../schemas.js';
import type { CoreState } from '../state.js';
import { createProfiles, NO_SOURCES } from './shopper-profile.js';

const PROCESSING: ShopperExport['processing'] = {
  purposes: {
    personalization: 'With your consent: your taste is learned from the posts of the creators you follow, to rank recommendations.',
    clickTracking: 'With your consent: your clicks on affiliate links are linked to your pseudonym, and items you clicked are left out of your recommendations.',
    health: 'With your explicit consent (and personalization): health & wellness items and posts may be used for your recommendations and searches.',
    profile: 'Your region and age band decide which rules apply (the age of digital consent in your country); minors are never profiled or tracked.',
  },
  recipients:
    'Affiliate networks receive, per click, the product URL and an opaque creator code; never your id, name, region, age band or pseudonym.',
  retention:
    'Kept until your account is erased (DELETE /v1/users/:id). Erasure removes all of the above and keeps only a pseudonymised proof of each consent event (purpose, granted, time, policy version) under a salted hash, as GDPR Art. 7(1) and 17(3)(e) allow; clicks stay for commission reconciliation, with no link to you.',
  source: 'Your profile, follows and consent events come from you through the app; clicks were recorded by this service when you followed a link.',
};

export function createExport(deps: CoreDeps, state: CoreState) {
  const { store } = deps;
  const { profileFor, feedbackSignalsOf } = createProfiles(deps, state);

  /** The profile section: what recommend would build for this shopper now. */
  async function profileSection(userId: string, follows: string[], decision: Awaited<ReturnType<typeof consentState>>['decision'], at: Date) {
    if (!decision.personalization) return { personalized: false, reason: decision.reason, creators: [], posts: [] };
    // With the shopper's feedback signals, as recommend builds it (and one cache entry for both).
    const profile = await profileFor(follows, userId, decision, await feedbackSignalsOf(userId, decision, at), 'multi', at);
    if (profile.interests.length === 0) return { personalized: false, reason: NO_SOURCES, creators: [], posts: [] };
    return {
      personalized: true,
      reason: null,
      // The history interest (creator: null) is listed with the events, not as a creator.
      creators: profile.interests.filter((i) => i.creator).map((i) => ({
        creatorId: i.creator!.id,
        handle: i.creator!.handle,
        posts: profile.posts.filter((p) => p.creator.id === i.creator!.id).length,
        weight: round4(i.weight),
      })),
      posts: profile.posts.map((p) => ({
        postId: p.post.id,
        creatorId: p.creator.id,
        caption: p.post.caption,
        postedAt: p.post.postedAt,
        health: state.taxonomy.postIsHealth(p.post),
        weight: round4(p.weight),
      })),
    };
  }

  /**
   * @throws AppError NOT_FOUND for an unknown (or erased) shopper.
   * @example const doc = await core.exportShopper('u0002'); // JSON.stringify(doc) is the download
   */
  return async function exportShopper(userId: string): Promise<ShopperExport> {
    const at = deps.now();
    const consent = await consentState(store, deps.policy, userId, at); // NOT_FOUND first
    const user = (await store.getUser(userId))!;
    const followIds = await store.getFollows(userId);
    const byId = new Map((await store.getCreators(followIds)).map((c) => [c.id, c]));
    const ref = (await store.linkRefOf(userId)) ?? null;
    const clicks = ref ? await store.clicksByUserRef(ref) : [];
    // One entry per kind of data held; a new kind (feedback, say) adds its section here.
    const sections = {
      shopper: { id: user.id, displayName: user.displayName, region: user.region, ageBand: user.ageBand, demo: user.demo === true },
      follows: followIds.flatMap((id) => {
        const c = byId.get(id);
        return c ? [{ creatorId: c.id, handle: c.handle, displayName: c.displayName, optIns: { ...c.optIns } }] : [];
      }),
      consent: { current: consent.current, minor: consent.minor, decision: consent.decision, history: consent.history },
      linkPseudonym: ref,
      clicks: clicks.map(({ userRef: _ref, ...click }) => click),
      profile: await profileSection(userId, followIds, consent.decision, at),
      // Kept only under personalization (deleted on withdrawal), so this is everything held.
      feedback: (await store.listFeedback(userId)).map(({ id, type, productId, postId, at }) => ({ id, type, ...(productId ? { productId } : {}), ...(postId ? { postId } : {}), at })),
    };
    return { format: SHOPPER_EXPORT_FORMAT, version: 1, exportedAt: at.toISOString(), ...sections, processing: PROCESSING };
  };
}
