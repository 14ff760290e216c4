/**
 * The offline evaluation: every method ranks products for every shopper the service personalises
 * for, the lists are scored against the shoppers' held-out purchases with a 95% bootstrap interval
 * over shoppers, and the comparisons a data scientist asks for are computed from the same
 * resamples (the ladder, each ablation against the service, the service against each baseline per
 * segment). Every core method is also run for EVERY shopper (consenting or not, minors included)
 * and its responses audited for consent violations, so a leak in any ranking path shows up. The
 * look metrics (looks.ts) run on the service's search and similar reads.
 */
import type { ConsentViolations, ServedList } from './consent-check.js';
import { auditConsent } from './consent-check.js';
import { buildBaselines } from './baselines.js';
import type { FeedSummary } from './feedback.js';
import { evaluateLooks, type LookResults } from './looks.js';
import { METHODS, type Method, type MethodId } from './methods.js';
import { catalogCoverage, intraListDiversity, ndcgAtK, novelty, popularityFromCounts, recallAtK, reciprocalRank } from './metrics.js';
import type { PreparedWorld } from './prepare.js';
import { segmentsOf } from './segments.js';
import { diffEstimate, excludesZero, meanEstimate, resamples, separated, statisticEstimate, type Estimate, type Resamples } from './stats.js';
import { RecommendQuery, type RecommendationResponse } from '../../src/core/schemas.js';
import type { EvalWorld } from './world.js';

/** Per-shopper metrics (averaged over shoppers). */
export type UserMetric = 'recallAtK' | 'recallAtDeep' | 'ndcgAtK' | 'mrr' | 'diversity' | 'novelty';
export type MetricId = UserMetric | 'coverage';
const USER_METRICS: readonly UserMetric[] = ['recallAtK', 'recallAtDeep', 'ndcgAtK', 'mrr', 'diversity', 'novelty'];

export interface MethodResult {
  id: MethodId;
  label: string;
  description: string;
  kind: Method['kind'];
  metrics: Record<MetricId, Estimate>;
  /** Null for baselines, which serve nothing through the service. */
  consent: ConsentViolations | null;
  /** Top-k per evaluated shopper (in memory only; not written to the JSON report). */
  lists: Record<string, string[]>;
  /** Each metric per evaluated shopper, in the same order for every method (in memory only). */
  perUser: Record<UserMetric, number[]>;
}

export interface LadderStep {
  metric: UserMetric;
  lower: MethodId;
  upper: MethodId;
  lowerValue: Estimate;
  upperValue: Estimate;
  /** upper − lower, paired over shoppers. */
  diff: Estimate;
  /** The upper rung scores higher and the two 95% intervals do not overlap. */
  holds: boolean;
}

export interface Comparison {
  metric: UserMetric;
  /** Segment id ('all' for every scored shopper). */
  segment: string;
  shoppers: number;
  method: MethodId;
  against: MethodId;
  /** method − against, paired over shoppers. */
  diff: Estimate;
  verdict: 'higher' | 'lower' | 'indistinguishable';
}

export interface SegmentResult {
  id: string;
  label: string;
  short: string;
  shoppers: number;
  methods: Array<{ id: MethodId; label: string; ndcgAtK: Estimate; recallAtK: Estimate; recallAtDeep: Estimate }>;
}

/** Service + feedback against the service without events, on the same shoppers. */
export interface FeedbackResult {
  /** What was sent through the feedback command and what it kept or refused. */
  fed: FeedSummary;
  /** service + feedback − service, paired over each segment's shoppers. */
  comparisons: Comparison[];
  /** Scored shoppers whose top-k differs with their events. */
  changedLists: number;
  /** Shoppers without personalization (no consent, or minors): their lists must be identical in both. */
  unconsented: number;
  /** Of those, how many got a different list with events (must be 0: the command kept nothing of theirs). */
  unconsentedDiffering: number;
}

