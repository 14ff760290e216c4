/**
 * Text → model inputs, shared by the embedder and training prep (tools/model/prepare.ts), so what a
 * model is trained on and what it is served cannot drift apart.
 *
 * Why not the tokenizer call alone: Transformers.js 2.17 truncates a long text AFTER adding the
 * special tokens, cutting the closing one off (a CLIP caption over 75 BPE tokens ends in a word piece,
 * not `<|endoftext|>`). CLIP pools its text tower at `<|endoftext|>` (argmax of the ids), and CLIP's
 * own `clip.tokenize(truncate=True)` and Python's CLIPTokenizer both keep it last, as BERT-style
 * tokenizers keep `[SEP]`. So a truncated row gets the tokenizer's closing special tokens put back
 * into its last slots: `<|startoftext|>` + the first 75 tokens + `<|endoftext|>`, exactly as CLIP.
 *
 * @example
 * const closing = closingSpecialIds(tokenizer); // [49407] for CLIP, [id of [SEP]] for style-clip-mini
 * const inputs = tokenizeTexts(tokenizer, ['red floral dress', veryLongCaption], closing);
 * await textModel(inputs);
 */
import type { PreTrainedTokenizer, Tensor } from '@xenova/transformers';

/** What the tokenizer call returns and the text tower takes (token_type_ids for BERT-style tokenizers). */
export interface TextInputs {
  input_ids: Tensor;
  attention_mask: Tensor;
  [name: string]: Tensor;
}

/**
 * The ids the tokenizer's post-processor appends after a text (CLIP: `<|endoftext|>`; BERT:
 * `[SEP]`), found by encoding one word with and without special tokens. Empty when it appends none.
 */
export function closingSpecialIds(tokenizer: PreTrainedTokenizer): number[] {
  const full = tokenizer.encode('a');
  const bare = tokenizer.encode('a', null, { add_special_tokens: false });
  for (let start = 0; start + bare.length <= full.length; start++) {
    if (bare.every((id, k) => full[start + k] === id)) return full.slice(start + bare.length);
  }
  return [];
}

/**
 * Tokenizes a batch (padded to its longest row, truncated to the tokenizer's model_max_length) and
 * puts `closing` back at the end of every row that fills the whole context, i.e. every truncated
 * one. A row that fits exactly already ends in `closing`, so rewriting it changes nothing.
 */
export function tokenizeTexts(tokenizer: PreTrainedTokenizer, texts: string[], closing: readonly number[]): TextInputs {
  const inputs = tokenizer(texts, { padding: true, truncation: true }) as unknown as TextInputs;
  const [rows, width] = inputs.input_ids.dims as [number, number];
  if (closing.length === 0 || width < tokenizer.model_max_length) return inputs;
  const ids = inputs.input_ids.data as BigInt64Array;
  const mask = inputs.attention_mask.data as BigInt64Array;
  for (let r = 0; r < rows; r++) {
    const base = r * width;
    // Full rows have no padding at either end (padding_side left or right).
    if (mask[base] !== 1n || mask[base + width - 1] !== 1n) continue;
    closing.forEach((id, k) => (ids[base + width - closing.length + k] = BigInt(id)));
  }
  return inputs;
}
