/**
 * The named styles of the world. Each is a distribution over the vocabulary.
 *
 * Design rule: an aesthetic puts most of its colour and pattern mass (DOMINANT_MASS) on 2-4
 * dominant colours and 1-3 dominant patterns, and spreads the rest thinly over everything else.
 * The thin tail keeps every colour × pattern × category combination reachable (the model holds
 * some out), while the dominant mass makes styles tell apart: a shopper who follows a
 * coastal-minimal creator should mostly be shown white/beige/light-blue, striped/solid things.
 */
import type { Aesthetic } from './schema.js';
import { CATEGORIES, COLOURS, PATTERNS, COLOUR_BY_ID, PATTERN_BY_ID, CATEGORY_BY_ID, lookup } from './vocabulary.js';

/** Share of colour (and pattern) probability carried by the dominant entries. */
export const DOMINANT_MASS = 0.9;

interface AestheticSpec {
  id: string;
  name: string;
  colours: readonly string[];
  patterns: readonly string[];
  /** Extra weight on top of a base weight of 1 for every non-health category. */
  categories: Readonly<Record<string, number>>;
  priceBand: [number, number];
  words: string[];
  hashtags: string[];
  /** Fictional brands that sell this look. */
  brands: string[];
}

const SPECS: readonly AestheticSpec[] = [
  {
    id: 'coastal-minimal', name: 'coastal minimal', colours: ['white', 'beige', 'light-blue'], patterns: ['striped', 'solid'],
    categories: { dress: 4, 't-shirt': 3, hat: 3, sunglasses: 3, handbag: 2, cushion: 3, vase: 3, 'yoga-mat': 0.6 },
    priceBand: [25, 110], words: ['breezy', 'linen', 'seaside', 'effortless', 'airy', 'relaxed'],
    hashtags: ['#coastalminimal', '#coastalstyle', '#linenlove', '#seasidestyle', '#minimalstyle'], brands: ['Saltline', 'Driftwood & Co', 'Harbour Lane'],
  },
  {
    id: 'streetwear', name: 'streetwear', colours: ['black', 'grey', 'orange'], patterns: ['solid', 'zigzag'],
    categories: { 't-shirt': 4, jeans: 3, jacket: 3, sneakers: 5, backpack: 3, hat: 2 },
    priceBand: [30, 160], words: ['oversized', 'drop', 'fresh', 'hype', 'urban', 'boxy'],
    hashtags: ['#streetwear', '#streetstyle', '#hypebeast', '#sneakerhead', '#fitcheck'], brands: ['Concrete Club', 'Blocklab', 'Nightshift Supply'],
  },
  {
    id: 'boho', name: 'boho', colours: ['brown', 'yellow', 'olive'], patterns: ['floral', 'zigzag'],
    categories: { dress: 4, skirt: 4, scarf: 3, hat: 3, handbag: 2, cushion: 2, vase: 2, boots: 2 },
    priceBand: [20, 120], words: ['free-spirited', 'flowy', 'earthy', 'festival', 'sun-kissed', 'woven'],
    hashtags: ['#boho', '#bohostyle', '#bohemian', '#festivalstyle', '#earthtones'], brands: ['Wildflower Row', 'Desert Sage', 'Loom & Fringe'],
  },
  {
    id: 'preppy', name: 'preppy', colours: ['navy', 'red', 'green'], patterns: ['plaid', 'striped'],
    categories: { skirt: 3, jacket: 4, 't-shirt': 2, scarf: 2, handbag: 3, boots: 1, hat: 1 },
    priceBand: [40, 180], words: ['polished', 'classic', 'collegiate', 'crisp', 'timeless', 'country club'],
    hashtags: ['#preppy', '#preppystyle', '#ivystyle', '#classicstyle', '#oldmoney'], brands: ['Ashford & Vale', 'Regatta Row', 'Pemberton'],
  },
  {
    id: 'dark-academia', name: 'dark academia', colours: ['burgundy', 'brown', 'black'], patterns: ['plaid', 'solid'],
    categories: { jacket: 4, skirt: 3, boots: 4, scarf: 3, backpack: 2, handbag: 2, vase: 1 },
    priceBand: [45, 200], words: ['moody', 'scholarly', 'vintage', 'tweedy', 'library', 'autumnal'],
    hashtags: ['#darkacademia', '#academiaaesthetic', '#booklover', '#autumnstyle', '#vintagestyle'], brands: ['Bramblewood', 'Quill & Ink', 'Old Library Goods'],
  },
  {
    id: 'athleisure', name: 'athleisure', colours: ['teal', 'purple', 'grey'], patterns: ['solid', 'striped'],
    categories: { 't-shirt': 4, sneakers: 4, backpack: 3, jacket: 2, hat: 1, sunglasses: 1, supplements: 3, 'fitness-tracker': 3, 'yoga-mat': 4 },
    priceBand: [25, 140], words: ['sporty', 'performance', 'sweat-ready', 'active', 'stretchy', 'gym-to-brunch'],
    hashtags: ['#athleisure', '#gymstyle', '#activewear', '#fitfam', '#wellness'], brands: ['Pulse Active', 'Stridewell', 'Core & Flow'],
  },
  {
    id: 'y2k', name: 'y2k', colours: ['pink', 'purple', 'light-blue'], patterns: ['leopard', 'polka-dot'],
    categories: { skirt: 3, 't-shirt': 3, jeans: 2, handbag: 4, sunglasses: 4, hat: 2 },
    priceBand: [15, 90], words: ['nostalgic', 'glossy', 'playful', 'retro', 'sparkly', 'bratty'],
    hashtags: ['#y2k', '#y2kfashion', '#2000sstyle', '#throwback', '#itgirl'], brands: ['Glitterbyte', 'Pixel Princess', 'Butterfly Club'],
  },
  {
    id: 'cottagecore', name: 'cottagecore', colours: ['white', 'yellow', 'green', 'pink'], patterns: ['floral', 'polka-dot'],
    categories: { dress: 5, skirt: 3, hat: 2, scarf: 2, cushion: 4, vase: 4, handbag: 1, 'yoga-mat': 0.4, supplements: 0.4 },
    priceBand: [20, 100], words: ['dreamy', 'romantic', 'handmade', 'meadow', 'whimsical', 'homespun'],
    hashtags: ['#cottagecore', '#cottagestyle', '#slowliving', '#prairiedress', '#romanticstyle'], brands: ['Meadowsweet', 'Hedgerow & Honey', 'Little Orchard'],
  },
];

