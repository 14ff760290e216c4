/**
 * Product titles, descriptions and creator captions.
 *
 * Text deliberately varies: synonyms ("crimson" for red), word order ("dress in navy" vs "navy
 * dress"), filler words and hashtags, so a text model trained on it cannot rely on one template.
 */
import type { Rng } from './prng.js';
import type { Aesthetic, ProductAttributes } from './schema.js';
import { CATEGORY_BY_ID, COLOUR_BY_ID, PATTERN_BY_ID, lookup } from './vocabulary.js';

type Look = Pick<ProductAttributes, 'colour' | 'pattern' | 'category'>;

const SMALL_WORDS = new Set(['in', 'with', 'a', 'and', 'by']);
const titleCase = (s: string): string =>
  s
    .split(' ')
    .map((w, i) => (i > 0 && SMALL_WORDS.has(w) ? w : w.replace(/(^|-)([a-z])/g, (_, pre: string, c: string) => pre + c.toUpperCase())))
    .join(' ');
const capitalise = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/** A colour word: the plain name most of the time, otherwise one of its synonyms. */
export function colourWord(id: string, rng: Rng, synonymRate = 0.35): string {
  const c = lookup(COLOUR_BY_ID, id);
  return rng.chance(synonymRate) ? rng.pick(c.synonyms) : c.name;
}

/** A pattern word; solid items often go unnamed, as in real listings. */
export function patternWord(id: string, rng: Rng, synonymRate = 0.3): string {
  const p = lookup(PATTERN_BY_ID, id);
  if (id === 'solid' && rng.chance(0.6)) return '';
  return rng.chance(synonymRate) ? rng.pick(p.synonyms) : p.name;
}

export function categoryWord(id: string, rng: Rng, synonymRate = 0.3): string {
  const c = lookup(CATEGORY_BY_ID, id);
  return rng.chance(synonymRate) ? rng.pick(c.synonyms) : c.name;
}

const join = (...parts: string[]): string => parts.filter((p) => p.length > 0).join(' ');

/** A short noun phrase for one item, in one of several word orders. */
export function itemPhrase(look: Look, rng: Rng): string {
  const colour = colourWord(look.colour, rng);
  const pattern = patternWord(look.pattern, rng);
  const category = categoryWord(look.category, rng);
  switch (rng.int(0, 3)) {
    case 0:
      return join(pattern, category, 'in', colour);
    case 1:
      return pattern ? `${colour} ${category} with a ${pattern} print` : join(colour, category);
    default:
      return join(colour, pattern, category);
  }
}

/** A product title naming colour, pattern (unless plain), category and usually the brand. */
export function productTitle(look: Look, brand: string, aesthetic: Aesthetic, rng: Rng): string {
  const colour = colourWord(look.colour, rng);
  const pattern = patternWord(look.pattern, rng);
  const category = categoryWord(look.category, rng);
  const adjective = rng.pick(aesthetic.words);
  switch (rng.int(0, 4)) {
    case 0:
      return titleCase(join(brand, pattern, category, 'in', colour));
    case 1:
      return titleCase(join(adjective, colour, pattern, category)) + ` by ${brand}`;
    case 2:
      return titleCase(join(colour, pattern, category)) + ` | ${brand}`;
    default:
      return titleCase(join(brand, colour, pattern, category));
  }
}

/** A two-sentence product description in the catalog's neutral voice. */
export function productDescription(look: Look, aesthetic: Aesthetic, rng: Rng): string {
  const c = lookup(COLOUR_BY_ID, look.colour);
  const p = lookup(PATTERN_BY_ID, look.pattern);
  const cat = lookup(CATEGORY_BY_ID, look.category);
  const [w1, w2] = rng.shuffle(aesthetic.words);
  const patternPart = look.pattern === 'solid' ? `in solid ${c.name}` : `in ${c.name} with a ${p.name} pattern`;
  const second = rng.pick([
    `A ${w1}, ${w2} piece for a ${aesthetic.name} wardrobe.`,
    `Made for ${w1} days and ${w2} evenings.`,
    `The ${aesthetic.name} staple you will reach for again and again.`,
  ]);
  return `${capitalise(w1)} ${cat.name} ${patternPart}. ${second}`;
}

/** How a creator writes: the openers they favour, emoji habit and casing. */
export interface Voice {
  openers: readonly string[];
  emojis: readonly string[];
  lowercase: boolean;
}

const OPENERS = [
  'obsessed with this {first}',
  "today's fit: {all}",
  "can't stop wearing my {first}",
  'new in: {first}',
  '{all}. that is the post.',
  'weekend uniform = {all}',
  'styled my {first} with {rest}',
  'ok but this {first}??',
  'current rotation: {all}',
  'found the perfect {first}, wearing it with {rest}',
  'outfit details: {all}',
  'saying yes to {first} season',
];
const EMOJIS = ['✨', '😍', '🌿', '🖤', '🌸', '🔥', '💫', '☀️', '🤍', '🍂'];

/** Picks a creator's voice once, so their captions sound alike across posts. */
export function createVoice(rng: Rng): Voice {
  return {
    openers: rng.shuffle(OPENERS).slice(0, 4),
    emojis: rng.chance(0.7) ? rng.shuffle(EMOJIS).slice(0, 3) : [],
    lowercase: rng.chance(0.5),
  };
}

const GENERIC_TAGS = ['#ootd', '#outfitinspo', '#flatlay', '#styleinspo', '#whatiwore', '#shopmylook'];

/** A post caption in the creator's voice naming every item, with 2-5 hashtags. */
export function caption(looks: readonly Look[], aesthetic: Aesthetic, voice: Voice, rng: Rng): string {
  const phrases = looks.map((l) => itemPhrase(l, rng));
  const all = phrases.length > 1 ? `${phrases.slice(0, -1).join(', ')} ${rng.pick(['and', '+', '&'])} ${phrases[phrases.length - 1]}` : phrases[0];
  const rest = phrases.slice(1).join(rng.pick([' and ', ' + ', ', ']));
  const opener = rng.pick(voice.openers);
  let text = opener.replace('{first}', phrases[0]).replace('{all}', all).replace('{rest}', rest);
  // Openers about one item still name the others, so the caption describes the whole flat-lay.
  if (!opener.includes('{all}') && !opener.includes('{rest}')) {
    const tail = rng.pick([`, paired with ${rest}`, ` + ${rest}`, `. also wearing ${rest}`, ` (with ${rest})`]);
    text += /[.?!]$/.test(text) && tail.startsWith('.') ? tail.slice(1) : tail;
  }
  if (rng.chance(0.6)) text += `${/[.?!]$/.test(text) ? '' : '.'} so ${rng.pick(aesthetic.words)}`;
  if (voice.emojis.length > 0 && rng.chance(0.8)) text += ' ' + rng.pick(voice.emojis);
  text = voice.lowercase ? text.toLowerCase() : capitalise(text);
  const tags = rng.shuffle(aesthetic.hashtags).slice(0, rng.int(1, 3)).concat(rng.shuffle(GENERIC_TAGS).slice(0, rng.int(1, 2)));
  return `${text} ${tags.join(' ')}`;
}
