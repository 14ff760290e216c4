/**
 * recommend: the whole personalised pipeline for one shopper, in stage order:
 * consent → feedback signals → profile (cached, assembled from per-creator parts) → candidates per
 * interest → push-down → MMR re-rank → inspiredBy → affiliate tag.
 * Falls back to the non-personalised list, with the reason, when consent or follows rule out a
 * profile. The consent decision is taken fresh on every request, so a withdrawal applies at once.
 *
 * Candidates come from walks of precomputed lists (retrieve/candidate-lists.ts): the table applies
 * one category and one merchant itself, richer filters ride along as the full predicate.
 *
 * Where the shopper's feedback events hook in (each a separate step, so either retrieval path
 * keeps them): (1) `signals` are read only under personalization; (2) the filter step leaves out
 * `signals.leaveOut` (bought, hidden, not interested) with the clicked ids; (3) the profile step
 * takes `savedPosts`/`hiddenPosts` and adds the history interest; (4) after retrieval, `pushDown`
 * lowers look-alikes of the "not interested" items; then MMR. Steering by the caller: `exclude`
 * joins the filter step's excluded ids; `groupBy`/`groupCap` is an admission rule of the selection
 * step (`capPerGroup`, given to MMR or `takeAdmitted`).
 */
import { consentAge } from '../../consent/decide.js';
import { AppError } from '../../errors.js';
import { storeOrder } from '../../profile/creator-interests.js';
import { feedbackSignals, type FeedbackSignals } from '../../profile/feedback.js';
import { capPerGroup, takeAdmitted } from '../../rank/group-cap.js';
import { Inspirations, mostSimilarPost, type Inspiration } from '../../rank/inspired.js';
import { describeParameters } from '../../rank/parameters.js';
import { pushDown } from '../../rank/push-down.js';
import type { RankRequest } from '../../rank/rank-rows.js';
import type { RowCandidate } from '../../retrieve/candidate-lists.js';
import { productPredicate } from '../../retrieve/filters.js';
import type { CoreDeps } from '../deps.js';
import { inspiredByView, productView, round4 } from '../present.js';
import { priceFilterInfo } from '../price-filter.js';
import { responseKey } from '../response-cache.js';
import { DEFAULT_GROUP_CAP, type RecommendationItem, type RecommendationResponse, type RecommendQuery } from '../schemas.js';
import type { CoreState } from '../state.js';
import { listRules } from './list-rules.js';
import { popularList } from './popular.js';
import { createProfiles, NO_SOURCES } from './shopper-profile.js';

/** Ablation switches for the offline evaluation; the API always uses the defaults. */
export interface RecommendOptions {
  /** 'multi' (default): one interest per followed creator; 'single': one centroid. */
  mode?: 'multi' | 'single';
  /** false: plain relevance order, no MMR (default true). */
  mmr?: boolean;
}

/**
 * A candidate on its way to the list: its table row is valid inside the candidates callback. Its
 * vector is read from the row only where one is needed (push-down, the cited post): a view per
 * candidate was half of what each computed list left for the garbage collector to promote.
 */
interface Pick {
  id: string;
  row: number;
  relevance: number;
  insp: Inspiration | null;
}

/** Fills `out` with one number per item: a plain loop, as `TypedArray.from` with a map function is ~10x slower in V8. */
function column<T, A extends Int32Array | Float64Array>(items: readonly T[], out: A, of: (item: T) => number): A {
  for (let i = 0; i < items.length; i++) out[i] = of(items[i]!);
  return out;
}

