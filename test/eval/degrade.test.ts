/**
 * The sanity rung's model: the shipped model's weights, shuffled inside each tensor. It must load
 * and embed like the real one (same shape), keep every tensor's values, and have forgotten what
 * the real model learned.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ClipEmbedder } from '../../src/embed/clip-embedder.js';
import { dot } from '../../src/embed/vectors.js';
import { writeScrambledModel } from '../../tools/eval/degrade.js';
import { MODELS_DIR, MODEL_ID } from '../model/model.js';

const out = mkdtempSync(join(tmpdir(), 'scrambled-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('writeScrambledModel', () => {
  const id = writeScrambledModel(MODELS_DIR, MODEL_ID, out, 3);

  it('writes a same-size copy whose bytes differ', () => {
    for (const file of ['onnx/text_model.onnx', 'onnx/vision_model.onnx']) {
      const [a, b] = [readFileSync(join(MODELS_DIR, MODEL_ID, file)), readFileSync(join(out, id, file))];
      expect(b.length, file).toBe(a.length);
      expect(a.equals(b), file).toBe(false);
    }
    expect(statSync(join(out, id, 'tokenizer.json')).size).toBe(statSync(join(MODELS_DIR, MODEL_ID, 'tokenizer.json')).size);
  });

  it('is reproducible for a seed', () => {
    const again = mkdtempSync(join(tmpdir(), 'scrambled-again-'));
    try {
      writeScrambledModel(MODELS_DIR, MODEL_ID, again, 3);
      expect(readFileSync(join(again, id, 'onnx/vision_model.onnx')).equals(readFileSync(join(out, id, 'onnx/vision_model.onnx')))).toBe(true);
    } finally {
      rmSync(again, { recursive: true, force: true });
    }
  });

  it('embeds with the same dimension, but no longer tells a red dress from navy boots', async () => {
    const [real, scrambled] = await Promise.all([
      ClipEmbedder.create({ modelsDir: MODELS_DIR, modelId: MODEL_ID }),
      ClipEmbedder.create({ modelsDir: out, modelId: id }),
    ]);
    try {
      expect(scrambled.dimension).toBe(real.dimension);
      const texts = ['red floral dress', 'crimson floral dress', 'navy leather boots'];
      const [r, s] = [await real.embedTexts(texts), await scrambled.embedTexts(texts)];
      // The real model: synonyms close, unrelated items far. The scrambled one: no such gap.
      expect(dot(r[0]!, r[1]!) - dot(r[0]!, r[2]!)).toBeGreaterThan(0.3);
      expect(Math.abs(dot(s[0]!, s[1]!) - dot(s[0]!, s[2]!))).toBeLessThan(0.3);
    } finally {
      await Promise.all([real.close(), scrambled.close()]);
    }
  });
});

describe('scrambleOnnx', () => {
  it('only moves bytes around: every byte value occurs as often as in the original', () => {
    const id = writeScrambledModel(MODELS_DIR, MODEL_ID, out, 4);
    const file = 'onnx/text_model.onnx';
    const histogram = (buf: Buffer) => buf.reduce((h, byte) => (h[byte]!++, h), new Array<number>(256).fill(0));
    const [a, b] = [readFileSync(join(MODELS_DIR, MODEL_ID, file)), readFileSync(join(out, id, file))];
    expect(histogram(b)).toEqual(histogram(a));
  });
});
