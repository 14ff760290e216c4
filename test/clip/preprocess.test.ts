/**
 * Preprocessing parity for a real CLIP config: the service's sharp path (src/embed/pixel-values.ts)
 * against Transformers.js' own CLIPImageProcessor (decode with RawImage, as Transformers.js does),
 * both on openai/clip-vit-base-patch32's preprocessor_config.json (224, bicubic, CLIP mean/std), on
 * generated images of each kind a catalog delivers. Differences are in normalised units
 * ((x/255 - mean)/std; one grey level is ~0.015, the whole range ~3.8).
 *
 * Measured here (sharp 0.33.5 / libvips 8.15, Transformers.js 2.17.2), and against CLIP's reference
 * preprocessing (PIL 9.4 bicubic, reducing_gap None, transformers' CLIPImageProcessor arithmetic;
 * computed once with tools/clip/pil_reference.py, the test does not need python):
 *
 *   kind          ours vs Transformers.js    ours vs PIL           Transformers.js vs PIL
 *                 max     mean               max     mean          max     mean
 *   portrait      2.72    0.649              2.36    0.545 (a)     0.93    0.148
 *   landscape     1.32    0.169              0.12    0.011         1.34    0.176
 *   small         2.23    0.358              0.98    0.166 (b)     2.04    0.210
 *   exif-rotated  1.51    0.168              1.07    0.129 (a,c)   0.72    0.091 (c)
 *   png-alpha     1.58    0.182              1.49    0.157 (a,d)   0.29    0.034
 *   cmyk-jpeg     0.38    0.032              2.08    0.322 (e)     2.08    0.323 (e)
 *   large         1.94    0.375              0.17    0.008 (f)     2.06    0.374
 *
 * Why they differ, and which is closer to CLIP's reference:
 *  - Downscaling (landscape, large, and under the offsets below all kinds): Transformers.js
 *    resizes with sharp's `affine` bicubic, which POINT-SAMPLES (no antialiasing); PIL's bicubic
 *    widens its kernel by the scale factor, and so does libvips' `resize` with the cubic kernel the
 *    sharp path uses. Fine detail aliases in Transformers.js' pixels: ours is the closer one
 *    (landscape mean 0.011 vs 0.176; large 0.008 vs 0.374).
 *  - (a) Geometry, ±1 pixel: the sharp path resizes and crops in one `fit: 'cover'` call, where
 *    libvips rounds the long edge (PIL and Transformers.js: floor) and centres an odd surplus
 *    one pixel further (ceil instead of floor). Portrait 300 x 500 -> 224 x 373.3: PIL crops from
 *    row 74, ours from row 75; shifted back by that row ours is within mean 0.034 of PIL. 320 x 240
 *    and 300 x 400 get a 299-pixel long edge instead of 298, cropped from 38 instead of 37.
 *    Transformers.js has PIL's geometry, so here it is the closer one. One pixel in 224 is immaterial to a ViT-B/32 (32-pixel patches).
 *  - (b) Upscaling (an image smaller than 224): no antialiasing either way; libvips and PIL sample
 *    at pixel centres a fraction of a pixel apart. Ours is a little closer (0.166 vs 0.210).
 *  - (c) EXIF orientation 6: both the sharp path and Transformers.js' RawImage apply it (the image
 *    a person sees). PIL does NOT unless asked: CLIPImageProcessor on Image.open(...) and openai's
 *    own `preprocess` see the stored, sideways pixels (vs those, both paths differ by mean ~1.05);
 *    transformers' load_image(path or URL) does apply exif_transpose (the numbers above). Rotating is right.
 *  - (d) Alpha: all three drop it, but libvips resizes RGBA premultiplied (colours under low alpha
 *    are weighted down before the alpha band is removed), while PIL and Transformers.js drop alpha
 *    first. Differences only where alpha varies (max 0.23 against the same PNG without alpha).
 *  - (e) CMYK: both sharp-based paths convert with libvips' ICC CMYK profile (what a browser shows;
 *    here it recovers the RGB the image was made from); PIL's convert('RGB') is the naive 255 - C - K
 *    formula, e.g. CMYK (90, 0, 48, 0) -> PIL (165, 255, 207), libvips (147, 205, 203). PIL is
 *    the reference by definition, but its colours are wrong; we prefer the ICC conversion.
 *  - (f) A JPEG more than twice the input size is decoded at a reduced DCT scale (shrink-on-load)
 *    before the cubic resize: measurably harmless (mean 0.008 from PIL).
 *
 * The real openai/clip-vit-base-patch32 repository spells the size as an integer ("size": 224,
 * "crop_size": 224; assembled with preprocessor: 'openai-original'). Python reads that as the
 * shortest edge; Transformers.js 2.17 reads it as shortest AND longest edge 224 (max_size ??
 * size), so it fits the whole image in 224 x 224 and pads the crop with black: a letterboxed input,
 * mean ~1.0-1.4 from PIL on every non-square kind. pixelSpec() therefore reads an integer size
 * itself, as Python does (shortest edge; an integer crop is a square), so the service never takes
 * that path for it: checked below, beside the Transformers.js behaviour it avoids.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { AutoProcessor, RawImage, type Processor } from '@xenova/transformers';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImagePreprocessor } from '../../src/embed/pixel-values.js';
import { configureTransformers } from '../../src/embed/transformers-env.js';
import { clipPreprocessorConfig } from '../../tools/clip/assemble.js';
import { testImages, type TestImage } from './images.js';

const S = 224;
const MEAN = [0.48145466, 0.4578275, 0.40821073];
const STD = [0.26862954, 0.26130258, 0.27577711];

/** Upper bounds (ours vs Transformers.js): the measured values above plus ~15-30% for other libvips builds. */
const BOUNDS: Record<string, { max: number; mean: number }> = {
  portrait: { max: 3.0, mean: 0.8 },
  landscape: { max: 1.6, mean: 0.22 },
  small: { max: 2.6, mean: 0.45 },
  'exif-rotated': { max: 1.8, mean: 0.22 },
  'png-alpha': { max: 1.9, mean: 0.24 },
  'cmyk-jpeg': { max: 0.5, mean: 0.05 },
  large: { max: 2.3, mean: 0.45 },
};

