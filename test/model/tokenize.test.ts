/**
 * tokenizeTexts (src/embed/tokenize.ts) on the shipped model's word-level tokenizer: a text longer
 * than model_max_length keeps its closing [SEP], as it would with Python's tokenizers, and every
 * text that fits gets exactly the tokenizer's own ids. The CLIP side ([49407], 77 positions) is in
 * test/clip/tokenizer.test.ts, which needs CLIP's vocabulary.
 */
import { AutoTokenizer, type PreTrainedTokenizer } from '@xenova/transformers';
import { beforeAll, describe, expect, it } from 'vitest';
import { closingSpecialIds, tokenizeTexts } from '../../src/embed/tokenize.js';
import { configureTransformers } from '../../src/embed/transformers-env.js';
import { MODEL_ID, MODELS_DIR } from './model.js';

let tokenizer: PreTrainedTokenizer;
let sep: number;
beforeAll(async () => {
  configureTransformers(MODELS_DIR);
  tokenizer = await AutoTokenizer.from_pretrained(MODEL_ID, { local_files_only: true });
  sep = tokenizer.model.tokens_to_ids.get('[SEP]')!;
});

const rows = (t: { data: unknown; dims: number[] }) =>
  Array.from({ length: t.dims[0]! }, (_, r) => Array.from((t.data as BigInt64Array).subarray(r * t.dims[1]!, (r + 1) * t.dims[1]!), Number));

describe('tokenizeTexts on style-clip-mini', () => {
  // 70 words: over the shipped model's 64 positions. No fixture or training caption is this long
  // (fixtures max 48 tokens, the training world's max 49), so the shipped model's outputs are unchanged.
  const long = Array.from({ length: 70 }, (_, i) => ['red', 'floral', 'dress', 'linen', 'boho'][i % 5]).join(' ');

  it('finds [SEP] as the closing special token', () => {
    expect(tokenizer.model_max_length).toBe(64);
    expect(closingSpecialIds(tokenizer)).toEqual([sep]);
  });

  it('ends a truncated row with [SEP], keeping [CLS] and the first 62 words', () => {
    const full = tokenizer.encode(long);
    expect(full.length).toBeGreaterThan(64);
    const [row] = rows(tokenizeTexts(tokenizer, [long], [sep]).input_ids);
    expect(row).toEqual([...full.slice(0, 63), sep]);
    // Transformers.js' own call cuts [SEP] off (what the service did before tokenize.ts).
    const [raw] = rows(tokenizer([long], { padding: true, truncation: true }).input_ids);
    expect(raw![63]).not.toBe(sep);
  });

  it('leaves rows that fit exactly as the tokenizer gives them, also beside a truncated one', () => {
    const texts = ['red floral dress', long, 'navy striped linen shirt'];
    const ours = tokenizeTexts(tokenizer, texts, [sep]);
    const theirs = tokenizer(texts, { padding: true, truncation: true });
    const [a, b] = [rows(ours.input_ids), rows(theirs.input_ids)];
    expect([a[0], a[2]]).toEqual([b[0], b[2]]);
    expect(rows(ours.attention_mask)).toEqual(rows(theirs.attention_mask));
  });
});
