/**
 * The methods the evaluation compares. Every personalised method is the service's own core
 * (`core.recommend`) on some vectors with some ablation switch; the baselines are deliberately
 * simple and use the same candidate rules (consent-driven health filter) as the service.
 */
import type { RecommendOptions } from '../../src/core/core.js';
import { popularList } from '../../src/core/reads/popular.js';
import { productPredicate } from '../../src/retrieve/filters.js';
import { createRng } from '../world/prng.js';
import type { Modality, PreparedWorld } from './prepare.js';

export type MethodId = 'random' | 'popularity' | 'editorial' | 'oracle' | 'text-only' | 'image-only' | 'fused' | 'fused-single-centroid' | 'fused-no-mmr';

export interface CoreMethod {
  id: MethodId;
  kind: 'core';
  label: string;
  description: string;
  modality: Modality;
  options: RecommendOptions;
}

export interface BaselineMethod {
  id: MethodId;
  kind: 'baseline';
  label: string;
  description: string;
}

export type Method = CoreMethod | BaselineMethod;

export const METHODS: readonly Method[] = [
  { id: 'random', kind: 'baseline', label: 'Random', description: 'A seeded shuffle of the products the shopper may be shown.' },
  { id: 'popularity', kind: 'baseline', label: 'Popularity', description: "Most-bought products across all other shoppers' held-out purchases (the shopper's own excluded)." },
  { id: 'editorial', kind: 'baseline', label: 'Service fallback', description: "The service's non-personalised list (clicks, then editorial order): what shoppers without consent get." },
  { id: 'oracle', kind: 'baseline', label: 'Oracle (reference)', description: "NOT a method: an upper reference that reads the world's ground truth (each product's aesthetic, each followed creator's aesthetics, weighted as the generator draws purchases), random order within a weight. It shows how much signal the held-out set allows." },
  { id: 'text-only', kind: 'core', label: 'Text only', modality: 'text', options: {}, description: "The service's ranking on text embeddings only: post captions against product titles and descriptions." },
  { id: 'image-only', kind: 'core', label: 'Image only', modality: 'image', options: {}, description: "The service's ranking on image embeddings only: post photos against product photos." },
  { id: 'fused', kind: 'core', label: 'Fused (service)', modality: 'fused', options: {}, description: 'The service as shipped: fused image+text vectors, one interest per followed creator, MMR re-rank.' },
  { id: 'fused-single-centroid', kind: 'core', label: 'Fused, one centroid', modality: 'fused', options: { mode: 'single' }, description: 'Ablation: one centroid over all followed creators instead of one interest each.' },
  { id: 'fused-no-mmr', kind: 'core', label: 'Fused, no MMR', modality: 'fused', options: { mmr: false }, description: 'Ablation: relevance order, no MMR diversity re-rank.' },
];

/** Inputs a baseline needs for one shopper. */
export interface BaselineContext {
  prepared: PreparedWorld;
  userId: string;
  /** Whether this shopper's consent allows health items (from the service's decision). */
  allowHealth: boolean;
  /** Held-out purchase counts of every product over all shoppers. */
  purchaseCounts: ReadonlyMap<string, number>;
  ownHeldOut: ReadonlySet<string>;
  seed: number;
  /** Ground truth, for the oracle only: aesthetic weights of the shopper's follows, and each product's aesthetic. */
  truth: { aestheticWeights: ReadonlyMap<string, number>; productAesthetic: ReadonlyMap<string, string> };
}

/** Up to `limit` product ids, best first. */
export async function baselineList(id: MethodId, c: BaselineContext, limit: number): Promise<string[]> {
  const accept = productPredicate(c.prepared.catalog, { allowSensitive: c.allowHealth });
  const ids = [...c.prepared.catalog.editorialOrder()].filter(accept);
  switch (id) {
    case 'random':
      return createRng(c.seed ^ hash32(c.userId)).shuffle(ids).slice(0, limit);
    case 'popularity': {
      // Leave the shopper's own purchases out of the counts: otherwise the baseline would read the answer.
      const count = (p: string) => (c.purchaseCounts.get(p) ?? 0) - (c.ownHeldOut.has(p) ? 1 : 0);
      return ids.sort((a, b) => count(b) - count(a) || (a < b ? -1 : 1)).slice(0, limit);
    }
    case 'oracle': {
      const shuffled = createRng(c.seed ^ hash32(c.userId)).shuffle(ids);
      const weight = (p: string) => c.truth.aestheticWeights.get(c.truth.productAesthetic.get(p) ?? '') ?? 0;
      return shuffled.map((p, i) => ({ p, w: weight(p), i })).sort((a, b) => b.w - a.w || a.i - b.i).slice(0, limit).map((x) => x.p);
    }
    case 'editorial':
      return (await popularList(c.prepared.store, c.prepared.catalog, accept, limit)).map((p) => p.id);
    default:
      throw new Error(`baselineList: "${id}" is not a baseline`);
  }
}

/** FNV-1a: a stable per-shopper seed, so the random baseline is the same on every run. */
function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
