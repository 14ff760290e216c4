/**
 * A shopper's taste profile as the recommender builds it, shared by the recommendations and the
 * shopper's data export, so the export shows exactly the creators and posts that shape their
 * recommendations: eligible followed creators only, health posts only with health consent (health
 * status from the category taxonomy), cached per shopper under a key of those inputs.
 */
import type { Credit } from '../../affiliate/tagger.js';
import { isCreditable } from '../../affiliate/tagger.js';
import type { ConsentDecision } from '../../consent/decide.js';
import type { Creator } from '../../domain/index.js';
import { profileKey } from '../../profile/cache.js';
import { buildProfile, eligibleCreators, type Profile } from '../../profile/profile.js';
import type { CoreDeps } from '../deps.js';
import type { CoreState } from '../state.js';

/** The reason when personalisation is allowed but no followed creator may be used. */
export const NO_SOURCES =
  'You do not follow any creator whose posts may be used for recommendations yet, so you are seeing popular picks that do not use your data.';

export function createProfiles(deps: CoreDeps, state: CoreState) {
  const cache = state.profiles;

  /** The profile from `follows` under `decision`; `epoch` is the cache epoch taken before any read. */
  async function profileFor(
    follows: string[], userId: string, decision: ConsentDecision, mode: 'multi' | 'single', at: Date, epoch: number = cache.epoch,
  ): Promise<Profile> {
    const byId = new Map((await deps.store.getCreators(follows)).map((c) => [c.id, c]));
    const creators = follows.map((id) => byId.get(id)).filter((c): c is Creator => !!c);
    const sources = eligibleCreators(creators);
    const key = profileKey(sources.map((c) => c.id), decision.health, mode);
    const hit = cache.get(userId, key);
    if (hit) return hit;
    const posts = await deps.store.listPosts(sources.map((c) => c.id));
    const vectors = await deps.store.getVectors('post', posts.map((p) => p.id), deps.embedder.modelId);
    const profile = buildProfile(
      { creators: sources, posts, vectors, allowHealth: decision.health, taxonomy: state.taxonomy, now: at },
      { halfLifeDays: deps.settings.halfLifeDays, mode },
    );
    cache.set(userId, key, profile, epoch);
    return profile;
  }

  /** Who each profile creator's picks may credit: only creators with both opt-ins, by their opaque code. */
  async function creditsFor(profile: Profile): Promise<Map<string, Credit>> {
    const creditable = [...new Map(profile.posts.map((p) => [p.creator.id, p.creator])).values()].filter((c) => isCreditable(c));
    const codes = await deps.store.creatorCodes(creditable.map((c) => c.id));
    const credits = new Map<string, Credit>();
    for (const c of creditable) {
      const code = codes.get(c.id);
      if (code) credits.set(c.id, { code, handle: c.handle });
    }
    return credits;
  }

  return { profileFor, creditsFor };
}
