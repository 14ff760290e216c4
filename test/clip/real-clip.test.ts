/**
 * End to end: a folder laid out like Xenova/clip-vit-base-patch32 (CLIP's real tokenizer, config and
 * preprocessor config; ViT-B/32-shaped ONNX towers with random weights, float and dynamic INT8)
 * loaded by the service's own ClipEmbedder, in process and in the worker pool. Checks the ids the
 * embedder actually feeds the text tower, and the quantized towers' accuracy and size.
 *
 * Needs CLIP's reference files (../shared/clip-reference) and either the cached ONNX files
 * (models/.work/clip-onnx-cache) or Debian's python3-torch + python3-onnx to make them (~30 s once).
 */
import { stat, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Tensor } from '@xenova/transformers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClipEmbedder } from '../../src/embed/clip-embedder.js';
import { createWorkerEmbedder } from '../../src/embed/worker-pool.js';
import { assembleRealClipFolder } from '../../tools/clip/assemble.js';
import { cachedRandomClipOnnx, pythonCanExport } from '../../tools/clip/onnx-cache.js';
import { testImages } from './images.js';
import { LONG_CAPTION, SKIP_REASON, goldens } from './reference.js';

const ONNX_REASON = (await cachedRandomClipOnnx(true)) || (await pythonCanExport())
  ? null
  : 'no cached ONNX files in models/.work/clip-onnx-cache and no python with torch + onnx to make them ' +
    '(apt-get install -y python3-torch python3-onnx python3-numpy libopenblas0-pthread, or set PYTHON)';
const SKIP = SKIP_REASON ?? ONNX_REASON;
if (SKIP) console.warn(`[test/clip/real-clip] SKIPPED: ${SKIP}`);

const MODEL_ID = 'clip-vit-base-patch32';
const EOS = 49407;

const cosine = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i]!, 0); // both L2-normalised

/** Records the input_ids every text-tower call of `embedder` receives (its private textModel, wrapped). */
async function idsFedToTextTower(embedder: ClipEmbedder, texts: string[]): Promise<number[][]> {
  const holder = embedder as unknown as { textModel: (inputs: { input_ids: Tensor }) => Promise<unknown> };
  const original = holder.textModel;
  const rows: number[][] = [];
  holder.textModel = (inputs) => {
    const [b, t] = inputs.input_ids.dims as [number, number];
    const data = Array.from(inputs.input_ids.data as BigInt64Array, Number);
    for (let i = 0; i < b; i++) rows.push(data.slice(i * t, (i + 1) * t));
    return original(inputs);
  };
  try {
    await embedder.embedTexts(texts);
  } finally {
    holder.textModel = original;
  }
  return rows;
}

