/**
 * The baselines and references, built once per world. Each ranks the products a shopper may be
 * shown (the consent decision's health rule applies to all of them, as in the service) and the
 * ones that read purchase histories leave out what the shopper already bought: nobody in a
 * generated world buys the same product twice, and a shop knows its own orders.
 */
import { popularList } from '../../src/core/reads/popular.js';
import { productPredicate } from '../../src/retrieve/filters.js';
import { catalogFor, heldOutMoment, modelReactions } from '../world/behaviour.js';
import { createRng } from '../world/prng.js';
import { shopperModel, type ModelCatalog } from '../world/purchases.js';
import type { Look, User } from '../world/schema.js';
import type { BaselineId } from './methods.js';
import type { PreparedWorld } from './prepare.js';
import type { EvalWorld } from './world.js';

export interface Baselines {
  /** Baselines this world has the data for (the oracle needs the generator's ground truth, aesthetic-only the attributes). */
  available: ReadonlySet<BaselineId>;
  /** Why a baseline is missing, for the report. */
  missing: ReadonlyMap<BaselineId, string>;
  /** Up to `limit` product ids for one shopper, best first. */
  list(id: BaselineId, user: User, allowHealth: boolean, limit: number): Promise<string[]>;
}

/** FNV-1a: a stable per-shopper seed, so the random rankings are the same on every run. */
export function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

const historyOf = (u: User) => (u.history ?? []).map((h) => h.productId);

/**
 * @param profileable shoppers whose data the service may use for profiling (their histories feed CF)
 * @param eligibleCreators creators who opted in as a style source (follows count only for them)
 */
