/**
 * Which colour × pattern × category combinations the model never sees in training.
 *
 * A fixed hash rule (not a random draw) so that anyone can recompute it from the attribute ids
 * alone, for any world: the training script drops these products, and the tests and evaluation
 * measure zero-shot accuracy on exactly these combinations. The list is also written to
 * `models/<name>/holdout.json` next to the model it describes.
 */
import type { ProductAttributes } from '../world/schema.js';

/** Share of combinations held out, in thousandths. */
export const HOLDOUT_PER_MILLE = 300;
export const HOLDOUT_RULE = `fnv1a32("colour|pattern|category") % 1000 < ${HOLDOUT_PER_MILLE}`;

/** FNV-1a, 32-bit: tiny, stable across platforms, good enough to spread combinations evenly. */
export function fnv1a32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

export function comboKey(a: Pick<ProductAttributes, 'colour' | 'pattern' | 'category'>): string {
  return `${a.colour}|${a.pattern}|${a.category}`;
}

/** True when the product's combination is held out of training. */
export function isHeldOut(a: Pick<ProductAttributes, 'colour' | 'pattern' | 'category'>): boolean {
  return fnv1a32(comboKey(a)) % 1000 < HOLDOUT_PER_MILLE;
}

export interface HoldoutFile {
  rule: string;
  combinations: string[];
}

/** Every held-out combination of the given vocabulary, for `holdout.json`. */
export function holdoutFile(colours: readonly string[], patterns: readonly string[], categories: readonly string[]): HoldoutFile {
  const combinations: string[] = [];
  for (const colour of colours)
    for (const pattern of patterns)
      for (const category of categories) if (isHeldOut({ colour, pattern, category })) combinations.push(comboKey({ colour, pattern, category }));
  return { rule: HOLDOUT_RULE, combinations };
}