describe.skipIf(!!SKIP)('a Xenova/clip-vit-base-patch32-shaped folder through the service\'s ClipEmbedder', () => {
  let modelsDir: string;
  let folder: string;
  let float: ClipEmbedder;
  let quant: ClipEmbedder;

  beforeAll(async () => {
    modelsDir = await mkdtemp(path.join(os.tmpdir(), 'clip-real-'));
    ({ dir: folder } = await assembleRealClipFolder(path.join(modelsDir, MODEL_ID), { quantized: true, log: (l) => console.log(l) }));
    float = await ClipEmbedder.create({ modelsDir, modelId: MODEL_ID });
    quant = await ClipEmbedder.create({ modelsDir, modelId: MODEL_ID, quantized: true });
  }, 600_000);
  afterAll(async () => {
    await Promise.all([float?.close(), quant?.close()]);
    if (modelsDir) await rm(modelsDir, { recursive: true, force: true });
  });

  it('loads with the real config: 512 dimensions read from the model, the sharp image path', () => {
    for (const e of [float, quant]) {
      expect(e.dimension).toBe(512);
      expect(e.preprocessing).toBe('sharp');
    }
  });

  it('reports a different model id when quantized, so stored vectors and the cache never mix the two', () => {
    expect(float.modelId).toBe(MODEL_ID);
    expect(quant.modelId).toBe(`${MODEL_ID}:q8`);
  });

  it('feeds the text tower exactly CLIP\'s golden ids (padded with 49407) through embedTexts', async () => {
    const cases = goldens();
    const rows = await idsFedToTextTower(float, cases.map((c) => c.text));
    const width = Math.max(...cases.map((c) => c.ids.length));
    expect(rows).toEqual(cases.map((c) => [...c.ids, ...Array(width - c.ids.length).fill(EOS)]));
  });

  it('feeds at most 77 ids for a caption longer than CLIP\'s context', async () => {
    const [row] = await idsFedToTextTower(float, [LONG_CAPTION]);
    expect(row).toHaveLength(77);
  });

  // Transformers.js 2.17 truncates after adding <|endoftext|> (tokenizer.test.ts); the real CLIP
  // text tower pools at argmax(input_ids), i.e. at 49407, so embedTexts puts it back in the last slot.
  it('ends a truncated caption with <|endoftext|>, where CLIP pools', async () => {
    const [row] = await idsFedToTextTower(float, [LONG_CAPTION]);
    expect(row![76]).toBe(EOS);
    const untruncated = (float as unknown as { tokenizer: { encode(t: string): number[] } }).tokenizer.encode(LONG_CAPTION);
    expect(row!.slice(0, 76)).toEqual(untruncated.slice(0, 76)); // <|startoftext|> + CLIP's first 75 tokens
  });

  it('quantized towers give embeddings within cosine 0.98 of the float ones', async () => {
    const texts = [...goldens().map((c) => c.text), LONG_CAPTION];
    const images = (await testImages()).map((i) => i.bytes);
    const [ft, qt, fi, qi] = await Promise.all([float.embedTexts(texts), quant.embedTexts(texts), float.embedImages(images), quant.embedImages(images)]);
    const textCos = ft.map((v, i) => cosine(v, qt[i]!));
    const imageCos = fi.map((v, i) => cosine(v, qi[i]!));
    console.log(`float vs quantized cosine: texts min ${Math.min(...textCos).toFixed(5)} (n=${texts.length}), images min ${Math.min(...imageCos).toFixed(5)} (n=${images.length})`);
    expect(Math.min(...textCos)).toBeGreaterThan(0.98);
    expect(Math.min(...imageCos)).toBeGreaterThan(0.98);
    // ... and quantization is not a no-op.
    expect(Math.max(...textCos, ...imageCos)).toBeLessThan(0.999999);
  });

  it('quantized files are about 4x smaller (int8 weights; the vision patch Conv stays float)', async () => {
    const size = async (f: string) => (await stat(path.join(folder, 'onnx', f))).size;
    const text = (await size('text_model.onnx')) / (await size('text_model_quantized.onnx'));
    const vision = (await size('vision_model.onnx')) / (await size('vision_model_quantized.onnx'));
    console.log(`size ratio float/quantized: text ${text.toFixed(2)}x, vision ${vision.toFixed(2)}x`);
    expect(text).toBeGreaterThan(3.7);
    expect(vision).toBeGreaterThan(3.4);
  });

  it('a quantized text vector moves only slightly with its batch-mates (per-batch activation scales)', async () => {
    const text = goldens()[1]!.text;
    const [alone] = await quant.embedTexts([text]);
    const batch = await quant.embedTexts([LONG_CAPTION, text, 'dark academia tweed blazer']);
    const [floatAlone] = await float.embedTexts([text]);
    const floatBatch = await float.embedTexts([LONG_CAPTION, text, 'dark academia tweed blazer']);
    console.log(`alone vs in a batch: quantized cosine ${cosine(alone!, batch[1]!).toFixed(6)}, float ${cosine(floatAlone!, floatBatch[1]!).toFixed(6)}`);
    expect(cosine(floatAlone!, floatBatch[1]!)).toBeGreaterThan(0.99999);
    expect(cosine(alone!, batch[1]!)).toBeGreaterThan(0.995);
  });

  it('the worker pool loads the quantized files with quantized: true', async () => {
    const pool = await createWorkerEmbedder({ modelsDir, modelId: MODEL_ID, quantized: true });
    try {
      expect(pool.dimension).toBe(512);
      const texts = ['red floral dress', 'navy striped linen shirt'];
      const [fromPool, inProcess, fromFloat] = await Promise.all([pool.embedTexts(texts), quant.embedTexts(texts), float.embedTexts(texts)]);
      fromPool.forEach((v, i) => v.forEach((x, j) => expect(x).toBeCloseTo(inProcess[i]![j]!, 6)));
      expect(cosine(fromPool[0]!, fromFloat[0]!)).toBeLessThan(0.999999); // really the int8 files
    } finally {
      await pool.close();
    }
  });
});
