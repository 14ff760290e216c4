/**
 * Training captions for products and posts, each with the attributes it actually pins down.
 *
 * Text must generalise beyond one template: the same product is described with plain names and
 * synonyms, in different word orders, with extra words, in a creator's voice with hashtags, and as
 * short partial queries ("red dress", "boho dress"). Each caption records which attributes it
 * constrains (-1 = not mentioned) so the contrastive loss can count every consistent image in the
 * batch as a positive instead of a false negative.
 */
import type { Rng } from '../world/prng.js';
import type { Aesthetic, ProductAttributes } from '../world/schema.js';
import { CATEGORY_BY_ID, COLOUR_BY_ID, PATTERN_BY_ID, lookup } from '../world/vocabulary.js';

/** [colour, pattern, category, aesthetic] indices into the world vocabulary; -1 = unconstrained. */
export type Constraints = [number, number, number, number];

export interface Caption {
  text: string;
  constraints: Constraints;
}

export interface VocabIndex {
  colours: readonly string[];
  patterns: readonly string[];
  categories: readonly string[];
  aesthetics: readonly Aesthetic[];
}

const OCCASIONS = ['summer', 'work', 'the weekend', 'a wedding', 'brunch', 'date night', 'holiday', 'autumn', 'everyday'];
const GENERIC_ADJ = ['cute', 'comfy', 'new', 'favourite', 'gorgeous', 'affordable', 'stylish', 'perfect', 'chic', 'cosy'];

/** Plain name half the time, otherwise a synonym. */
function word(rng: Rng, entry: { name: string; synonyms: readonly string[] }): string {
  return rng.chance(0.5) ? entry.name : rng.pick(entry.synonyms);
}

/** Lower-case words of a text, punctuation as spaces, so phrases match whole words only. */
function plain(text: string): string {
  return ` ${text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim()} `;
}

function mentionsAny(text: string, forms: readonly string[]): boolean {
  const t = plain(text);
  return forms.some((f) => t.includes(plain(f)));
}

function forms(entry: { id: string; name: string; synonyms: readonly string[] }): string[] {
  return [entry.id, entry.name, ...entry.synonyms];
}

/**
 * The attributes of `a` that a free text (title, description, creator caption) names, by any
 * surface form of the TRUE value. Mentions of other values leave the attribute unconstrained.
 */
export function detectConstraints(text: string, a: ProductAttributes, v: VocabIndex): Constraints {
  const c = forms(lookup(COLOUR_BY_ID, a.colour));
  const p = forms(lookup(PATTERN_BY_ID, a.pattern));
  const k = forms(lookup(CATEGORY_BY_ID, a.category));
  return [
    mentionsAny(text, c) ? v.colours.indexOf(a.colour) : -1,
    mentionsAny(text, p) ? v.patterns.indexOf(a.pattern) : -1,
    mentionsAny(text, k) ? v.categories.indexOf(a.category) : -1,
    -1,
  ];
}

/** `count` varied captions of a product with attributes `a`; `texts` (title, description) come first. */
export function productCaptions(rng: Rng, texts: readonly string[], a: ProductAttributes, v: VocabIndex, count: number): Caption[] {
  const colour = lookup(COLOUR_BY_ID, a.colour);
  const pattern = lookup(PATTERN_BY_ID, a.pattern);
  const category = lookup(CATEGORY_BY_ID, a.category);
  const aesthetic = v.aesthetics.find((x) => x.id === a.aesthetic);
  const ci = v.colours.indexOf(a.colour);
  const pi = v.patterns.indexOf(a.pattern);
  const ki = v.categories.indexOf(a.category);
  const ai = aesthetic ? v.aesthetics.indexOf(aesthetic) : -1;
  const C = () => word(rng, colour);
  const P = () => word(rng, pattern);
  const K = () => word(rng, category);
  const style = () => (aesthetic ? aesthetic.name : 'everyday');
  const tag = () => (aesthetic ? rng.pick(aesthetic.hashtags) : '#ootd');
  const adj = () => (aesthetic && rng.chance(0.5) ? rng.pick(aesthetic.words) : rng.pick(GENERIC_ADJ));

  const full: Array<() => string> = [
    () => `${C()} ${P()} ${K()}`,
    () => `${P()} ${C()} ${K()}`,
    () => `${K()} in ${C()} ${P()}`,
    () => `${C()} ${K()} with ${P()} print`,
    () => `${P()} ${K()} in ${C()}`,
    () => `a ${C()} ${P()} ${K()} for ${rng.pick(OCCASIONS)}`,
    () => `${adj()} ${C()} ${P()} ${K()}`,
    () => `obsessed with my new ${C()} ${P()} ${K()}! ${tag()} ${tag()}`,
    () => `ootd: ${P()} ${K()} in ${C()} ${tag()}`,
    () => `${tag()} this ${adj()} ${C()} ${P()} ${K()} is everything`,
    () => `${style()} ${C()} ${P()} ${K()}`,
  ];
  const partial: Array<() => Caption> = [
    () => ({ text: `${C()} ${K()}`, constraints: [ci, -1, ki, -1] }),
    () => ({ text: `${K()} in ${C()}`, constraints: [ci, -1, ki, -1] }),
    () => ({ text: `looking for a ${C()} ${K()}`, constraints: [ci, -1, ki, -1] }),
    () => ({ text: `${P()} ${K()}`, constraints: [-1, pi, ki, -1] }),
    () => ({ text: `${C()} ${P()} print`, constraints: [ci, pi, -1, -1] }),
    () => ({ text: `${K()}`, constraints: [-1, -1, ki, -1] }),
    () => ({ text: `a ${K()}`, constraints: [-1, -1, ki, -1] }),
    () => ({ text: `${C()} item`, constraints: [ci, -1, -1, -1] }),
    () => ({ text: `something ${C()}`, constraints: [ci, -1, -1, -1] }),
    () => ({ text: `${P()} pattern`, constraints: [-1, pi, -1, -1] }),
    () => ({ text: `${P()} item`, constraints: [-1, pi, -1, -1] }),
    // Style-only queries pin the aesthetic (never with colour/pattern: those decide the look).
    () => ({ text: `${style()} ${rng.pick(OCCASIONS)} ${K()}`, constraints: [-1, -1, ki, ai] }),
    () => ({ text: `${style()} ${K()}`, constraints: [-1, -1, ki, ai] }),
    () => ({ text: `${tag()} ${K()}`, constraints: [-1, -1, ki, ai] }),
  ];

  const out: Caption[] = texts.filter((t) => t.trim()).map((text) => ({ text, constraints: detectConstraints(text, a, v) }));
  const nFull = Math.ceil((count - out.length) / 2);
  for (let i = 0; i < nFull; i++) out.push({ text: rng.pick(full)(), constraints: [ci, pi, ki, -1] });
  while (out.length < count) out.push(rng.pick(partial)());
  return out;
}

/** A post's own caption plus one listing its items, so flat-lays learn what they contain. */
export function postCaptions(rng: Rng, caption: string, items: readonly ProductAttributes[]): string[] {
  const out = [caption];
  if (items.length > 0) {
    const phrases = items.map((a) => {
      const c = word(rng, lookup(COLOUR_BY_ID, a.colour));
      const p = word(rng, lookup(PATTERN_BY_ID, a.pattern));
      return `${c} ${p} ${word(rng, lookup(CATEGORY_BY_ID, a.category))}`;
    });
    out.push(`flat-lay with ${rng.shuffle(phrases).join(', ')}`);
  }
  return out;
}