function compare(a: Float32Array, b: Float32Array): { max: number; mean: number; corr: number } {
  expect(a.length).toBe(b.length);
  let max = 0;
  let sum = 0;
  let sa = 0;
  let sb = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    max = Math.max(max, d);
    sum += d;
    sa += a[i]!;
    sb += b[i]!;
  }
  const ma = sa / a.length;
  const mb = sb / b.length;
  let num = 0;
  let da = 0;
  let db = 0;
  for (let i = 0; i < a.length; i++) {
    num += (a[i]! - ma) * (b[i]! - mb);
    da += (a[i]! - ma) ** 2;
    db += (b[i]! - mb) ** 2;
  }
  return { max, mean: sum / a.length, corr: num / Math.sqrt(da * db) };
}

/** 8 x 8 block means per channel (28 x 28 x 3): the picture without its pixel-level texture and noise. */
function coarse(data: Float32Array, block = 8): Float32Array {
  const n = S / block;
  const out = new Float32Array(3 * n * n);
  for (let c = 0; c < 3; c++)
    for (let y = 0; y < S; y++)
      for (let x = 0; x < S; x++) out[c * n * n + Math.floor(y / block) * n + Math.floor(x / block)] += data[c * S * S + y * S + x]! / (block * block);
  return out;
}

let modelsDir: string;
let images: TestImage[];
const processors: Record<'export' | 'openai-original', Processor> = {} as never;

beforeAll(async () => {
  // Only preprocessor_config.json is needed (no CLIP vocabulary, no ONNX): this test always runs.
  modelsDir = await mkdtemp(path.join(os.tmpdir(), 'clip-preprocess-'));
  for (const style of ['export', 'openai-original'] as const) {
    await mkdir(path.join(modelsDir, style), { recursive: true });
    await writeFile(path.join(modelsDir, style, 'preprocessor_config.json'), JSON.stringify(clipPreprocessorConfig(style)));
  }
  configureTransformers(modelsDir);
  for (const style of ['export', 'openai-original'] as const) processors[style] = await AutoProcessor.from_pretrained(style, { local_files_only: true });
  images = await testImages();
});
afterAll(() => (modelsDir ? rm(modelsDir, { recursive: true, force: true }) : undefined));

/** Transformers.js end to end: its own decode (RawImage via sharp, EXIF applied) and CLIPImageProcessor. */
async function transformersJs(processor: Processor, bytes: Uint8Array): Promise<{ data: Float32Array; dims: number[] }> {
  const { pixel_values } = await processor(await RawImage.fromBlob(new Blob([new Uint8Array(bytes)])));
  return { data: pixel_values.data as Float32Array, dims: pixel_values.dims as number[] };
}

