/**
 * recommend: the whole personalised pipeline for one shopper, in stage order:
 * consent → profile (cached) → retrieve per interest → MMR re-rank → inspiredBy → affiliate tag.
 * Falls back to the non-personalised list, with the reason, when consent or follows rule out a
 * profile. The consent decision is taken fresh on every request, so a withdrawal applies at once.
 */
import { consentAge } from '../../consent/decide.js';
import { AppError } from '../../errors.js';
import { mostSimilarPost } from '../../rank/inspired.js';
import { mmrRerank } from '../../rank/mmr.js';
import { describeParameters } from '../../rank/parameters.js';
import { productPredicate } from '../../retrieve/filters.js';
import { retrieveCandidates, type Candidate } from '../../retrieve/retrieve.js';
import type { CoreDeps } from '../deps.js';
import { inspiredByView, productView, round4 } from '../present.js';
import { responseKey } from '../response-cache.js';
import type { RecommendationItem, RecommendationResponse, RecommendQuery } from '../schemas.js';
import type { CoreState } from '../state.js';
import { popularList } from './popular.js';
import { createProfiles, NO_SOURCES } from './shopper-profile.js';

/** Ablation switches for the offline evaluation; the API always uses the defaults. */
export interface RecommendOptions {
  /** 'multi' (default): one interest per followed creator; 'single': one centroid. */
  mode?: 'multi' | 'single';
  /** false: plain relevance order, no MMR (default true). */
  mmr?: boolean;
}

export function createRecommend(deps: CoreDeps, state: CoreState) {
  const { profiles: cache, responses, vectors: productVectors, catalog } = state;
  const { profileFor, creditsFor } = createProfiles(deps, state);

  /**
   * The ranked list for one shopper.
   * @throws AppError NOT_FOUND when the shopper does not exist.
   */
  return async function recommend(userId: string, query: RecommendQuery, options: RecommendOptions = {}): Promise<RecommendationResponse> {
    const at = deps.now();
    const epoch = responses.epoch;
    const profileEpoch = cache.epoch;
    const user = await deps.store.getUser(userId);
    if (!user) throw new AppError('NOT_FOUND', `No shopper with id "${userId}".`);
    // Decided fresh on every request, before the response cache: the decision is part of its key.
    const decision = state.decide(user, await deps.store.listConsents(userId), at);
    const mode = options.mode ?? 'multi';
    const key = responses.enabled ? responseKey(query, decision, mode, options.mmr !== false) : '';
    const hit = responses.enabled ? responses.get(userId, key, at.getTime()) : undefined;
    if (hit) return hit;
    const ref = decision.clickTracking ? ((await deps.store.linkRefOf(userId)) ?? null) : null;
    const clicked = ref ? await deps.store.clickedProducts(ref) : new Set<string>();
    const accept = productPredicate(catalog, { filters: query, excludeIds: clicked, allowSensitive: decision.health });
    const { personalization, clickTracking, health, minor, applied } = decision;
    const base = { userId, consent: { applied: [...applied], personalization, clickTracking, health, minor }, diversity: query.diversity };
    const because = minor ? 'minor' : personalization ? 'no-sources' : 'not-granted';
    const describe = (personalized: boolean) =>
      describeParameters({
        personalized, because, diversity: query.diversity, health, clickTracking, halfLifeDays: deps.settings.halfLifeDays,
        minorAge: minor ? consentAge(user.region, deps.policy) : undefined,
      });

    const follows = personalization ? await deps.store.getFollows(userId) : [];
    const profile = personalization ? await profileFor(follows, userId, decision, mode, at, profileEpoch) : null;
    const remember = (response: RecommendationResponse) => {
      responses.set(userId, key, response, new Set(follows), at.getTime(), epoch);
      return response;
    };
    if (!profile || profile.interests.length === 0) {
      const popular = await popularList(deps.store, catalog, accept, query.limit);
      // A product removed while this request awaited (another request applied the delete) is skipped, never served.
      const live = popular.flatMap((p) => {
        const product = catalog.get(p.id);
        return product ? [{ p, product }] : [];
      });
      const items = live.map(({ p, product }, i): RecommendationItem => {
        return { rank: i + 1, score: round4(p.score), product: productView(product), inspiredBy: null, ...deps.tagger.tag({ product, credit: null, userRef: ref, now: at }) };
      });
      return remember({ ...base, personalized: false, reason: decision.reason ?? NO_SOURCES, parameters: describe(false), items });
    }

    const perInterest = Math.min(Math.max(query.limit * 3, 30), 300);
    const candidates = retrieveCandidates(deps.productIndex, profile.interests, perInterest, accept);
    const found = await productVectors.getMany(candidates.map((c) => c.id));
    const withVectors: Array<Candidate & { vector: Float32Array }> = [];
    for (let i = 0; i < candidates.length; i++) {
      const vector = found[i];
      if (vector) withVectors.push({ id: candidates[i]!.id, relevance: candidates[i]!.relevance, vector });
    }
    const ranked =
      options.mmr === false ? withVectors.slice(0, query.limit) : mmrRerank(withVectors, { k: query.limit, lambda: 1 - query.diversity });
    const credits = await creditsFor(profile);
    // As above: the catalog may have lost a candidate during the awaits (a delete applied meanwhile;
    // with replicas, by another request's catch-up). It is skipped, and the epoch guard keeps this
    // list out of the cache.
    const live = ranked.flatMap((c) => {
      const product = catalog.get(c.id);
      return product ? [{ c, product }] : [];
    });
    const items = live.map(({ c, product }, i): RecommendationItem => {
      const insp = mostSimilarPost(c.vector, profile.posts)!;
      return {
        rank: i + 1,
        score: round4(c.relevance),
        product: productView(product),
        inspiredBy: inspiredByView(insp.source.creator, insp.source.post, insp.similarity),
        ...deps.tagger.tag({ product, credit: credits.get(insp.source.creator.id) ?? null, userRef: ref, now: at }),
      };
    });
    return remember({ ...base, personalized: true, reason: null, parameters: describe(true), items });
  };
}
