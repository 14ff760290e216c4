/**
 * Writes the non-weight files of a Transformers.js CLIP model folder: the tokenizer (our own
 * word-level WordPiece vocabulary) and the image preprocessor config. `tools/model/python/train.py` adds
 * `config.json` and `onnx/*` to the same folder.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Same character classes as Transformers.js's BertPreTokenizer, so vocabulary words match tokens. */
const PUNCT = '\\p{P}\\u0021-\\u002F\\u003A-\\u0040\\u005B-\\u0060\\u007B-\\u007E';
const WORDS = new RegExp(`[^\\s${PUNCT}]+|[${PUNCT}]`, 'gu');

/** The words the tokenizer will see in `text` (lower-cased, accents stripped, punctuation split). */
export function pretokenize(text: string): string[] {
  const norm = text.toLowerCase().normalize('NFD').replace(/\p{Mn}/gu, '');
  return norm.match(WORDS) ?? [];
}

const special = (id: number, content: string) => ({
  id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true,
});

/**
 * tokenizer.json + tokenizer_config.json. WordPiece without "##" pieces is a word-level tokenizer
 * that Transformers.js v2 supports; BertPreTokenizer splits "#boho" and "dress," into clean words.
 */
export async function writeTokenizer(dir: string, tokens: readonly string[], maxLength: number): Promise<void> {
  await mkdir(dir, { recursive: true });
  const vocab: Record<string, number> = {};
  tokens.forEach((t, i) => (vocab[t] = i));
  const tokenizer = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: ['[PAD]', '[UNK]', '[CLS]', '[SEP]'].map((t) => special(vocab[t], t)),
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: true, lowercase: true },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } }],
      pair: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } },
        { Sequence: { id: 'B', type_id: 1 } }, { SpecialToken: { id: '[SEP]', type_id: 1 } },
      ],
      special_tokens: {
        '[CLS]': { id: '[CLS]', ids: [vocab['[CLS]']], tokens: ['[CLS]'] },
        '[SEP]': { id: '[SEP]', ids: [vocab['[SEP]']], tokens: ['[SEP]'] },
      },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab },
  };
  const config = {
    tokenizer_class: 'BertTokenizer',
    do_lower_case: true,
    model_max_length: maxLength,
    pad_token: '[PAD]',
    unk_token: '[UNK]',
    cls_token: '[CLS]',
    sep_token: '[SEP]',
    clean_up_tokenization_spaces: true,
  };
  await writeFile(path.join(dir, 'tokenizer.json'), JSON.stringify(tokenizer));
  await writeFile(path.join(dir, 'tokenizer_config.json'), JSON.stringify(config, null, 2));
}

/**
 * preprocessor_config.json: CLIP's processor at our small input size (resize the shortest edge, centre
 * crop). `resample` is PIL's code: 3 bicubic (CLIP's), 1 Lanczos (sharper: fine patterns keep contrast).
 */
export async function writePreprocessor(dir: string, imageSize: number, resample: 1 | 3): Promise<void> {
  await mkdir(dir, { recursive: true });
  const config = {
    feature_extractor_type: 'CLIPFeatureExtractor',
    image_processor_type: 'CLIPImageProcessor',
    do_convert_rgb: true,
    do_resize: true,
    size: { shortest_edge: imageSize },
    resample,
    do_center_crop: true,
    crop_size: { height: imageSize, width: imageSize },
    do_rescale: true,
    rescale_factor: 1 / 255,
    do_normalize: true,
    image_mean: [0.48145466, 0.4578275, 0.40821073],
    image_std: [0.26862954, 0.26130258, 0.27577711],
  };
  await writeFile(path.join(dir, 'preprocessor_config.json'), JSON.stringify(config, null, 2));
}
