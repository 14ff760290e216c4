/**
 * The methods the evaluation compares. Every personalised ranking of ours is the service's own
 * core (`core.recommend`) on some vectors with some ablation switch; the baselines
 * (baselines.ts) are what a data scientist would try first, within the same consent rules.
 */
import type { RecommendOptions } from '../../src/core/core.js';
import type { Modality } from './prepare.js';

export type BaselineId = 'random' | 'popularity' | 'editorial' | 'co-follower' | 'item-knn' | 'aesthetic' | 'oracle';
export type CoreId = 'text-only' | 'image-only' | 'fused' | 'fused-feedback' | 'fused-single-centroid' | 'fused-no-mmr' | 'degraded';
export type MethodId = BaselineId | CoreId;

interface MethodBase {
  label: string;
  description: string;
}

export interface CoreMethod extends MethodBase {
  id: CoreId;
  kind: 'core';
  modality: Modality;
  options: RecommendOptions;
}

export interface BaselineMethod extends MethodBase {
  id: BaselineId;
  /** 'reference' rows read ground truth no method can know; they bound the scale, they do not compete. */
  kind: 'baseline' | 'reference';
}

export type Method = CoreMethod | BaselineMethod;

export const METHODS: readonly Method[] = [
  { id: 'random', kind: 'baseline', label: 'Random', description: 'A seeded shuffle of the products the shopper may be shown.' },
  { id: 'popularity', kind: 'baseline', label: 'Popularity', description: "Most-bought products in everyone's purchase history, the shopper's own past purchases left out." },
  { id: 'editorial', kind: 'baseline', label: 'Service fallback', description: "The service's non-personalised list (clicks, then editorial order): what shoppers without consent get." },
  { id: 'co-follower', kind: 'baseline', label: 'Co-follower CF', description: "What other shoppers who follow the same creators bought (their histories, weighted by the cosine of the two follow sets), popularity to break ties. Neighbours are the shoppers the service may profile, and follows count only for creators who opted in as a style source: the service's own consent scope." },
  { id: 'item-knn', kind: 'baseline', label: 'Item-kNN CF', description: "Item-to-item collaborative filtering on purchase histories: products bought together with the shopper's own past purchases (cosine over co-purchases, same neighbours as co-follower CF); popularity for shoppers with no history." },
  { id: 'aesthetic', kind: 'reference', label: 'Aesthetic-only (reference)', description: "The previous world's oracle: products of the followed creators' ground-truth aesthetics (1 for a creator's first, 0.5 for the second), random order within a weight. Knows the style, nothing finer." },
  { id: 'oracle', kind: 'reference', label: 'Generator oracle', description: "The generator's own purchase probability (tools/world/purchases.ts) from the shopper's true reactions, price band and every product's appeal, past purchases left out: no method can know more." },
  { id: 'text-only', kind: 'core', label: 'Text only', modality: 'text', options: {}, description: "The service's ranking on text embeddings only: post captions against product titles and descriptions." },
  { id: 'image-only', kind: 'core', label: 'Image only', modality: 'image', options: {}, description: "The service's ranking on image embeddings only: post photos against product photos." },
  { id: 'fused', kind: 'core', label: 'Fused (service)', modality: 'fused', options: {}, description: 'The service as shipped: fused image+text vectors, one interest per followed creator, MMR re-rank.' },
  { id: 'fused-feedback', kind: 'core', label: 'Service + feedback', modality: 'feedback', options: {}, description: "The service as shipped on its own copy of the world, after each shopper's purchase history (purchase events at their times) and post saves (save events) before the reference date were sent through the feedback command, which keeps them only under personalization consent, never for minors, health items only with health consent (tools/eval/feedback.ts). Likes are not sent (the service has no such event); held-out purchases never are." },
  { id: 'fused-single-centroid', kind: 'core', label: 'Fused, one centroid', modality: 'fused', options: { mode: 'single' }, description: 'Ablation: one centroid over all followed creators instead of one interest each.' },
  { id: 'fused-no-mmr', kind: 'core', label: 'Fused, no MMR', modality: 'fused', options: { mmr: false }, description: 'Ablation: relevance order, no MMR diversity re-rank.' },
  { id: 'degraded', kind: 'core', label: 'Degraded embedding', modality: 'degraded', options: {}, description: "Sanity rung: the service as shipped on a copy of the model with every weight tensor's values shuffled (same shape and weight statistics, nothing learned; tools/eval/degrade.ts)." },
];

export const methodById = (id: MethodId): Method => METHODS.find((m) => m.id === id)!;
