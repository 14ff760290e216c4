/**
 * recommend: the whole personalised pipeline for one shopper, in stage order:
 * consent → profile (cached) → retrieve per interest → MMR re-rank → inspiredBy → affiliate tag.
 * Falls back to the non-personalised list, with the reason, when consent or follows rule out a
 * profile. The consent decision is taken fresh on every request, so a withdrawal applies at once.
 */
import { AppError } from '../errors.js';
import { ProfileCache, profileKey } from '../profile/cache.js';
import { buildProfile, eligibleCreators, type Profile } from '../profile/profile.js';
import { mostSimilarPost } from '../rank/inspired.js';
import { mmrRerank } from '../rank/mmr.js';
import { describeParameters } from '../rank/parameters.js';
import { productPredicate } from '../retrieve/filters.js';
import { retrieveCandidates, type Candidate } from '../retrieve/retrieve.js';
import type { ProductVectors } from '../retrieve/product-vectors.js';
import type { Creator } from '../world/schema.js';
import type { CoreDeps } from './deps.js';
import { popularList } from './popular.js';
import type { ConsentDecision } from './ports.js';
import { inspiredByView, productView, round4 } from './present.js';
import { responseKey, type ResponseCache } from './response-cache.js';
import type { RecommendationItem, RecommendationResponse, RecommendQuery } from './schemas.js';

/** Ablation switches for the offline evaluation; the API always uses the defaults. */
export interface RecommendOptions {
  /** 'multi' (default): one interest per followed creator; 'single': one centroid. */
  mode?: 'multi' | 'single';
  /** false: plain relevance order, no MMR (default true). */
  mmr?: boolean;
}

const NO_SOURCES =
  'You do not follow any creator whose posts may be used for recommendations yet, so you are seeing popular picks that do not use your data.';

/** The caches and in-memory state the core shares between its operations and its hooks. */
export interface RecommendState {
  profiles: ProfileCache;
  responses: ResponseCache;
  vectors: ProductVectors;
  /** Click reference → shopper, so a click (which carries only the reference) reaches their cache. */
  refs: Map<string, string>;
}

export function createRecommend(deps: CoreDeps, state: RecommendState) {
  const { profiles: cache, responses, vectors: productVectors } = state;
  const now = deps.now ?? (() => new Date());
  const userRef = deps.userRef ?? ((id: string) => id);

  async function profileFor(follows: string[], userId: string, decision: ConsentDecision, mode: 'multi' | 'single', at: Date): Promise<Profile> {
    const creators = (await Promise.all(follows.map((id) => deps.store.getCreator(id)))).filter((c): c is Creator => !!c);
    const sources = eligibleCreators(creators);
    const key = profileKey(sources.map((c) => c.id), decision.health, mode);
    const hit = cache.get(userId, key);
    if (hit) return hit;
    const posts = await deps.store.listPosts(sources.map((c) => c.id));
    const vectors = await deps.store.getVectors('post', posts.map((p) => p.id), deps.embedder.modelId);
    const profile = buildProfile(
      { creators: sources, posts, vectors, allowHealth: decision.health, now: at },
      { halfLifeDays: deps.settings.halfLifeDays, mode },
    );
    cache.set(userId, key, profile);
    return profile;
  }

  /**
   * The ranked list for one shopper.
   * @throws AppError NOT_FOUND when the shopper does not exist.
   */
  return async function recommend(userId: string, query: RecommendQuery, options: RecommendOptions = {}): Promise<RecommendationResponse> {
    const at = now();
    const epoch = responses.epoch;
    const user = await deps.store.getUser(userId);
    if (!user) throw new AppError('NOT_FOUND', `No shopper with id "${userId}".`);
    // Decided fresh on every request, before the response cache: the decision is part of its key.
    const decision = deps.decideConsent(user, await deps.store.listConsents(userId), at);
    const mode = options.mode ?? 'multi';
    const key = responses.enabled ? responseKey(query, decision, mode, options.mmr !== false) : '';
    const hit = responses.enabled ? responses.get(userId, key, at.getTime()) : undefined;
    if (hit) return hit;
    const ref = decision.clickTracking ? userRef(userId) : null;
    if (ref !== null && responses.enabled) state.refs.set(ref, userId);
    const clicked = ref ? await deps.store.clickedProducts(ref) : new Set<string>();
    const accept = productPredicate(deps.catalog, { filters: query, excludeIds: clicked, allowSensitive: decision.health });
    const { personalization, clickTracking, health, minor, applied } = decision;
    const base = { userId, consent: { applied: [...applied], personalization, clickTracking, health, minor }, diversity: query.diversity };
    const describe = (personalized: boolean) =>
      describeParameters({ personalized, diversity: query.diversity, health, clickTracking, halfLifeDays: deps.settings.halfLifeDays });

    const follows = personalization ? await deps.store.getFollows(userId) : [];
    const profile = personalization ? await profileFor(follows, userId, decision, mode, at) : null;
    const remember = (response: RecommendationResponse) => {
      responses.set(userId, key, response, new Set(follows), at.getTime(), epoch);
      return response;
    };
    if (!profile || profile.interests.length === 0) {
      const popular = await popularList(deps.store, deps.catalog, accept, query.limit);
      const items = popular.map((p, i): RecommendationItem => {
        const product = deps.catalog.get(p.id)!;
        return { rank: i + 1, score: round4(p.score), product: productView(product), inspiredBy: null, ...deps.tagger.tag({ product, creator: null, userRef: ref, now: at }) };
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
    const items = ranked.map((c, i): RecommendationItem => {
      const product = deps.catalog.get(c.id)!;
      const insp = mostSimilarPost(c.vector, profile.posts)!;
      return {
        rank: i + 1,
        score: round4(c.relevance),
        product: productView(product),
        inspiredBy: inspiredByView(insp.source.creator, insp.source.post, insp.similarity),
        ...deps.tagger.tag({ product, creator: insp.source.creator, userRef: ref, now: at }),
      };
    });
    return remember({ ...base, personalized: true, reason: null, parameters: describe(true), items });
  };
}