describe('sharp preprocessing vs Transformers.js on openai/clip-vit-base-patch32\'s config', () => {
  it('takes the sharp path for the exported config (size {shortest_edge: 224})', () => {
    expect(ImagePreprocessor.create(processors.export).path).toBe('sharp');
  });

  it('stays within the measured bounds for every kind of image, and shows the same picture', async () => {
    const pp = ImagePreprocessor.create(processors.export);
    const rows: string[] = [];
    const results: Array<{ kind: string; max: number; mean: number; picture: number }> = [];
    for (const img of images) {
      const ours = await pp.pixelValues([img.bytes]);
      const theirs = await transformersJs(processors.export, img.bytes);
      expect(ours.dims).toEqual([1, 3, S, S]);
      expect(theirs.dims).toEqual([1, 3, S, S]);
      const d = compare(ours.data as Float32Array, theirs.data);
      // Pixel-level noise decorrelates under a one-pixel shift; 8 x 8 block means show the picture.
      const picture = compare(coarse(ours.data as Float32Array), coarse(theirs.data)).corr;
      rows.push(`${img.kind.padEnd(13)} max ${d.max.toFixed(3)}  mean ${d.mean.toFixed(4)}  8x8-block corr ${picture.toFixed(4)}  (${img.what})`);
      results.push({ kind: img.kind, ...d, picture });
    }
    console.log(`sharp path vs Transformers.js, normalised units:\n${rows.join('\n')}`);
    for (const r of results) {
      expect(r.max, r.kind).toBeLessThanOrEqual(BOUNDS[r.kind]!.max);
      expect(r.mean, r.kind).toBeLessThanOrEqual(BOUNDS[r.kind]!.mean);
      expect(r.picture, r.kind).toBeGreaterThan(0.98); // same content, same orientation, no letterbox
    }
  });

  it('applies EXIF orientation 6 like Transformers.js (and not the stored, sideways pixels)', async () => {
    const img = images.find((i) => i.kind === 'exif-rotated')!;
    const pp = ImagePreprocessor.create(processors.export);
    const ours = (await pp.pixelValues([img.bytes])).data as Float32Array;
    const upright = await sharp(img.bytes).rotate().jpeg({ quality: 100 }).toBuffer();
    const sideways = await sharp(img.bytes).withMetadata({ orientation: 1 }).jpeg({ quality: 100 }).toBuffer();
    const vsUpright = compare(coarse(ours), coarse((await transformersJs(processors.export, upright)).data));
    const vsSideways = compare(coarse(ours), coarse((await transformersJs(processors.export, sideways)).data));
    expect(vsUpright.corr).toBeGreaterThan(0.98);
    expect(vsSideways.corr).toBeLessThan(0.5);
  });

  it('drops alpha like Transformers.js, except that libvips resizes the RGBA premultiplied', async () => {
    const img = images.find((i) => i.kind === 'png-alpha')!;
    const opaque = await sharp(img.bytes).removeAlpha().png().toBuffer();
    const pp = ImagePreprocessor.create(processors.export);
    const ours = compare((await pp.pixelValues([img.bytes])).data as Float32Array, (await pp.pixelValues([opaque])).data as Float32Array);
    const theirs = compare((await transformersJs(processors.export, img.bytes)).data, (await transformersJs(processors.export, opaque)).data);
    expect(theirs.max).toBe(0); // alpha dropped before resizing, as PIL's convert('RGB') does
    expect(ours.max).toBeGreaterThan(0);
    expect(ours.max).toBeLessThan(0.35); // measured 0.225 (mean 0.016), only where alpha varies
  });

  it('converts CMYK to sRGB the same way as Transformers.js (both through libvips\' ICC profiles)', async () => {
    const img = images.find((i) => i.kind === 'cmyk-jpeg')!;
    expect((await sharp(img.bytes).metadata()).space).toBe('cmyk');
    const d = compare((await ImagePreprocessor.create(processors.export).pixelValues([img.bytes])).data as Float32Array, (await transformersJs(processors.export, img.bytes)).data);
    expect(d.mean).toBeLessThan(0.05); // what remains is the resize filter
  });
});

describe('the openai repository\'s original spelling ("size": 224, "crop_size": 224)', () => {
  // pixelSpec() reads an integer size as the shortest edge, as Python's CLIPImageProcessor does, so
  // the service crops such a config exactly like the exported spelling; Transformers.js 2.17 on its
  // own letterboxes it (the header). Both are asserted, so a Transformers.js upgrade shows up here.
  it('takes the sharp path and gives exactly the exported spelling\'s pixels for every kind of image', async () => {
    const openai = ImagePreprocessor.create(processors['openai-original']);
    const exported = ImagePreprocessor.create(processors.export);
    expect(openai.path).toBe('sharp');
    for (const img of images) {
      const a = (await openai.pixelValues([img.bytes])).data as Float32Array;
      const b = (await exported.pixelValues([img.bytes])).data as Float32Array;
      expect(compare(a, b).max, img.kind).toBe(0);
    }
  });

  it('is not letterboxed: the top row of a landscape image is picture, not padding', async () => {
    const img = images.find((i) => i.kind === 'landscape')!; // 640 x 360 -> 398 x 224, centre 224 x 224
    const data = (await ImagePreprocessor.create(processors['openai-original']).pixelValues([img.bytes])).data as Float32Array;
    const black = MEAN.map((m, c) => (0 - m) / STD[c]!);
    const topRow = data.subarray(0, S);
    expect(Math.max(...topRow.map((v) => Math.abs(v - black[0]!)))).toBeGreaterThan(0.1);
  });

  it('(Transformers.js 2.17 alone still letterboxes it: why pixelSpec() takes integer sizes itself)', async () => {
    const img = images.find((i) => i.kind === 'landscape')!;
    const { data } = await transformersJs(processors['openai-original'], img.bytes);
    const black = MEAN.map((m, c) => (0 - m) / STD[c]!);
    for (let c = 0; c < 3; c++) {
      const topRow = data.subarray(c * S * S, c * S * S + S);
      expect(Math.max(...topRow.map((v) => Math.abs(v - black[c]!)))).toBeLessThan(1e-5); // padding
    }
  });
});