export function createRecommend(deps: CoreDeps, state: CoreState) {
  const { profiles: cache, responses, vectors: table, catalog, lists, ranker } = state;
  // Each creator's closest post to a product, memoised by table row and row generation, so it can
  // never answer for a changed product.
  const inspirations = new Inspirations();
  const { profileFor, creditsFor } = createProfiles(deps, state);

  /** Vectors of what the shopper marked "not interested" (products and posts that still exist). */
  async function negativeVectors(signals: FeedbackSignals): Promise<Float32Array[]> {
    const { products, posts } = signals.negatives;
    if (products.size + posts.size === 0) return [];
    const fromProducts = (await table.getMany([...products])).filter((v): v is Float32Array => !!v);
    const fromPosts = posts.size ? [...(await deps.store.getVectors('post', [...posts], deps.embedder.modelId)).values()] : [];
    return [...fromProducts, ...fromPosts];
  }

  /**
   * The ranked list for one shopper.
   * @throws AppError NOT_FOUND when the shopper does not exist.
   */
  return async function recommend(userId: string, query: RecommendQuery, options: RecommendOptions = {}): Promise<RecommendationResponse> {
    const at = deps.now();
    const epoch = responses.epoch;
    const profileEpoch = cache.epoch;
    // One store read (one round trip on PostgreSQL): the shopper, ledger, follows and pseudonym.
    const shopper = await deps.store.shopperReadSet(userId);
    if (!shopper) throw new AppError('NOT_FOUND', `No shopper with id "${userId}".`);
    const { user } = shopper;
    // Decided fresh on every request, before the response cache: the decision is part of its key.
    const decision = state.decide(user, shopper.consents, at);
    const mode = options.mode ?? 'multi';
    const key = responses.enabled ? responseKey(query, decision, mode, options.mmr !== false) : '';
    const hit = responses.enabled ? responses.get(userId, key, at.getTime()) : undefined;
    if (hit) return hit;
    const ref = decision.clickTracking ? (shopper.linkRef ?? null) : null;
    // Clicks and feedback events (profiling data) are read only when the decision allows them,
    // in one store call (one statement on PostgreSQL, where each is a round trip).
    const activity = ref || decision.personalization ? await deps.store.shopperActivity(userId, { userRef: ref, feedback: decision.personalization }) : { clicked: new Set<string>(), feedback: [] };
    const clicked = activity.clicked;
    const signals = feedbackSignals(activity.feedback, at, deps.settings.halfLifeDays);
    const excludeIds = new Set([...clicked, ...signals.leaveOut, ...(query.exclude ?? [])]);
    const priceFilter = priceFilterInfo(query, deps.settings.rates, 'query.currency');
    const accept = productPredicate(catalog, { filters: query, excludeIds, allowSensitive: decision.health, rates: deps.settings.rates });
    const { personalization, clickTracking, health, minor, applied } = decision;
    const base = { userId, consent: { applied: [...applied], personalization, clickTracking, health, minor }, diversity: query.diversity, priceFilter };
    const cap = query.groupBy ? { by: query.groupBy, cap: query.groupCap ?? DEFAULT_GROUP_CAP } : undefined;
    const because = minor ? 'minor' : personalization ? 'no-sources' : 'not-granted';
    const describe = (personalized: boolean) =>
      describeParameters({
        personalized, because, diversity: query.diversity, health, clickTracking, halfLifeDays: deps.settings.halfLifeDays,
        minorAge: minor ? consentAge(user.region, deps.policy) : undefined,
        excluded: (query.exclude?.length ?? 0) > 0, group: cap,
      });

    const follows = personalization ? shopper.follows : [];
    const profile = personalization ? await profileFor(follows, userId, decision, signals, mode, at, profileEpoch) : null;
    const remember = (response: RecommendationResponse) => {
      responses.set(userId, key, response, new Set(follows), at.getTime(), epoch);
      return response;
    };
    if (!profile || profile.interests.length === 0) {
      // Not personalised: no creator inspired these items, so only a brand cap applies.
      const brandCap = cap?.by === 'brand' ? capPerGroup((id: string) => catalog.get(id)?.brand.toLowerCase() ?? null, cap.cap) : undefined;
      const popular = await popularList(deps.store, catalog, accept, query.limit, brandCap);
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
    const credits = creditsFor(profile);
    const negatives = await negativeVectors(signals);
    const groups = (profile.parts ?? []).map((p) => p.posts);
    // The followed post a product cites: memoised per creator part on the list path.
    const vectorOf = (c: Pick) => table.vectorAt(c.row);
    const cite = (c: Pick): Inspiration =>
      (groups.length > 0
        ? inspirations.best(groups, c.row, table.generation[c.row]!, vectorOf(c), storeOrder)
        : mostSimilarPost(vectorOf(c), profile.posts))!;

    /** Push-down over the candidates; for groupBy=creator also the cited posts (it caps by the cited creator). */
    const prepare = (candidates: RowCandidate[]): Pick[] => {
      // The pool is this request's own objects: the cited post is filled in place, not copied.
      const cited = pushDown(candidates.map((c): Pick => ({ id: c.id, row: c.row, relevance: c.relevance, insp: null })), negatives, vectorOf);
      if (cap?.by === 'creator') for (const c of cited) c.insp = cite(c);
      return cited;
    };
    const groupOf = (c: Pick) => (cap?.by === 'creator' ? c.insp!.source.creator.id : (catalog.get(c.id)?.brand.toLowerCase() ?? null));
    /** The pool as the ranker takes it: rows, relevances and (with a cap) each group as a small integer. */
    const rankRequest = (cited: Pick[]): RankRequest => {
      const codes = new Map<string, number>();
      const code = (g: string | null) => (g === null ? -1 : codes.get(g) ?? (codes.set(g, codes.size), codes.size - 1));
      return {
        rows: column(cited, new Int32Array(cited.length), (c) => c.row), relevance: column(cited, new Float64Array(cited.length), (c) => c.relevance),
        groups: cap ? column(cited, new Int32Array(cited.length), (c) => code(groupOf(c))) : null, cap: cap?.cap ?? 0,
        k: query.limit, lambda: 1 - query.diversity,
      };
    };
    /** The items for the picks, in order; their rows must be as they were when they were picked. */
    const present = (ranked: Pick[]): RecommendationItem[] =>
      ranked.map((c, i): RecommendationItem => {
        const product = catalog.get(c.id)!;
        const insp = c.insp ?? cite(c);
        return {
          rank: i + 1,
          score: round4(c.relevance),
          product: productView(product),
          inspiredBy: inspiredByView(insp.source.creator, insp.source.post, insp.similarity),
          ...deps.tagger.tag({ product, credit: credits.get(insp.source.creator.id) ?? null, userRef: ref, now: at }),
        };
      });
    /** Push-down, group cap and MMR, then the items, in one synchronous step: no row can change in between. */
    const finishNow = (cited: Pick[]): RecommendationItem[] => {
      if (options.mmr === false) return present(takeAdmitted(cited, query.limit, cap ? capPerGroup(groupOf, cap.cap) : undefined));
      return present(Array.from(ranker.rankNow(rankRequest(cited)), (at) => cited[at]!));
    };
    const selectNow = (candidates: RowCandidate[]) => finishNow(prepare(candidates));

    const rules = listRules(query, excludeIds, decision.health, accept, deps.settings.rates);
    // Every candidate row is a catalog product (the table and the catalog change together).
    // A large pool's MMR runs in the rank worker; small pools and the no-MMR ablation stay inline.
    type Staged = { items: RecommendationItem[] } | { cited: Pick[]; generations: Int32Array; request: RankRequest };
    const staged = await lists.withCandidates(profile.interests, perInterest, rules, (candidates): Staged => {
      const cited = prepare(candidates);
      if (options.mmr === false || !ranker.offloads(cited.length)) return { items: finishNow(cited) };
      return { cited, generations: column(cited, new Int32Array(cited.length), (c) => table.generation[c.row]!), request: rankRequest(cited) };
    });
    let items: RecommendationItem[];
    if ('items' in staged) items = staged.items;
    else {
      const { cited, generations } = staged;
      const picks = await ranker.rank(staged.request);
      // While the worker ranked, the event loop ran on: if any candidate's row was written or
      // removed meanwhile (a product update or delete), its picks may rest on the old vector or
      // cite a product that is gone. Then everything is redone at once, inline, from fresh candidates.
      const unchanged = cited.every((c, i) => table.generation[c.row] === generations[i]);
      items = unchanged
        ? present(Array.from(picks, (at) => cited[at]!))
        : await lists.withCandidates(profile.interests, perInterest, rules, selectNow);
    }
    return remember({ ...base, personalized: true, reason: null, parameters: describe(true), items });
  };

}
