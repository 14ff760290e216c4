/**
 * CLIP's tokenizer as Hugging Face `tokenizers` JSON, built at run time from CLIP's own BPE merges file
 * (`bpe_simple_vocab_16e6.txt.gz`, openai/CLIP, MIT). Nothing built here is ever written into the
 * repository: callers write it into a temporary folder.
 *
 * What it reproduces (openai/CLIP clip/simple_tokenizer.py, and transformers' CLIPConverter, which
 * produced the tokenizer.json of Xenova/clip-vit-base-patch32):
 *   vocab  = the 256 byte characters (GPT-2 byte-to-unicode table, in its order), the same with
 *            "</w>", one token per merge (its two halves joined), then <|startoftext|>, <|endoftext|>
 *            = 256 + 256 + 48,894 + 2 = 49,408 ids; merges = lines[1 : 49152 - 256 - 2 + 1]
 *   text   -> NFC, runs of whitespace -> " ", lower case (CLIP: whitespace_clean(basic_clean(t)).lower())
 *          -> CLIP's regex split (words, single digits, runs of other symbols; spaces dropped)
 *          -> bytes -> unicode characters (ByteLevel, no prefix space, no second regex split)
 *          -> BPE with "</w>" on each word's last character
 *          -> <|startoftext|> ... <|endoftext|> (49406 ... 49407); pad with <|endoftext|>; 77 ids at most.
 *
 * How Transformers.js 2.17 reads it (node_modules/@xenova/transformers/src/tokenizers.js): BPE's
 * `end_of_word_suffix` is appended to the last character before merging; `continuing_subword_prefix`
 * is ignored by its BPE; the `Sequence` normalizer of NFC/Replace(Regex)/Lowercase and the
 * `Sequence` pre-tokenizer of Split(invert: true = keep the matches)/ByteLevel(use_regex: false) are
 * all supported; `model_max_length` and `pad_token` come from tokenizer_config.json (the JSON's own
 * `truncation`/`padding` blocks are not read, so they stay null like the real export's).
 *
 * Differences from the real export that do not change any id: the post-processor is
 * TemplateProcessing (the export has RobertaProcessing, the same tokens for one text and for pairs),
 * and CLIP's split regex keeps its `<|startoftext|>|<|endoftext|>` alternatives (the export drops
 * them; both are added tokens, split off before the pre-tokenizer ever runs).
 */
import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';

export const BOS = '<|startoftext|>';
export const EOS = '<|endoftext|>';
export const CLIP_VOCAB_SIZE = 49408;
export const CLIP_MAX_LENGTH = 77;

/** CLIP's split pattern (simple_tokenizer.py), case-folded already by the normalizer. */
export const CLIP_SPLIT_PATTERN = "<\\|startoftext\\|>|<\\|endoftext\\|>|'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+";

/** GPT-2's reversible byte -> unicode table, as the list of characters in bytes_to_unicode()'s value order. */
export function byteCharacters(): string[] {
  const bs: number[] = [];
  for (let b = 33; b <= 126; b++) bs.push(b);
  for (let b = 161; b <= 172; b++) bs.push(b);
  for (let b = 174; b <= 255; b++) bs.push(b);
  const cs = [...bs];
  let n = 0;
  for (let b = 0; b < 256; b++) {
    if (!bs.includes(b)) {
      bs.push(b);
      cs.push(256 + n++);
    }
  }
  return cs.map((c) => String.fromCodePoint(c));
}

export interface ClipVocabulary {
  /** token -> id, 49,408 entries */
  vocab: Record<string, number>;
  /** "left right" merge rules, best first */
  merges: string[];
}