export interface EvalResult {
  k: number;
  deepK: number;
  world: { name: string; seed: number | null; generatorVersion: number | null; products: number; creators: number; posts: number; users: number };
  /** Shoppers scored: the service personalised for them and they have held-out purchases. */
  evaluatedUsers: number;
  /** Shoppers in the consent audit (all of them). */
  auditedUsers: number;
  methods: MethodResult[];
  /** random < popularity < aesthetic-only < fused < oracle, per metric. */
  ladder: LadderStep[];
  /** Each ablation and the degraded embedding against the fused service, on every scored shopper. */
  ablations: Comparison[];
  /** The fused service against each baseline, per segment. */
  serviceVsBaselines: Comparison[];
  segments: SegmentResult[];
  looks: LookResults | null;
  /** Null when the 'feedback' core was not built (no histories in the world, or not asked for). */
  feedback: FeedbackResult | null;
  /** What was left out and why (missing ground truth, a variant not run). */
  notes: string[];
}

export interface EvalOptions {
  k?: number;
  /** Depth for Recall@deep and MRR (default 50). */
  deepK?: number;
  seed?: number;
  methods?: readonly Method[];
  /** Skip shop the look and similar products (default: run them). */
  looks?: boolean;
  onStep?: (done: number, total: number, label: string) => void;
}

export const LADDER: readonly MethodId[] = ['random', 'popularity', 'aesthetic', 'fused', 'oracle'];
const LADDER_METRICS: readonly UserMetric[] = ['ndcgAtK', 'recallAtK', 'recallAtDeep', 'mrr'];
const ABLATIONS: readonly MethodId[] = ['text-only', 'image-only', 'fused-single-centroid', 'fused-no-mmr', 'degraded'];
const ABLATION_METRICS: readonly UserMetric[] = ['ndcgAtK', 'recallAtK', 'recallAtDeep', 'diversity'];
const RIVALS: readonly MethodId[] = ['random', 'popularity', 'editorial', 'co-follower', 'item-knn', 'aesthetic'];
const RIVAL_METRICS: readonly UserMetric[] = ['ndcgAtK', 'recallAtDeep'];
export const FEEDBACK_METRICS: readonly UserMetric[] = ['ndcgAtK', 'recallAtK', 'recallAtDeep', 'mrr'];

function compare(metric: UserMetric, segment: string, method: MethodResult, against: MethodResult, members: readonly number[], r: Resamples): Comparison {
  const pick = (xs: number[]) => members.map((i) => xs[i]!);
  const diff = diffEstimate(pick(method.perUser[metric]), pick(against.perUser[metric]), r);
  const verdict = !excludesZero(diff) ? 'indistinguishable' : diff.value > 0 ? 'higher' : 'lower';
  return { metric, segment, shoppers: members.length, method: method.id, against: against.id, diff, verdict };
}

