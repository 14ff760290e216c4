/**
 * The offline evaluation: every method ranks products for every shopper the service personalises
 * for, and the lists are scored against the shoppers' held-out purchases. Every core method is also
 * run for EVERY shopper (consenting or not, minors included) and its responses audited for consent
 * violations, so a leak in any ranking path shows up.
 */
import type { ConsentViolations, ServedList } from './consent-check.js';
import { auditConsent } from './consent-check.js';
import { baselineList, METHODS, type Method, type MethodId } from './methods.js';
import { catalogCoverage, intraListDiversity, mean, ndcgAtK, novelty, popularityFromCounts, recallAtK, reciprocalRank } from './metrics.js';
import type { PreparedWorld } from './prepare.js';
import { RecommendQuery, type RecommendationResponse } from '../../src/core/schemas.js';
import type { EvalWorld } from './world.js';

export interface MethodMetrics {
  recallAtK: number;
  recallAt50: number;
  ndcgAtK: number;
  mrr: number;
  coverage: number;
  diversity: number;
  novelty: number;
}

export interface MethodResult {
  id: MethodId;
  label: string;
  description: string;
  metrics: MethodMetrics;
  /** Null for baselines, which use no personal data beyond the consent decision. */
  consent: ConsentViolations | null;
  /** Top-k per evaluated shopper, for inspection and tests. */
  lists: Record<string, string[]>;
  /** nDCG@k per evaluated shopper, in the same shopper order for every method (for paired statistics). */
  ndcgPerUser: number[];
}

export interface EvalResult {
  k: number;
  deepK: number;
  world: { name: string; seed: number | null; products: number; creators: number; posts: number; users: number };
  /** Shoppers scored: the service personalised for them and they have held-out purchases. */
  evaluatedUsers: number;
  /** Shoppers in the consent audit (all of them). */
  auditedUsers: number;
  methods: MethodResult[];
}

export interface EvalOptions {
  k?: number;
  /** Depth for Recall@50 and MRR (default 50). */
  deepK?: number;
  seed?: number;
  methods?: readonly Method[];
  onStep?: (done: number, total: number, label: string) => void;
}

