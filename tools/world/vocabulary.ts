/**
 * The closed vocabulary the synthetic world is built from: colours, patterns and categories.
 *
 * Every entry carries the synonyms that titles and captions use, so that text models learn that
 * "crimson" and "red" name the same thing. Colours were chosen to stay distinguishable after a
 * 64×64 downscale with noise (no two closer than a clear hue or lightness step).
 */
import { SENSITIVE_HEALTH } from './schema.js';

export interface ColourDef {
  id: string;
  /** Plain display name used in most titles. */
  name: string;
  rgb: readonly [number, number, number];
  synonyms: readonly string[];
}

export interface PatternDef {
  id: string;
  name: string;
  synonyms: readonly string[];
}

export type CategoryGroup = 'apparel' | 'shoes' | 'bags' | 'accessories' | 'home' | 'health';

export interface CategoryDef {
  id: string;
  name: string;
  group: CategoryGroup;
  synonyms: readonly string[];
  /** Multiplies the aesthetic's price band: a jacket costs more than a tee. */
  priceFactor: number;
  sensitive?: typeof SENSITIVE_HEALTH;
}

export const COLOURS: readonly ColourDef[] = [
  { id: 'black', name: 'black', rgb: [22, 22, 24], synonyms: ['jet', 'onyx', 'ebony'] },
  { id: 'white', name: 'white', rgb: [246, 246, 242], synonyms: ['snow', 'optic white', 'chalk'] },
  { id: 'grey', name: 'grey', rgb: [138, 138, 142], synonyms: ['gray', 'slate', 'heather grey'] },
  { id: 'beige', name: 'beige', rgb: [222, 200, 165], synonyms: ['sand', 'oatmeal', 'cream'] },
  { id: 'brown', name: 'brown', rgb: [118, 74, 42], synonyms: ['chocolate', 'cocoa', 'espresso'] },
  { id: 'red', name: 'red', rgb: [205, 28, 40], synonyms: ['crimson', 'scarlet', 'cherry'] },
  { id: 'burgundy', name: 'burgundy', rgb: [118, 22, 52], synonyms: ['wine', 'oxblood', 'claret'] },
  { id: 'pink', name: 'pink', rgb: [244, 148, 190], synonyms: ['blush', 'rose', 'bubblegum'] },
  { id: 'orange', name: 'orange', rgb: [244, 128, 24], synonyms: ['tangerine', 'pumpkin', 'apricot'] },
  { id: 'yellow', name: 'yellow', rgb: [248, 210, 40], synonyms: ['mustard', 'lemon', 'sunflower'] },
  { id: 'olive', name: 'olive', rgb: [112, 118, 44], synonyms: ['khaki', 'moss', 'army green'] },
  { id: 'green', name: 'green', rgb: [36, 146, 66], synonyms: ['emerald', 'kelly green', 'grass green'] },
  { id: 'teal', name: 'teal', rgb: [0, 142, 146], synonyms: ['petrol', 'turquoise', 'aqua'] },
  { id: 'light-blue', name: 'light blue', rgb: [124, 182, 236], synonyms: ['sky blue', 'powder blue', 'baby blue'] },
  { id: 'navy', name: 'navy', rgb: [26, 36, 92], synonyms: ['dark blue', 'midnight', 'navy blue'] },
  { id: 'purple', name: 'purple', rgb: [118, 52, 160], synonyms: ['violet', 'plum', 'grape'] },
];

export const PATTERNS: readonly PatternDef[] = [
  { id: 'solid', name: 'solid', synonyms: ['plain', 'classic', 'block colour'] },
  { id: 'striped', name: 'striped', synonyms: ['stripy', 'breton stripe', 'candy stripe'] },
  { id: 'polka-dot', name: 'polka-dot', synonyms: ['dotted', 'spotty', 'polka'] },
  { id: 'plaid', name: 'plaid', synonyms: ['tartan', 'checked', 'gingham'] },
  { id: 'floral', name: 'floral', synonyms: ['flower print', 'botanical', 'ditsy floral'] },
  { id: 'leopard', name: 'leopard', synonyms: ['leopard print', 'animal print', 'cheetah'] },
  { id: 'zigzag', name: 'zigzag', synonyms: ['chevron', 'zig-zag', 'herringbone'] },
];

