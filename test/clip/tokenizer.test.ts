/**
 * Tokenizer parity with CLIP's reference tokenizer: the tokenizer.json assembled from CLIP's own BPE
 * file (tools/clip/tokenizer-files.ts), loaded by Transformers.js exactly as the service loads a model
 * folder, must give the ids openai/CLIP's simple_tokenizer gives (token-goldens.json), and truncate
 * long captions to CLIP's 77 positions. No ONNX needed; the embedder's own tokenizer call is checked
 * in real-clip.test.ts, which has the ONNX files ClipEmbedder needs.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { AutoTokenizer, type PreTrainedTokenizer } from '@xenova/transformers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closingSpecialIds, tokenizeTexts } from '../../src/embed/tokenize.js';
import { configureTransformers } from '../../src/embed/transformers-env.js';
import { assembleRealClipFolder } from '../../tools/clip/assemble.js';
import { LONG_CAPTION, REFERENCE_DIR, SKIP_REASON, goldens } from './reference.js';

if (SKIP_REASON) console.warn(`[test/clip/tokenizer] SKIPPED: ${SKIP_REASON}`);

const BOS = 49406;
const EOS = 49407;

describe.skipIf(!REFERENCE_DIR)('CLIP tokenizer assembled from CLIP\'s BPE vocabulary, read by Transformers.js', () => {
  let modelsDir: string;
  let tokenizer: PreTrainedTokenizer;
  // The exact call ClipEmbedder.embedTexts makes (src/embed/tokenize.ts), as plain arrays.
  const asEmbedder = (texts: string[]) => {
    const { input_ids, attention_mask } = tokenizeTexts(tokenizer, texts, closingSpecialIds(tokenizer));
    const [rows, width] = input_ids.dims as [number, number];
    const toRows = (t: typeof input_ids) => Array.from({ length: rows }, (_, r) => Array.from((t.data as BigInt64Array).subarray(r * width, (r + 1) * width), Number));
    return { input_ids: toRows(input_ids), attention_mask: toRows(attention_mask) };
  };

  beforeAll(async () => {
    modelsDir = await mkdtemp(path.join(os.tmpdir(), 'clip-tokenizer-'));
    await assembleRealClipFolder(path.join(modelsDir, 'clip-vit-base-patch32'), { onnx: false, pythonTokenizerFiles: false });
    configureTransformers(modelsDir); // local files only, as the service does
    tokenizer = await AutoTokenizer.from_pretrained('clip-vit-base-patch32', { local_files_only: true });
  });
  afterAll(() => (modelsDir ? rm(modelsDir, { recursive: true, force: true }) : undefined));

  it('loads as a CLIPTokenizer with CLIP\'s 49,408 ids, 77 positions and <|endoftext|> padding', () => {
    expect(tokenizer.constructor.name).toBe('CLIPTokenizer');
    expect(tokenizer.model.vocab.length).toBe(49408);
    expect(tokenizer.model_max_length).toBe(77);
    expect(tokenizer.pad_token_id).toBe(EOS);
  });

  it('reproduces every golden id list of CLIP\'s reference tokenizer exactly', () => {
    const cases = goldens();
    expect(cases.length).toBe(8);
    const mismatches = cases.map((c) => ({ text: c.text, want: c.ids, got: tokenizer.encode(c.text) })).filter((m) => JSON.stringify(m.got) !== JSON.stringify(m.want));
    expect(mismatches).toEqual([]);
  });

  it('gives the same ids through the embedder\'s batched, padded call (padding with 49407, mask 0)', () => {
    const cases = goldens();
    const { input_ids, attention_mask } = asEmbedder(cases.map((c) => c.text));
    const width = Math.max(...cases.map((c) => c.ids.length));
    cases.forEach((c, i) => {
      expect(input_ids[i]).toEqual([...c.ids, ...Array(width - c.ids.length).fill(EOS)]);
      expect(attention_mask[i]).toEqual([...c.ids.map(() => 1), ...Array(width - c.ids.length).fill(0)]);
    });
  });

  it('truncates a long caption to exactly 77 ids, starting with <|startoftext|>', () => {
    expect(tokenizer.encode(LONG_CAPTION).length).toBeGreaterThan(77); // really too long
    const { input_ids, attention_mask } = asEmbedder([LONG_CAPTION, 'red floral dress']);
    expect(input_ids[0]).toHaveLength(77);
    expect(input_ids[0]![0]).toBe(BOS);
    expect(attention_mask[0]!.every((m) => m === 1)).toBe(true);
    expect(input_ids[1]).toHaveLength(77); // the short text is padded to the batch width
  });

  // Transformers.js 2.17 truncates AFTER adding the special tokens (truncateHelper cuts the
  // post-processed ids), so its own call ends a long caption in a word piece; CLIP
  // (clip.tokenize(truncate=True)) and Python's CLIPTokenizer keep <|endoftext|> last, and CLIP's
  // text tower pools there. tokenizeTexts() puts it back.
  it('finds <|endoftext|> as the closing special token', () => {
    expect(closingSpecialIds(tokenizer)).toEqual([EOS]);
  });

  it('ends a truncated caption with <|endoftext|> (49407) after CLIP\'s first 75 tokens, as CLIP does', () => {
    const full = tokenizer.encode(LONG_CAPTION);
    const { input_ids } = asEmbedder([LONG_CAPTION, 'red floral dress']);
    expect(input_ids[0]).toEqual([...full.slice(0, 76), EOS]);
    const short = tokenizer.encode('red floral dress');
    expect(input_ids[1]).toEqual([...short, ...Array(77 - short.length).fill(EOS)]); // rows that fit are untouched
  });

  it('(Transformers.js 2.17\'s own truncation drops it: why tokenizeTexts() exists)', () => {
    const raw = tokenizer([LONG_CAPTION], { padding: true, truncation: true, return_tensor: false }) as unknown as { input_ids: number[][] };
    expect(raw.input_ids[0]![76]).not.toBe(EOS);
  });
});