export async function runEval(world: EvalWorld, prepared: PreparedWorld, o: EvalOptions = {}): Promise<EvalResult> {
  const k = o.k ?? 10;
  const deepK = Math.max(o.deepK ?? 50, k);
  const methods = o.methods ?? METHODS;
  const users = new Map(world.users.map((u) => [u.id, u]));
  const purchaseCounts = new Map<string, number>();
  for (const u of world.users) for (const id of new Set(u.heldOut)) purchaseCounts.set(id, (purchaseCounts.get(id) ?? 0) + 1);
  const catalogIds = world.products.map((p) => p.id);
  const popularity = popularityFromCounts(purchaseCounts, catalogIds);
  const query = (limit: number) => RecommendQuery.parse({ limit });
  const creators = new Map(world.creators.map((c) => [c.id, c]));
  const productAesthetic = new Map(world.products.flatMap((p) => (p.attributes ? [[p.id, p.attributes.aesthetic] as const] : [])));
  // The generator's purchase weights: 1 for a followed creator's first aesthetic, 0.5 for the second.
  const aestheticWeights = (follows: string[]) => {
    const w = new Map<string, number>();
    for (const id of follows) creators.get(id)?.aesthetics.forEach((a, i) => w.set(a, (w.get(a) ?? 0) + (i === 0 ? 1 : 0.5)));
    return w;
  };

  // Who gets scored is decided once, by the service itself: shoppers it personalises for.
  const decisions = new Map<string, RecommendationResponse>();
  for (const u of world.users) decisions.set(u.id, await prepared.cores.fused.recommend(u.id, query(k)));
  const evaluated = world.users.filter((u) => decisions.get(u.id)!.personalized && u.heldOut.length > 0);

  const total = methods.reduce((s, m) => s + (m.kind === 'core' ? world.users.length + evaluated.length : evaluated.length), 0);
  let done = 0;
  const step = (label: string) => o.onStep?.(++done, total, label);

  const results: MethodResult[] = [];
  for (const method of methods) {
    if (method.id === 'oracle' && productAesthetic.size === 0) continue; // a world without ground-truth attributes
    const top = new Map<string, string[]>();
    const deep = new Map<string, string[]>();
    let consent: ConsentViolations | null = null;
    if (method.kind === 'core') {
      const core = prepared.cores[method.modality];
      const served: ServedList[] = [];
      for (const u of world.users) {
        const r = await core.recommend(u.id, query(k), method.options);
        served.push({ userId: u.id, personalized: r.personalized, items: r.items.map((i) => ({ productId: i.product.id, inspiredByCreatorId: i.inspiredBy?.creatorId ?? null })) });
        top.set(u.id, r.items.map((i) => i.product.id));
        step(method.label);
      }
      for (const u of evaluated) {
        deep.set(u.id, (await core.recommend(u.id, query(deepK), method.options)).items.map((i) => i.product.id));
        step(method.label);
      }
      consent = auditConsent(served, { users, products: new Map(world.products.map((p) => [p.id, p])), creators: new Map(world.creators.map((c) => [c.id, c])) });
    } else {
      for (const u of evaluated) {
        const ctx = { prepared, userId: u.id, allowHealth: decisions.get(u.id)!.consent.health, purchaseCounts, ownHeldOut: new Set(u.heldOut), seed: o.seed ?? 1,
          truth: { aestheticWeights: aestheticWeights(u.follows), productAesthetic } };
        const list = await baselineList(method.id, ctx, deepK);
        top.set(u.id, list.slice(0, k));
        deep.set(u.id, list);
        step(method.label);
      }
    }
    results.push({ id: method.id, label: method.label, description: method.description, consent, ...score(evaluated, top, deep, k, deepK, catalogIds.length, prepared.productVectors.fused, popularity) });
  }

  return {
    k, deepK,
    world: { name: world.name, seed: world.seed, products: world.products.length, creators: world.creators.length, posts: world.posts.length, users: world.users.length },
    evaluatedUsers: evaluated.length,
    auditedUsers: world.users.length,
    methods: results,
  };
}

function score(
  evaluated: EvalWorld['users'], top: Map<string, string[]>, deep: Map<string, string[]>, k: number, deepK: number,
  catalogSize: number, vectors: Map<string, Float32Array>, popularity: Map<string, number>,
): { metrics: MethodMetrics; lists: Record<string, string[]>; ndcgPerUser: number[] } {
  const per = evaluated.map((u) => {
    const relevant = new Set(u.heldOut);
    const t = top.get(u.id) ?? [];
    const d = deep.get(u.id) ?? t;
    return {
      recallAtK: recallAtK(t, relevant, k),
      recallAt50: recallAtK(d, relevant, deepK),
      ndcgAtK: ndcgAtK(t, relevant, k),
      mrr: reciprocalRank(d, relevant),
      diversity: intraListDiversity(t.map((id) => vectors.get(id)).filter((v): v is Float32Array => !!v)),
      novelty: novelty(t, popularity),
    };
  });
  const avg = (key: keyof (typeof per)[number]) => mean(per.map((p) => p[key]));
  const lists = Object.fromEntries(evaluated.map((u) => [u.id, top.get(u.id) ?? []]));
  return {
    metrics: {
      recallAtK: avg('recallAtK'), recallAt50: avg('recallAt50'), ndcgAtK: avg('ndcgAtK'), mrr: avg('mrr'),
      coverage: catalogCoverage(Object.values(lists), catalogSize, k), diversity: avg('diversity'), novelty: avg('novelty'),
    },
    lists,
    ndcgPerUser: per.map((p) => p.ndcgAtK),
  };
}