export function buildBaselines(world: EvalWorld, prepared: PreparedWorld, profileable: ReadonlySet<string>, eligibleCreators: ReadonlySet<string>, seed = 1): Baselines {
  const catalog = prepared.catalog;
  const editorial = [...catalog.editorialOrder()];
  const order = new Map(editorial.map((id, i) => [id, i]));
  const bought = new Map<string, number>();
  for (const u of world.users) for (const id of historyOf(u)) bought.set(id, (bought.get(id) ?? 0) + 1);

  // Collaborative filtering reads the histories of shoppers the service may profile, only.
  const neighbours = world.users.filter((u) => profileable.has(u.id));
  const follows = new Map(neighbours.map((u) => [u.id, new Set(u.follows.filter((c) => eligibleCreators.has(c)))]));
  const followers = new Map<string, string[]>();
  for (const [id, set] of follows) for (const c of set) followers.set(c, [...(followers.get(c) ?? []), id]);
  const histories = new Map(neighbours.map((u) => [u.id, historyOf(u)]));
  const buyers = new Map<string, number>();
  const together = new Map<string, Map<string, number>>();
  for (const items of histories.values()) {
    const unique = [...new Set(items)];
    for (const i of unique) {
      buyers.set(i, (buyers.get(i) ?? 0) + 1);
      const row = together.get(i) ?? new Map<string, number>();
      together.set(i, row);
      for (const j of unique) if (j !== i) row.set(j, (row.get(j) ?? 0) + 1);
    }
  }

  const missing = new Map<BaselineId, string>();
  const productAesthetic = new Map(world.products.flatMap((p) => (p.attributes ? [[p.id, p.attributes.aesthetic] as const] : [])));
  if (productAesthetic.size === 0) missing.set('aesthetic', 'the products carry no ground-truth `attributes`');
  const oracle = oracleFor(world);
  if (typeof oracle === 'string') missing.set('oracle', oracle);
  const creators = new Map(world.creators.map((c) => [c.id, c]));
  const available = new Set<BaselineId>((['random', 'popularity', 'editorial', 'co-follower', 'item-knn', 'aesthetic', 'oracle'] as const).filter((id) => !missing.has(id)));

  /** The top `limit` by score, ties by popularity, then editorial order. */
  const top = (ids: string[], score: (id: string) => number, limit: number) =>
    ids
      .map((id) => ({ id, s: score(id), p: bought.get(id) ?? 0, o: order.get(id)! }))
      .sort((a, b) => b.s - a.s || b.p - a.p || a.o - b.o)
      .slice(0, limit)
      .map((x) => x.id);

  return {
    available,
    missing,
    async list(id, user, allowHealth, limit) {
      const own = new Set(historyOf(user));
      const accept = productPredicate(catalog, { allowSensitive: allowHealth });
      const fresh = editorial.filter((p) => accept(p) && !own.has(p));
      switch (id) {
        case 'random':
          return createRng(seed ^ hash32(user.id)).shuffle(editorial.filter(accept)).slice(0, limit);
        case 'editorial':
          return (await popularList(prepared.store, catalog, accept, limit)).map((p) => p.id);
        case 'popularity':
          return top(fresh, () => 0, limit);
        case 'co-follower': {
          const mine = new Set(user.follows.filter((c) => eligibleCreators.has(c)));
          const score = new Map<string, number>();
          const sims = new Map<string, number>();
          for (const c of mine) for (const v of followers.get(c) ?? []) if (v !== user.id) sims.set(v, (sims.get(v) ?? 0) + 1);
          for (const [v, shared] of sims) {
            const sim = shared / Math.sqrt(mine.size * follows.get(v)!.size);
            for (const p of histories.get(v)!) score.set(p, (score.get(p) ?? 0) + sim);
          }
          return top(fresh, (p) => score.get(p) ?? 0, limit);
        }
        case 'item-knn': {
          const score = new Map<string, number>();
          for (const i of own) {
            for (const [j, c] of together.get(i) ?? []) score.set(j, (score.get(j) ?? 0) + c / Math.sqrt(buyers.get(i)! * buyers.get(j)!));
          }
          return top(fresh, (p) => score.get(p) ?? 0, limit);
        }
        case 'aesthetic': {
          const w = new Map<string, number>();
          for (const c of user.follows) creators.get(c)?.aesthetics.forEach((a, i) => w.set(a, (w.get(a) ?? 0) + (i === 0 ? 1 : 0.5)));
          const shuffled = createRng(seed ^ hash32(user.id)).shuffle(editorial.filter(accept));
          const rank = new Map(shuffled.map((p, i) => [p, i]));
          return shuffled
            .map((p) => ({ p, w: w.get(productAesthetic.get(p) ?? '') ?? 0 }))
            .sort((a, b) => b.w - a.w || rank.get(a.p)! - rank.get(b.p)!)
            .slice(0, limit)
            .map((x) => x.p);
        }
        case 'oracle': {
          if (typeof oracle === 'string') throw new Error(`oracle unavailable: ${oracle}`);
          const p = oracle(user);
          return top(fresh, (id) => p.get(id) ?? 0, limit);
        }
      }
    },
  };
}

/** The generator's purchase probability per product for a shopper, or why the world cannot give it. */
function oracleFor(world: EvalWorld): ((u: User) => Map<string, number>) | string {
  const model = world.purchaseModel;
  if (!model) return 'world.json has no `purchaseModel` (not a world from generator version 3 or later)';
  if (world.products.some((p) => !p.attributes || p.appeal === undefined)) return 'some products lack `attributes` or `appeal`';
  if (world.users.some((u) => u.heldOut.length > 0 && (!u.taste || !u.reactions))) return 'some shoppers lack `taste` or `reactions`';
  if (world.posts.some((p) => !p.items)) return 'some posts lack `items`';
  const catalog: ModelCatalog = catalogFor(world.products);
  const items = new Map<string, readonly Look[]>(world.posts.map((p) => [p.id, p.items!]));
  const at = heldOutMoment(world.referenceDate.getTime(), model);
  return (u) => {
    const p = shopperModel(catalog, u.taste!.priceBand, modelReactions(u.reactions!, items), model).distribution(at);
    return new Map(world.products.map((product, i) => [product.id, p[i]!]));
  };
}
