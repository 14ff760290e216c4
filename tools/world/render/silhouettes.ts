/**
 * One simple, recognisable outline per category, drawn in a 100×100 box.
 *
 * `body` paths take the item's colour-and-pattern fill; `trim` elements are drawn on top in a
 * fixed neutral (soles, screens, caps) so the category reads even at 64×64. Shapes are bold and
 * fill most of the box on purpose: the model sees these images downscaled.
 */

export interface Silhouette {
  /** SVG path data filled with the item's pattern. */
  body: readonly string[];
  /** Extra SVG elements (already complete tags); `{outline}` is replaced by the outline colour. */
  trim: readonly string[];
}

const S: Record<string, Silhouette> = {
  dress: {
    body: ['M37 6 L42 6 L44 22 L56 22 L58 6 L63 6 L65 27 L60 40 L82 93 L18 93 L40 40 L35 27 Z'],
    trim: ['<path d="M36 38 L64 38" stroke="{outline}" stroke-width="2.5" fill="none"/>'],
  },
  't-shirt': {
    body: ['M30 12 L42 8 Q50 17 58 8 L70 12 L92 32 L79 46 L71 39 L71 92 L29 92 L29 39 L21 46 L8 32 Z'],
    trim: [],
  },
  jeans: {
    body: ['M27 8 L73 8 L78 93 L56 93 L50 38 L44 93 L22 93 Z'],
    trim: ['<path d="M27 16 L73 16" stroke="{outline}" stroke-width="2.5" fill="none"/>'],
  },
  skirt: {
    body: ['M33 16 L67 16 L86 86 L14 86 Z'],
    trim: ['<path d="M32 24 L68 24" stroke="{outline}" stroke-width="3" fill="none"/>'],
  },
  jacket: {
    body: ['M32 10 L44 6 L50 22 L56 6 L68 10 L87 24 L94 80 L80 82 L72 42 L72 93 L28 93 L28 42 L20 82 L6 80 L13 24 Z'],
    trim: ['<path d="M50 22 L50 93 M44 6 L40 30 L50 22 L60 30 L56 6" stroke="{outline}" stroke-width="2.5" fill="none"/>'],
  },
  sneakers: {
    body: ['M8 64 Q10 42 28 40 L44 38 Q52 52 68 54 L88 58 Q96 62 94 72 L8 72 Z'],
    trim: [
      '<path d="M6 72 L96 72 L95 82 Q50 86 7 82 Z" fill="#f4f4f4" stroke="{outline}" stroke-width="1.5"/>',
      '<path d="M40 46 L50 42 M44 50 L54 46 M48 54 L58 50" stroke="#f4f4f4" stroke-width="3"/>',
    ],
  },
  boots: {
    body: ['M28 6 L58 6 L60 56 Q74 58 88 66 Q95 71 93 80 L28 80 Z'],
    trim: ['<path d="M26 80 L95 80 L95 90 L26 90 Z" fill="#2a2420"/>'],
  },
  handbag: {
    body: ['M16 42 L84 42 L91 90 L9 90 Z'],
    trim: ['<path d="M30 42 Q30 10 50 10 Q70 10 70 42" stroke="{outline}" stroke-width="6" fill="none"/>'],
  },
  backpack: {
    body: ['M22 22 Q22 10 36 10 L64 10 Q78 10 78 22 L80 92 L20 92 Z', 'M31 56 L69 56 L69 84 L31 84 Z'],
    trim: ['<path d="M40 10 Q40 2 50 2 Q60 2 60 10" stroke="{outline}" stroke-width="4" fill="none"/>'],
  },
  hat: {
    body: ['M8 62 Q8 50 30 50 Q30 20 50 20 Q70 20 70 50 Q92 50 92 62 Q92 74 50 74 Q8 74 8 62 Z'],
    trim: ['<path d="M30 48 Q50 54 70 48" stroke="{outline}" stroke-width="5" fill="none"/>'],
  },
  scarf: {
    body: ['M12 22 L38 10 L88 78 L62 92 Z'],
    trim: ['<path d="M10 24 L4 16 M16 20 L10 12 M22 18 L16 10 M62 92 L66 99 M70 88 L74 95 M78 84 L82 91" stroke="{outline}" stroke-width="2.5"/>'],
  },
  sunglasses: {
    body: ['M6 30 L46 30 L44 62 Q26 74 10 62 Z', 'M54 30 L94 30 L90 62 Q74 74 56 62 Z'],
    trim: ['<path d="M46 36 Q50 28 54 36 M6 32 L2 22 M94 32 L98 22" stroke="#1c1c1c" stroke-width="4" fill="none"/>'],
  },
  cushion: {
    body: ['M12 16 Q50 6 88 16 Q96 50 88 84 Q50 94 12 84 Q4 50 12 16 Z'],
    trim: ['<path d="M18 22 Q50 14 82 22 Q88 50 82 78 Q50 86 18 78 Q12 50 18 22 Z" stroke="{outline}" stroke-width="1.5" stroke-dasharray="4 3" fill="none"/>'],
  },
  vase: {
    body: ['M38 8 L62 8 L59 22 Q84 40 78 66 Q73 92 50 92 Q27 92 22 66 Q16 40 41 22 Z'],
    trim: ['<path d="M36 8 L64 8" stroke="{outline}" stroke-width="4"/>'],
  },
  supplements: {
    body: ['M26 30 Q26 26 32 26 L68 26 Q74 26 74 30 L74 92 L26 92 Z'],
    trim: [
      '<path d="M32 8 L68 8 L68 26 L32 26 Z" fill="#f2f2f2" stroke="{outline}" stroke-width="1.5"/>',
      '<path d="M26 52 L74 52 L74 70 L26 70 Z" fill="#fafafa"/>',
      '<path d="M34 58 L66 58 M34 64 L56 64" stroke="#555" stroke-width="2"/>',
    ],
  },
  'fitness-tracker': {
    body: ['M36 4 L64 4 L66 96 L34 96 Z'],
    trim: ['<path d="M28 32 Q28 28 32 28 L68 28 Q72 28 72 32 L72 68 Q72 72 68 72 L32 72 Q28 72 28 68 Z" fill="#1e1e22"/>', '<path d="M38 50 L46 50 L50 42 L54 58 L58 50 L64 50" stroke="#7fe3a0" stroke-width="2" fill="none"/>'],
  },
  'yoga-mat': {
    body: ['M10 30 L76 30 Q90 30 90 50 Q90 70 76 70 L10 70 Z', 'M10 70 L10 90 L60 90 L76 70 Z'],
    trim: ['<path d="M76 38 Q84 38 84 50 Q84 62 76 62 Q70 62 70 50 Q70 44 76 44" stroke="{outline}" stroke-width="2" fill="none"/>'],
  },
};

/** The silhouette of a category; throws for a category with no drawing (a vocabulary bug). */
export function silhouetteOf(category: string): Silhouette {
  const s = S[category];
  if (!s) throw new Error(`No silhouette for category "${category}"`);
  return s;
}