/** Spreads DOMINANT_MASS over `dominant` and the rest over every other id. */
function spread(all: readonly string[], dominant: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  const others = all.filter((id) => !dominant.includes(id));
  for (const id of all) {
    const w = dominant.includes(id) ? DOMINANT_MASS / dominant.length : (1 - DOMINANT_MASS) / others.length;
    out[id] = Math.round(w * 10000) / 10000;
  }
  return out;
}

function categoryWeights(extra: Readonly<Record<string, number>>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of CATEGORIES) {
    const base = c.sensitive ? 0 : 1;
    const w = base + (extra[c.id] ?? 0);
    if (w > 0) out[c.id] = w;
  }
  return out;
}

function build(spec: AestheticSpec): Aesthetic {
  for (const id of spec.colours) lookup(COLOUR_BY_ID, id);
  for (const id of spec.patterns) lookup(PATTERN_BY_ID, id);
  for (const id of Object.keys(spec.categories)) lookup(CATEGORY_BY_ID, id);
  return {
    id: spec.id,
    name: spec.name,
    colours: spread(COLOURS.map((c) => c.id), spec.colours),
    patterns: spread(PATTERNS.map((p) => p.id), spec.patterns),
    categories: categoryWeights(spec.categories),
    priceBand: spec.priceBand,
    words: spec.words,
    hashtags: spec.hashtags,
    dominantColours: [...spec.colours],
    dominantPatterns: [...spec.patterns],
  };
}

/** All aesthetics in the world-format shape (as written to world.json). */
export const AESTHETICS: readonly Aesthetic[] = SPECS.map(build);

export const AESTHETIC_BY_ID: ReadonlyMap<string, Aesthetic> = new Map(AESTHETICS.map((a) => [a.id, a]));

/** The dominant colours and patterns of an aesthetic, for tests and evaluation. */
export function dominantOf(aestheticId: string): { colours: readonly string[]; patterns: readonly string[] } {
  const spec = SPECS.find((s) => s.id === aestheticId);
  if (!spec) throw new Error(`Unknown aesthetic "${aestheticId}"`);
  return { colours: spec.colours, patterns: spec.patterns };
}

/** Fictional brands of an aesthetic. */
export function brandsOf(aestheticId: string): readonly string[] {
  const spec = SPECS.find((s) => s.id === aestheticId);
  if (!spec) throw new Error(`Unknown aesthetic "${aestheticId}"`);
  return spec.brands;
}
