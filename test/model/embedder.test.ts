/**
 * The ClipEmbedder contract on the shipped model: golden numbers, normalisation, batch
 * independence, every accepted image form, and the two start-up / input errors.
 */
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClipEmbedder } from '../../src/embed/clip-embedder.js';
import { FIXTURES, MODEL_ID, MODELS_DIR, loadShippedModel } from './model.js';

const IMAGE = path.join(FIXTURES, 'images/products/p00001.jpg');
const TEXT = 'red floral dress';
// Golden values of the shipped weights; regenerate (and say why in the commit) when retraining.
const GOLDEN_TEXT = [0.17879, 0.19253, -0.13173, -0.15774, 0.0565, -0.08246];
const GOLDEN_IMAGE = [-0.09684, -0.03112, 0.03623, -0.03384, 0.06586, -0.08227];

let embedder: ClipEmbedder;
beforeAll(async () => {
  embedder = await loadShippedModel();
});
afterAll(() => embedder?.close());

const norm = (v: Float32Array) => Math.hypot(...v);

describe('ClipEmbedder on style-clip-mini', () => {
  it('reads its dimension from the model and matches config.json', async () => {
    const config = JSON.parse(await readFile(path.join(MODELS_DIR, MODEL_ID, 'config.json'), 'utf8'));
    expect(embedder.dimension).toBe(config.projection_dim);
    expect(embedder.modelId).toBe(MODEL_ID);
  });

  it('embeds a fixed text to golden numbers, L2-normalised', async () => {
    const [v] = await embedder.embedTexts([TEXT]);
    expect(v).toHaveLength(embedder.dimension);
    expect(norm(v)).toBeCloseTo(1, 5);
    GOLDEN_TEXT.forEach((g, i) => expect(v[i]).toBeCloseTo(g, 4));
  });

  it('embeds a fixed fixture image to golden numbers, L2-normalised', async () => {
    const [v] = await embedder.embedImages([IMAGE]);
    expect(norm(v)).toBeCloseTo(1, 5);
    GOLDEN_IMAGE.forEach((g, i) => expect(v[i]).toBeCloseTo(g, 4));
  });

  it('gives a text the same vector alone and in a padded batch (mask-aware pooling)', async () => {
    const [alone] = await embedder.embedTexts([TEXT]);
    const batch = await embedder.embedTexts(['obsessed with this breezy striped linen sundress for the weekend #coastalminimal', TEXT]);
    alone.forEach((x, i) => expect(batch[1][i]).toBeCloseTo(x, 5));
    expect(batch[0]).not.toEqual(batch[1]);
  });

  it('accepts a path, raw bytes and a data: URL for the same image', async () => {
    const bytes = await readFile(IMAGE);
    const dataUrl = `data:image/jpeg;base64,${bytes.toString('base64')}`;
    const [a, b, c] = await embedder.embedImages([IMAGE, bytes, dataUrl]);
    b.forEach((x, i) => expect(x).toBeCloseTo(a[i], 6));
    c.forEach((x, i) => expect(x).toBeCloseTo(a[i], 6));
  });

  it('rejects an undecodable image with IMAGE_UNREADABLE naming its index', async () => {
    const p = embedder.embedImages([IMAGE, IMAGE, new Uint8Array([1, 2, 3, 4])]);
    await expect(p).rejects.toMatchObject({ code: 'IMAGE_UNREADABLE', message: expect.stringContaining('index 2') });
  });

  it('names the caller index when the bad image is in a later internal batch', async () => {
    const many = Array.from({ length: 70 }, () => IMAGE as string);
    many[66] = path.join(FIXTURES, 'no-such-image.jpg');
    await expect(embedder.embedImages(many)).rejects.toMatchObject({ code: 'IMAGE_UNREADABLE', message: expect.stringContaining('index 66') });
  });
});

describe('ClipEmbedder.create on a broken model folder', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'model-missing-'));
    await cp(path.join(MODELS_DIR, MODEL_ID), path.join(dir, MODEL_ID), { recursive: true });
    await rm(path.join(dir, MODEL_ID, 'onnx', 'vision_model.onnx'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('fails with MODEL_UNAVAILABLE naming the missing file and the fix', async () => {
    const p = ClipEmbedder.create({ modelsDir: dir, modelId: MODEL_ID });
    await expect(p).rejects.toMatchObject({ code: 'MODEL_UNAVAILABLE' });
    await expect(ClipEmbedder.create({ modelsDir: dir, modelId: MODEL_ID })).rejects.toThrow(/onnx\/vision_model\.onnx.*npm run train.*models:fetch/s);
  });

  it('fails with MODEL_UNAVAILABLE for a model id with no folder', async () => {
    await expect(ClipEmbedder.create({ modelsDir: dir, modelId: 'no-such-model' })).rejects.toThrow(/config\.json/);
  });
});
