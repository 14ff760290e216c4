/**
 * The generator's purchase model: what a shopper buys, as an explicit probability over the
 * catalog. The generator draws purchases from it and the evaluation's oracle ranks by it, so both
 * use this one implementation (formulas in fixtures/README.md, "The purchase model").
 *
 *   P(p | u, t) = look · L(p | u, t) + popularity · Q(p | u) + noise / N
 *
 * L: pick one of the shopper's reactions before t with weight  w(kind) · 2^(-(t - at) / halfLife),
 *    one item of that post uniformly, then a product ∝ match(p, item) · fit(p)
 *    (match 1 for the exact look, partial for same category and colour or pattern, else 0).
 * Q: ∝ appeal(p) · fit(p), the bestsellers within the shopper's price band.
 * fit: 1 inside the price band, exp(-½ (ln(price / nearest edge) / softness)²) outside.
 * Without any reaction before t, the look share goes to popularity.
 */
import type { Rng } from './prng.js';
import type { Look, PurchaseModel } from './schema.js';

/** Fixed before any method was scored on a world of this version (see fixtures/README.md for why each value). */
export const PURCHASE_MODEL: PurchaseModel = {
  lookShare: 0.65,
  popularityShare: 0.2,
  noiseShare: 0.15,
  reactionWeights: { like: 1, save: 3 },
  recencyHalfLifeDays: 45,
  partialMatch: { colourAndCategory: 0.2, patternAndCategory: 0.1 },
  priceSoftness: 0.2,
  heldOutDays: 30,
};

const DAY_MS = 86_400_000;

/** What the model needs to know about a product. */
export interface ModelProduct {
  price: number;
  appeal: number;
  look: Look;
}

/** One reaction, resolved to its time, weight and the items of the post. */
export interface ModelReaction {
  atMs: number;
  kind: 'like' | 'save';
  items: readonly Look[];
}

/** The catalog, indexed once per world. Products are addressed by their index in `products`. */
export interface ModelCatalog {
  products: readonly ModelProduct[];
  byCategory: ReadonlyMap<string, readonly number[]>;
}

export function modelCatalog(products: readonly ModelProduct[]): ModelCatalog {
  const byCategory = new Map<string, number[]>();
  products.forEach((p, i) => {
    const list = byCategory.get(p.look.category);
    if (list) list.push(i);
    else byCategory.set(p.look.category, [i]);
  });
  return { products, byCategory };
}

/** 1 inside [low, high]; a log-normal fall-off outside. */
export function priceFit(price: number, band: readonly [number, number], softness: number): number {
  const [low, high] = band;
  if (price >= low && price <= high) return 1;
  const d = Math.log(price < low ? low / price : price / high) / softness;
  return Math.exp(-0.5 * d * d);
}

/** How well a product matches one item of a post: 1 for the exact look, partial weights, else 0. */
export function lookMatch(p: Look, item: Look, model: PurchaseModel): number {
  if (p.category !== item.category) return 0;
  const colour = p.colour === item.colour;
  const pattern = p.pattern === item.pattern;
  if (colour && pattern) return 1;
  if (colour) return model.partialMatch.colourAndCategory;
  if (pattern) return model.partialMatch.patternAndCategory;
  return 0;
}

interface ItemWeights {
  ids: readonly number[];
  weights: Float64Array;
  cum: Float64Array;
  total: number;
}

/** One shopper's purchase distribution, exact and sampled. */
export interface ShopperModel {
  /** P(p | u, t) for every product (sums to 1). */
  distribution(atMs: number): Float64Array;
  /** One purchase at `atMs`, never a product in `owned` (rejection: exactly P restricted to the rest). */
  sample(atMs: number, rng: Rng, owned: ReadonlySet<number>): number;
}