/** Builds CLIP's vocabulary and merges exactly as simple_tokenizer.SimpleTokenizer.__init__ does. */
export function clipVocabulary(bpeGz: Uint8Array): ClipVocabulary {
  const lines = gunzipSync(bpeGz).toString('utf8').split('\n');
  const pairs = lines.slice(1, 49152 - 256 - 2 + 1).map((line) => line.split(/\s+/).filter(Boolean));
  const bad = pairs.findIndex((p) => p.length !== 2);
  if (bad >= 0) throw new Error(`merges line ${bad + 2} is not two symbols: ${JSON.stringify(lines[bad + 1])}`);
  const bytes = byteCharacters();
  const tokens = [...bytes, ...bytes.map((c) => `${c}</w>`), ...pairs.map(([a, b]) => a! + b!), BOS, EOS];
  const vocab: Record<string, number> = Object.create(null);
  tokens.forEach((t, i) => {
    if (t in vocab) throw new Error(`duplicate token ${JSON.stringify(t)} at ids ${vocab[t]} and ${i}`);
    vocab[t] = i;
  });
  if (tokens.length !== CLIP_VOCAB_SIZE) throw new Error(`expected ${CLIP_VOCAB_SIZE} tokens, built ${tokens.length}`);
  return { vocab, merges: pairs.map(([a, b]) => `${a} ${b}`) };
}

const added = (id: number, content: string, normalized: boolean) => ({
  id, content, single_word: false, lstrip: false, rstrip: false, normalized, special: true,
});

const special = (id: string, typeId: number) => ({ SpecialToken: { id, type_id: typeId } });
const sequence = (id: 'A' | 'B', typeId: number) => ({ Sequence: { id, type_id: typeId } });

/** tokenizer.json (Hugging Face tokenizers format) for CLIP. */
export function clipTokenizerJson({ vocab, merges }: ClipVocabulary): Record<string, unknown> {
  const bos = vocab[BOS]!;
  const eos = vocab[EOS]!;
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [added(bos, BOS, true), added(eos, EOS, false)],
    normalizer: {
      type: 'Sequence',
      normalizers: [{ type: 'NFC' }, { type: 'Replace', pattern: { Regex: '\\s+' }, content: ' ' }, { type: 'Lowercase' }],
    },
    pre_tokenizer: {
      type: 'Sequence',
      pretokenizers: [
        { type: 'Split', pattern: { Regex: CLIP_SPLIT_PATTERN }, behavior: 'Removed', invert: true },
        // No second (GPT-2) regex split: CLIP byte-encodes each piece of its own split as a whole.
        { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false },
      ],
    },
    post_processor: {
      type: 'TemplateProcessing',
      // CLIPTokenizer.build_inputs_with_special_tokens: bos A eos, and bos A eos eos B eos for pairs.
      single: [special(BOS, 0), sequence('A', 0), special(EOS, 0)],
      pair: [special(BOS, 0), sequence('A', 0), special(EOS, 0), special(EOS, 1), sequence('B', 1), special(EOS, 1)],
      special_tokens: {
        [BOS]: { id: BOS, ids: [bos], tokens: [BOS] },
        [EOS]: { id: EOS, ids: [eos], tokens: [EOS] },
      },
    },
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: EOS,
      continuing_subword_prefix: '',
      end_of_word_suffix: '</w>',
      fuse_unk: false,
      byte_fallback: false,
      vocab,
      merges,
    },
  };
}

/** tokenizer_config.json as the Xenova/openai export has it (the fields Transformers.js reads, and a few Python reads). */
export function clipTokenizerConfig(): Record<string, unknown> {
  return {
    tokenizer_class: 'CLIPTokenizer',
    model_max_length: CLIP_MAX_LENGTH,
    bos_token: BOS,
    eos_token: EOS,
    pad_token: EOS,
    unk_token: EOS,
    do_lower_case: true,
    add_prefix_space: false,
    errors: 'replace',
    clean_up_tokenization_spaces: true,
  };
}

/** special_tokens_map.json (read by Python transformers, not by Transformers.js). */
export function clipSpecialTokensMap(): Record<string, string> {
  return { bos_token: BOS, eos_token: EOS, pad_token: EOS, unk_token: EOS };
}

/** Reads CLIP's merges file from the reference folder. */
export async function readClipVocabulary(bpeGzPath: string): Promise<ClipVocabulary> {
  return clipVocabulary(await readFile(bpeGzPath));
}
