/**
 * The sharp preprocessing path (src/embed/pixel-values.ts): CLIP's resize-shortest-edge, centre crop
 * and normalisation, for every kind of input the service accepts, and a hand-off to Transformers.js'
 * processor for configs it does not implement.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { AutoProcessor, CLIPFeatureExtractor, type Processor } from '@xenova/transformers';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors.js';
import { decodeImages } from '../../src/embed/image-input.js';
import { ImagePreprocessor, pixelSpec } from '../../src/embed/pixel-values.js';
import { configureTransformers } from '../../src/embed/transformers-env.js';
import { FIXTURES, MODEL_ID, MODELS_DIR } from './model.js';

let reference: Processor;
let config: Record<string, unknown>;
let pp: ImagePreprocessor;
let SIZE: number; // the shipped model's crop size (preprocessor_config.json)
beforeAll(async () => {
  configureTransformers(MODELS_DIR);
  reference = await AutoProcessor.from_pretrained(MODEL_ID, { local_files_only: true });
  config = JSON.parse(await readFile(path.join(MODELS_DIR, MODEL_ID, 'preprocessor_config.json'), 'utf8'));
  pp = ImagePreprocessor.create(reference);
  SIZE = (config.crop_size as { width: number }).width;
});

const post = (n: number) => path.join(FIXTURES, `images/posts/post0000${n}.jpg`);

function diff(a: Float32Array, b: Float32Array): { max: number; mean: number } {
  expect(a.length).toBe(b.length);
  let max = 0;
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    max = Math.max(max, d);
    sum += d;
  }
  return { max, mean: sum / a.length };
}

const px = async (input: Uint8Array | string) => (await pp.pixelValues([input])).data as Float32Array;

describe('ImagePreprocessor on the shipped config', () => {
  it('takes the sharp path and returns a [n, 3, crop, crop] tensor', async () => {
    expect(pp.path).toBe('sharp');
    const t = await pp.pixelValues([post(1), post(2)]);
    expect(t.dims).toEqual([2, 3, SIZE, SIZE]);
  });

  it('normalises exactly: a flat colour gives (v/255 - mean) / std in every pixel of each channel', async () => {
    const flat = await sharp({ create: { width: 120, height: 90, channels: 3, background: { r: 200, g: 30, b: 60 } } }).png().toBuffer();
    const data = await px(flat);
    const mean = config.image_mean as number[];
    const std = config.image_std as number[];
    [200, 30, 60].forEach((v, c) => {
      const want = (v / 255 - mean[c]!) / std[c]!;
      const plane = data.subarray(c * SIZE * SIZE, (c + 1) * SIZE * SIZE);
      expect(Math.min(...plane)).toBeCloseTo(want, 5);
      expect(Math.max(...plane)).toBeCloseTo(want, 5);
    });
  });

  it('resizes the shortest edge and crops the centre of a wide image', async () => {
    // Three vertical bands, red | green | blue, 3:1 wide: the centre crop must be all green.
    const w = 300;
    const h = 100;
    const raw = Buffer.alloc(w * h * 3);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) raw[(y * w + x) * 3 + Math.floor(x / 100)] = 255;
    const data = await px(await sharp(raw, { raw: { width: w, height: h, channels: 3 } }).png().toBuffer());
    const plane = (c: number) => data.subarray(c * SIZE * SIZE, (c + 1) * SIZE * SIZE);
    const hi = (255 / 255 - (config.image_mean as number[])[1]!) / (config.image_std as number[])[1]!;
    // Interior columns (away from the antialiasing fringe at the cut) are pure green.
    for (let y = 0; y < SIZE; y++) for (let x = 4; x < SIZE - 4; x++) expect(plane(1)[y * SIZE + x]).toBeCloseTo(hi, 4);
    expect(Math.max(...plane(0).subarray(4 * SIZE, 5 * SIZE).subarray(4, SIZE - 4))).toBeLessThan(0);
  });

  const fixturePhotos = () =>
    Promise.all([1, 2, 3, 4, 5, 6, 7, 8].map((i) => readFile(path.join(FIXTURES, `images/products/p0000${i}.jpg`))).concat(readFile(post(1))));

  // Transformers.js' own processor for a given config (what ClipEmbedder used before this path).
  const theirs = async (cfg: Record<string, unknown>, bytes: Uint8Array[]) =>
    (await new CLIPFeatureExtractor(cfg as ConstructorParameters<typeof CLIPFeatureExtractor>[0])(await decodeImages(bytes))).pixel_values.data as Float32Array;

  // Both resize with sharp's lanczos3. Images more than 2x the input size differ: sharp decodes a
  // large JPEG at a reduced DCT scale first (shrink-on-load), which is faster and what training used.
  it('equals Transformers.js to float precision with Lanczos resampling, for images under 2x the input', async () => {
    const lanczos = { ...config, resample: 1 };
    const bytes = (await fixturePhotos()).slice(0, 8); // 128 px products; post images are 256 px
    const ours = (await ImagePreprocessor.create(reference, lanczos).pixelValues(bytes)).data as Float32Array;
    expect(diff(ours, await theirs(lanczos, bytes)).max).toBeLessThan(1e-5);
  });

  it('stays close to Transformers.js with bicubic (CLIP\'s setting: it point-samples, we filter)', async () => {
    const bicubic = { ...config, resample: 3 };
    const bytes = await fixturePhotos();
    const ours = (await ImagePreprocessor.create(reference, bicubic).pixelValues(bytes)).data as Float32Array;
    // Mean difference about 3 grey levels; only edges differ more (point sampling aliases).
    const d = diff(ours, await theirs(bicubic, bytes));
    expect(d.mean).toBeLessThan(0.1);
    expect(d.max).toBeGreaterThan(0); // a different filter, not the same arithmetic
  });

  it('applies EXIF orientation before resizing', async () => {
    const upright = await sharp(post(5)).resize(200, 120, { fit: 'fill' }).rotate(90).jpeg({ quality: 100 }).toBuffer();
    const tagged = await sharp(post(5)).resize(200, 120, { fit: 'fill' }).withMetadata({ orientation: 6 }).jpeg({ quality: 100 }).toBuffer();
    expect(diff(await px(tagged), await px(upright)).mean).toBeLessThan(0.02);
  });

  it('drops alpha and expands greyscale to three channels', async () => {
    const base = await sharp(post(2)).resize(150, 90, { fit: 'fill' }).png().toBuffer();
    const withAlpha = await sharp(base).ensureAlpha(1).png().toBuffer();
    expect(diff(await px(withAlpha), await px(base)).max).toBeLessThan(1e-6);
    const grey = await px(await sharp(post(3)).greyscale().jpeg().toBuffer());
    const plane = (c: number) => grey.subarray(c * SIZE * SIZE, (c + 1) * SIZE * SIZE);
    const std = config.image_std as number[];
    const mean = config.image_mean as number[];
    // Same grey level in R, G and B once the per-channel normalisation is undone.
    for (const i of [0, 1234, 4000, 6399]) {
      const v = [0, 1, 2].map((c) => plane(c)[i]! * std[c]! + mean[c]!);
      expect(v[1]).toBeCloseTo(v[0]!, 5);
      expect(v[2]).toBeCloseTo(v[0]!, 5);
    }
  });

  it('names the caller index of an unreadable image', async () => {
    const err = await pp.pixelValues([await readFile(post(1)), Buffer.from('not an image')], 10).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('IMAGE_UNREADABLE');
    expect((err as AppError).message).toContain('index 11');
  });
});

describe('pixelSpec', () => {
  it('reads the shipped CLIP config: shortest edge, resample kernel, centre crop', () => {
    const spec = pixelSpec(config)!;
    expect(spec.kernel).toBe(config.resample === 1 ? 'lanczos3' : 'cubic');
    expect(spec.crop).toEqual({ width: SIZE, height: SIZE });
    expect(spec.resizeTo!(128, 128)).toEqual([SIZE, SIZE]);
    expect(spec.resizeTo!(300, 150)).toEqual([2 * SIZE, SIZE]);
  });

  it('reads an integer size as the shortest edge and an integer crop as a square, as Python does', () => {
    // openai/clip-vit-base-patch32's own spelling; Transformers.js 2.17 would letterbox with it.
    const openai = { ...config, size: 224, crop_size: 224 };
    const spec = pixelSpec(openai)!;
    expect(spec).not.toBeNull();
    expect(spec.crop).toEqual({ width: 224, height: 224 });
    expect(spec.cover).toBe(224);
    expect(spec.resizeTo!(640, 360)).toEqual([398, 224]); // the long edge follows, nothing is padded
    const dict = pixelSpec({ ...config, size: { shortest_edge: 224 }, crop_size: { width: 224, height: 224 } })!;
    expect({ ...spec, resizeTo: null }).toEqual({ ...dict, resizeTo: null });
    expect(spec.resizeTo!(300, 500)).toEqual(dict.resizeTo!(300, 500));
    expect(pixelSpec({ ...openai, max_size: 300 })).toBeNull(); // not CLIP's semantics: the general path decides
  });

  it('hands configs it does not implement to the general processor', () => {
    const odd = [{ do_pad: true }, { do_thumbnail: true }, { crop_pct: 0.875 }, { resample: 2 }, { feature_extractor_type: 'ViTFeatureExtractor' }, { image_mean: [0.5] }];
    for (const extra of odd) {
      expect(pixelSpec({ ...config, ...extra }), JSON.stringify(extra)).toBeNull();
      expect(ImagePreprocessor.create(reference, { ...config, ...extra }).path).toBe('transformers.js');
    }
  });

  it('the general path still embeds: same tensor shape as the sharp path', async () => {
    const general = ImagePreprocessor.create(reference, { ...config, do_pad: true });
    expect((await general.pixelValues([post(1)])).dims).toEqual([1, 3, SIZE, SIZE]);
  });
});