export function shopperModel(catalog: ModelCatalog, band: readonly [number, number], reactions: readonly ModelReaction[], model: PurchaseModel): ShopperModel {
  const n = catalog.products.length;
  const fit = Float64Array.from(catalog.products, (p) => priceFit(p.price, band, model.priceSoftness));
  const popular = Float64Array.from(catalog.products, (p, i) => p.appeal * fit[i]!);
  let popularTotal = 0;
  for (const w of popular) popularTotal += w;
  const popularCum = cumulative(popular);
  const items = new Map<string, ItemWeights>();
  const itemWeights = (item: Look): ItemWeights => {
    const key = `${item.colour}|${item.pattern}|${item.category}`;
    let w = items.get(key);
    if (!w) {
      const ids = catalog.byCategory.get(item.category) ?? [];
      const weights = Float64Array.from(ids, (i) => lookMatch(catalog.products[i]!.look, item, model) * fit[i]!);
      const cum = cumulative(weights);
      w = { ids, weights, cum, total: cum.length > 0 ? cum[cum.length - 1]! : 0 };
      items.set(key, w);
    }
    return w;
  };
  /** Reactions before t with their recency-weighted weights. */
  const active = (atMs: number) => {
    const out: Array<{ r: ModelReaction; w: number }> = [];
    for (const r of reactions) {
      if (r.atMs >= atMs || r.items.length === 0) continue;
      const w = model.reactionWeights[r.kind] * Math.pow(2, -(atMs - r.atMs) / (model.recencyHalfLifeDays * DAY_MS));
      if (w > 0) out.push({ r, w });
    }
    return out;
  };

  return {
    distribution(atMs) {
      const out = new Float64Array(n).fill(model.noiseShare / n);
      const now = active(atMs);
      const wTotal = now.reduce((s, a) => s + a.w, 0);
      let toPopular = model.popularityShare + (wTotal > 0 ? 0 : model.lookShare);
      for (const { r, w } of now) {
        const share = (model.lookShare * w) / wTotal / r.items.length;
        for (const item of r.items) {
          const iw = itemWeights(item);
          if (iw.total === 0) toPopular += share; // nothing in the catalog looks like it
          else iw.ids.forEach((id, j) => (out[id]! += (share * iw.weights[j]!) / iw.total));
        }
      }
      if (popularTotal > 0) for (let i = 0; i < n; i++) out[i]! += (toPopular * popular[i]!) / popularTotal;
      else for (let i = 0; i < n; i++) out[i]! += toPopular / n;
      return out;
    },

    sample(atMs, rng, owned) {
      const now = active(atMs);
      const wCum = cumulative(Float64Array.from(now, (a) => a.w));
      for (let attempt = 0; attempt < 200; attempt++) {
        const u = rng.next();
        let id: number;
        if (u < model.noiseShare || popularTotal === 0) id = Math.floor(rng.next() * n);
        else if (u < model.noiseShare + model.popularityShare || now.length === 0) id = draw(popularCum, rng);
        else {
          const r = now[draw(wCum, rng)]!.r;
          const iw = itemWeights(r.items[Math.floor(rng.next() * r.items.length)]!);
          id = iw.total === 0 ? draw(popularCum, rng) : iw.ids[draw(iw.cum, rng)]!;
        }
        if (!owned.has(id)) return id;
      }
      // A shopper who owns nearly everything likely: take the first product not owned from a random start.
      const start = Math.floor(rng.next() * n);
      for (let k = 0; k < n; k++) if (!owned.has((start + k) % n)) return (start + k) % n;
      throw new Error('shopperModel.sample: the shopper owns the whole catalog');
    },
  };
}

function cumulative(weights: Float64Array): Float64Array {
  const out = new Float64Array(weights.length);
  let s = 0;
  for (let i = 0; i < weights.length; i++) out[i] = s += weights[i]!;
  return out;
}

/** Index i with probability weights[i] / total, by binary search over the cumulative sums. */
function draw(cum: Float64Array, rng: Rng): number {
  const r = rng.next() * cum[cum.length - 1]!;
  let lo = 0;
  let hi = cum.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cum[mid]! > r) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