export async function runEval(world: EvalWorld, prepared: PreparedWorld, o: EvalOptions = {}): Promise<EvalResult> {
  const k = o.k ?? 10;
  const deepK = Math.max(o.deepK ?? 50, k);
  const users = new Map(world.users.map((u) => [u.id, u]));
  const query = (limit: number) => RecommendQuery.parse({ limit });
  const notes: string[] = [];
  if (prepared.feedbackNote) notes.push(prepared.feedbackNote);

  // Who gets scored is decided once, by the service itself: shoppers it personalises for.
  const decisions = new Map<string, RecommendationResponse>();
  for (const u of world.users) decisions.set(u.id, await prepared.cores.fused.recommend(u.id, query(k)));
  const evaluated = world.users.filter((u) => decisions.get(u.id)!.personalized && u.heldOut.length > 0);
  const profileable = new Set(world.users.filter((u) => decisions.get(u.id)!.personalized).map((u) => u.id));
  const eligible = new Set(world.creators.filter((c) => c.optIns.styleSource).map((c) => c.id));
  const baselines = buildBaselines(world, prepared, profileable, eligible, o.seed ?? 1);
  for (const [id, why] of baselines.missing) notes.push(`${METHODS.find((m) => m.id === id)?.label ?? id} left out: ${why}.`);
  const methods = (o.methods ?? METHODS).filter((m) => {
    if (m.kind === 'core' && !prepared.cores[m.modality]) return notes.push(`${m.label} left out: no ${m.modality} variant was prepared.`), false;
    return m.kind === 'core' || baselines.available.has(m.id);
  });

  // Popularity for novelty: everyone's visible purchase history (what a shop would know).
  const counts = new Map<string, number>();
  for (const u of world.users) for (const h of u.history ?? []) counts.set(h.productId, (counts.get(h.productId) ?? 0) + 1);
  const popularity = popularityFromCounts(counts, world.products.map((p) => p.id));
  const r = resamples(evaluated.length);

  const total = methods.reduce((s, m) => s + (m.kind === 'core' ? world.users.length + evaluated.length : evaluated.length), 0);
  let done = 0;
  const step = (label: string) => o.onStep?.(++done, total, label);

  const results: MethodResult[] = [];
  /** Every shopper's top-k per core method (the feedback consent check compares all of them). */
  const servedTop = new Map<MethodId, Map<string, string[]>>();
  for (const method of methods) {
    const top = new Map<string, string[]>();
    const deep = new Map<string, string[]>();
    let consent: ConsentViolations | null = null;
    if (method.kind === 'core') {
      const core = prepared.cores[method.modality]!;
      const served: ServedList[] = [];
      for (const u of world.users) {
        const res = await core.recommend(u.id, query(k), method.options);
        served.push({ userId: u.id, personalized: res.personalized, items: res.items.map((i) => ({ productId: i.product.id, inspiredByCreatorId: i.inspiredBy?.creatorId ?? null })) });
        top.set(u.id, res.items.map((i) => i.product.id));
        step(method.label);
      }
      for (const u of evaluated) {
        deep.set(u.id, (await core.recommend(u.id, query(deepK), method.options)).items.map((i) => i.product.id));
        step(method.label);
      }
      servedTop.set(method.id, top);
      consent = auditConsent(served, { users, products: new Map(world.products.map((p) => [p.id, p])), creators: new Map(world.creators.map((c) => [c.id, c])) });
    } else {
      for (const u of evaluated) {
        const list = await baselines.list(method.id, u, decisions.get(u.id)!.consent.health, deepK);
        top.set(u.id, list.slice(0, k));
        deep.set(u.id, list);
        step(method.label);
      }
    }
    const vectors = prepared.productVectors.fused;
    const perUser = Object.fromEntries(USER_METRICS.map((m) => [m, [] as number[]])) as Record<UserMetric, number[]>;
    for (const u of evaluated) {
      const relevant = new Set(u.heldOut);
      const t = top.get(u.id) ?? [];
      const d = deep.get(u.id) ?? t;
      perUser.recallAtK.push(recallAtK(t, relevant, k));
      perUser.recallAtDeep.push(recallAtK(d, relevant, deepK));
      perUser.ndcgAtK.push(ndcgAtK(t, relevant, k));
      perUser.mrr.push(reciprocalRank(d, relevant));
      perUser.diversity.push(intraListDiversity(t.map((id) => vectors.get(id)).filter((v): v is Float32Array => !!v)));
      perUser.novelty.push(novelty(t, popularity));
    }
    const lists = Object.fromEntries(evaluated.map((u) => [u.id, top.get(u.id) ?? []]));
    const listArray = evaluated.map((u) => lists[u.id]!);
    const metrics = {
      ...Object.fromEntries(USER_METRICS.map((m) => [m, meanEstimate(perUser[m], r)])),
      coverage: statisticEstimate(r, (units) => catalogCoverage(Array.from(units, (i) => listArray[i]!), world.products.length, k)),
    } as Record<MetricId, Estimate>;
    results.push({ id: method.id, label: method.label, description: method.description, kind: method.kind, consent, metrics, lists, perUser });
  }

  const byId = new Map(results.map((m) => [m.id, m]));
  const all = evaluated.map((_, i) => i);
  const ladder: LadderStep[] = [];
  const rungs = LADDER.filter((id) => byId.has(id));
  for (const metric of LADDER_METRICS) {
    for (let i = 0; i + 1 < rungs.length; i++) {
      const [lower, upper] = [byId.get(rungs[i]!)!, byId.get(rungs[i + 1]!)!];
      const [lowerValue, upperValue] = [lower.metrics[metric], upper.metrics[metric]];
      const diff = diffEstimate(upper.perUser[metric], lower.perUser[metric], r);
      ladder.push({ metric, lower: lower.id, upper: upper.id, lowerValue, upperValue, diff, holds: upperValue.value > lowerValue.value && separated(lowerValue, upperValue) });
    }
  }
  const fused = byId.get('fused');
  const ablations = fused
    ? ABLATIONS.flatMap((id) => (byId.has(id) ? ABLATION_METRICS.map((metric) => compare(metric, 'all', byId.get(id)!, fused, all, r)) : []))
    : [];

  const segments: SegmentResult[] = [];
  const serviceVsBaselines: Comparison[] = [];
  for (const seg of segmentsOf(world, evaluated)) {
    const sr = resamples(seg.members.length);
    const pick = (xs: number[]) => seg.members.map((i) => xs[i]!);
    segments.push({
      id: seg.id, label: seg.label, short: seg.short, shoppers: seg.members.length,
      methods: results.map((m) => ({ id: m.id, label: m.label, ndcgAtK: meanEstimate(pick(m.perUser.ndcgAtK), sr), recallAtK: meanEstimate(pick(m.perUser.recallAtK), sr), recallAtDeep: meanEstimate(pick(m.perUser.recallAtDeep), sr) })),
    });
    if (!fused || seg.members.length === 0) continue;
    for (const id of RIVALS) {
      const rival = byId.get(id);
      if (rival) for (const metric of RIVAL_METRICS) serviceVsBaselines.push(compare(metric, seg.id, fused, rival, seg.members, sr));
    }
  }

  let feedback: FeedbackResult | null = null;
  const withEvents = byId.get('fused-feedback');
  if (fused && withEvents && prepared.feedback) {
    const comparisons = segmentsOf(world, evaluated).flatMap((seg) => {
      const sr = resamples(seg.members.length);
      return seg.members.length === 0 ? [] : FEEDBACK_METRICS.map((metric) => compare(metric, seg.id, withEvents, fused, seg.members, sr));
    });
    const [a, b] = [servedTop.get('fused')!, servedTop.get('fused-feedback')!];
    const same = (id: string) => JSON.stringify(a.get(id)) === JSON.stringify(b.get(id));
    const unconsented = world.users.filter((u) => !decisions.get(u.id)!.consent.personalization);
    feedback = {
      fed: prepared.feedback, comparisons,
      changedLists: evaluated.filter((u) => !same(u.id)).length,
      unconsented: unconsented.length,
      unconsentedDiffering: unconsented.filter((u) => !same(u.id)).length,
    };
  }

  const looks = o.looks === false ? null : await evaluateLooks(world, prepared, k, o.seed ?? 1, (label) => o.onStep?.(done, total, label));
  if (looks) notes.push(...looks.notes);
  return {
    k, deepK,
    world: { name: world.name, seed: world.seed, generatorVersion: world.generatorVersion, products: world.products.length, creators: world.creators.length, posts: world.posts.length, users: world.users.length },
    evaluatedUsers: evaluated.length,
    auditedUsers: world.users.length,
    methods: results, ladder, ablations, serviceVsBaselines, segments, looks, feedback, notes,
  };
}