const H = SENSITIVE_HEALTH;

export const CATEGORIES: readonly CategoryDef[] = [
  { id: 'dress', name: 'dress', group: 'apparel', synonyms: ['midi dress', 'sundress', 'frock'], priceFactor: 1.0 },
  { id: 't-shirt', name: 't-shirt', group: 'apparel', synonyms: ['tee', 'top', 'shirt'], priceFactor: 0.5 },
  { id: 'jeans', name: 'jeans', group: 'apparel', synonyms: ['denim', 'trousers', 'pants'], priceFactor: 0.9 },
  { id: 'skirt', name: 'skirt', group: 'apparel', synonyms: ['mini skirt', 'midi skirt', 'a-line skirt'], priceFactor: 0.8 },
  { id: 'jacket', name: 'jacket', group: 'apparel', synonyms: ['coat', 'blazer', 'bomber'], priceFactor: 1.6 },
  { id: 'sneakers', name: 'sneakers', group: 'shoes', synonyms: ['trainers', 'kicks', 'runners'], priceFactor: 1.3 },
  { id: 'boots', name: 'boots', group: 'shoes', synonyms: ['ankle boots', 'chelsea boots', 'booties'], priceFactor: 1.6 },
  { id: 'handbag', name: 'handbag', group: 'bags', synonyms: ['bag', 'tote', 'purse'], priceFactor: 1.4 },
  { id: 'backpack', name: 'backpack', group: 'bags', synonyms: ['rucksack', 'daypack', 'school bag'], priceFactor: 1.1 },
  { id: 'hat', name: 'hat', group: 'accessories', synonyms: ['sun hat', 'bucket hat', 'fedora'], priceFactor: 0.5 },
  { id: 'scarf', name: 'scarf', group: 'accessories', synonyms: ['shawl', 'wrap', 'muffler'], priceFactor: 0.5 },
  { id: 'sunglasses', name: 'sunglasses', group: 'accessories', synonyms: ['shades', 'sunnies', 'glasses'], priceFactor: 0.7 },
  { id: 'cushion', name: 'cushion', group: 'home', synonyms: ['pillow', 'throw pillow', 'scatter cushion'], priceFactor: 0.5 },
  { id: 'vase', name: 'vase', group: 'home', synonyms: ['flower vase', 'vessel', 'bud vase'], priceFactor: 0.6 },
  { id: 'supplements', name: 'supplements', group: 'health', synonyms: ['vitamins', 'supplement bottle', 'capsules'], priceFactor: 0.4, sensitive: H },
  { id: 'fitness-tracker', name: 'fitness tracker', group: 'health', synonyms: ['activity tracker', 'smart band', 'step counter'], priceFactor: 1.8, sensitive: H },
  { id: 'yoga-mat', name: 'yoga mat', group: 'health', synonyms: ['exercise mat', 'workout mat', 'pilates mat'], priceFactor: 0.7, sensitive: H },
];

function index<T extends { id: string }>(items: readonly T[]): ReadonlyMap<string, T> {
  return new Map(items.map((item) => [item.id, item]));
}

export const COLOUR_BY_ID = index(COLOURS);
export const PATTERN_BY_ID = index(PATTERNS);
export const CATEGORY_BY_ID = index(CATEGORIES);

/** Looks up a vocabulary entry, failing loudly on a typo in an aesthetic table. */
export function lookup<T>(map: ReadonlyMap<string, T>, id: string): T {
  const found = map.get(id);
  if (!found) throw new Error(`Unknown vocabulary id "${id}"`);
  return found;
}
