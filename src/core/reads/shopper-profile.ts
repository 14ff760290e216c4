/**
 * A shopper's taste profile as the recommender builds it, shared by the recommendations and the
 * shopper's data export, so the export shows exactly the creators and posts that shape their
 * recommendations: eligible followed creators only, health posts only with health consent (health
 * status from the category taxonomy), cached per shopper under a key of those inputs.
 *
 * A profile is assembled from per-creator parts (one eligible creator's interest, usable posts and
 * link code, per health variant), each built once and shared by every follower of that creator
 * (`state.creators`; dropped by `creatorChanged` and `categoriesChanged`), which also keeps the
 * followed creators' rows, so a computed list reads none of them from the store. The shopper's feedback
 * events shape it too: a part holding posts the shopper saved or hid is copied for them with
 * saved posts weighing more and hidden posts left out (`personalisePart`), and a recency-weighted
 * history interest joins the creator interests (`feedbackSignalsOf`).
 */
import type { Credit } from '../../affiliate/tagger.js';
import { isCreditable } from '../../affiliate/tagger.js';
import type { ConsentDecision } from '../../consent/decide.js';
import type { Creator } from '../../domain/index.js';
import { profileKey } from '../../profile/cache.js';
import { assembleProfile, creatorPart, personalisePart, type CreatorPart } from '../../profile/creator-interests.js';
import { feedbackSignals, type FeedbackSignals } from '../../profile/feedback.js';
import { withHistoryInterest } from '../../profile/history.js';
import { eligibleCreators, type Profile } from '../../profile/profile.js';
import type { CoreDeps } from '../deps.js';
import type { CoreState } from '../state.js';

/** The reason when personalisation is allowed but no followed creator may be used. */
export const NO_SOURCES =
  'You do not follow any creator whose posts may be used for recommendations yet, so you are seeing popular picks that do not use your data.';

export function createProfiles(deps: CoreDeps, state: CoreState) {
  const { profiles: cache, creators: parts } = state;

  /** One eligible creator's interest and posts for this health variant: shared by every follower. */
  async function partOf(creator: Creator, allowHealth: boolean, at: Date): Promise<CreatorPart> {
    const hit = parts.get(creator.id, allowHealth);
    if (hit) return hit;
    const epoch = parts.epoch;
    const posts = await deps.store.listPosts([creator.id]);
    const vectors = await deps.store.getVectors('post', posts.map((p) => p.id), deps.embedder.modelId);
    // Codes never change; the opt-ins that decide whether it is used drop the part when they change.
    const code = isCreditable(creator) ? ((await deps.store.creatorCodes([creator.id])).get(creator.id) ?? null) : null;
    const part = creatorPart(
      { creator, posts, vectors, allowHealth, taxonomy: state.taxonomy, now: at, code },
      { halfLifeDays: deps.settings.halfLifeDays },
    );
    parts.set(part, allowHealth, epoch);
    return part;
  }

  /** The followed creators that exist, in follow order: from the part cache's rows, else one store read. */
  async function followedCreators(follows: string[]): Promise<Creator[]> {
    const known = parts.creatorsOf(follows);
    if (known) return known;
    const epoch = parts.epoch;
    const found = await deps.store.getCreators(follows);
    parts.setCreators(follows, found, epoch);
    const byId = new Map(found.map((c) => [c.id, c]));
    return follows.map((id) => byId.get(id)).filter((c): c is Creator => !!c);
  }

  /** The shopper's feedback signals: events are profiling data, read only under personalization. */
  async function feedbackSignalsOf(userId: string, decision: ConsentDecision, at: Date): Promise<FeedbackSignals> {
    return feedbackSignals(decision.personalization ? await deps.store.listFeedback(userId) : [], at, deps.settings.halfLifeDays);
  }

  /** The profile from `follows` and `signals` under `decision`; `epoch` is the cache epoch taken before any read. */
  async function profileFor(
    follows: string[], userId: string, decision: ConsentDecision, signals: FeedbackSignals, mode: 'multi' | 'single', at: Date, epoch: number = cache.epoch,
  ): Promise<Profile> {
    const creators = await followedCreators(follows);
    const sources = eligibleCreators(creators);
    const key = profileKey(sources.map((c) => c.id), decision.health, mode);
    const hit = cache.get(userId, key);
    if (hit) return hit;
    const shared = await Promise.all(sources.map((c) => partOf(c, decision.health, at)));
    const fromPosts = assembleProfile(shared.map((p) => personalisePart(p, signals)), { mode });
    const profile = withHistoryInterest(fromPosts, await historyItems(signals, decision));
    cache.set(userId, key, profile, epoch);
    return profile;
  }

  /** The products of the history interest with their vectors; health items only with health consent. */
  async function historyItems(signals: FeedbackSignals, decision: ConsentDecision) {
    const usable = signals.history.filter((h) => {
      const p = state.catalog.get(h.productId);
      return p !== undefined && (decision.health || !state.catalog.isHealth(h.productId));
    });
    const found = await state.vectors.getMany(usable.map((h) => h.productId));
    return usable.flatMap((h, i) => (found[i] ? [{ vector: found[i]!, weight: h.weight }] : []));
  }

  /** Who each profile creator's picks may credit: only creators with both opt-ins, by their opaque code. */
  function creditsFor(profile: Profile): Map<string, Credit> {
    const credits = new Map<string, Credit>();
    for (const part of profile.parts ?? []) {
      if (part.code && part.posts.length > 0 && isCreditable(part.creator)) credits.set(part.creator.id, { code: part.code, handle: part.creator.handle });
    }
    return credits;
  }

  return { profileFor, creditsFor, feedbackSignalsOf };
}
