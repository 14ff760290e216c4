/**
 * CLIP image preprocessing in one native sharp pipeline per image (decode, EXIF rotation, sRGB,
 * antialiased resize of the shortest edge, centre crop) plus one JS pass that rescales, normalises
 * and writes channel-first floats straight into the batch tensor.
 *
 * Why not Transformers.js' CLIPImageProcessor: it decodes, copies into a RawImage, then resizes with
 * a second sharp call using `affine` (point-sampled bicubic, no antialiasing, ~1.5 ms of CPU for an
 * 80 px output) and rescales, normalises, permutes and stacks in separate JS loops: 83% of image
 * embedding time in `npm run bench:model`. sharp's `resize` with the cubic kernel is a Catmull-Rom
 * filter widened by the scale factor, which is what PIL's BICUBIC (the reference CLIP preprocessing)
 * does, so real CLIP exports see images closer to their training data too. The shipped model is
 * trained on exactly these pixels (tools/model/prepare.ts uses this module). With Lanczos (resample
 * 1, the shipped model's setting) the result equals Transformers.js' to float precision, except that
 * a JPEG more than twice the target size is decoded at a reduced DCT scale first (sharp's
 * shrink-on-load: several times faster on real photos).
 *
 * Configs this path does not implement (padding, thumbnails, crop_pct, ...) use the general
 * Transformers.js processor instead.
 */
import { Tensor, type Processor } from '@xenova/transformers';
import sharp from 'sharp';
import { z } from 'zod';
import { AppError } from '../errors.js';
import { bytesOf, decodeImages, unreadable } from './image-input.js';
import type { ImageInput } from './types.js';

const SizeDict = z.object({
  shortest_edge: z.number().int().positive().optional(),
  longest_edge: z.number().int().positive().optional(),
  width: z.number().int().positive().optional(),
  height: z.number().int().positive().optional(),
});

/** The preprocessor_config.json fields this path implements; anything else routes to the fallback. */
const ClipPreprocessorConfig = z.object({
  feature_extractor_type: z.string().optional(),
  image_processor_type: z.string().optional(),
  do_convert_rgb: z.boolean().optional(),
  do_resize: z.boolean().optional(),
  size: z.union([z.number().int().positive(), SizeDict]).optional(),
  max_size: z.number().int().positive().optional(),
  resample: z.number().int().min(0).max(5).optional(),
  do_center_crop: z.boolean().optional(),
  crop_size: z.union([z.number().int().positive(), z.object({ width: z.number().int().positive(), height: z.number().int().positive() })]).optional(),
  do_rescale: z.boolean().optional(),
  rescale_factor: z.number().optional(),
  do_normalize: z.boolean().optional(),
  image_mean: z.array(z.number()).length(3).optional(),
  image_std: z.array(z.number()).length(3).optional(),
});

/** Options that change the arithmetic in ways this path does not reproduce. */
const UNSUPPORTED = ['do_thumbnail', 'do_crop_margin', 'do_pad', 'pad_size', 'size_divisibility', 'size_divisor', 'keep_aspect_ratio', 'crop_pct', 'do_flip_channel_order'];
const CLIP_PROCESSORS = new Set(['CLIPFeatureExtractor', 'CLIPImageProcessor', 'ChineseCLIPFeatureExtractor']);

export interface PixelSpec {
  /** Resize target from the source size: CLIP's shortest-edge rule, or a fixed size. Null = no resize. */
  resizeTo: ((w: number, h: number) => [number, number]) | null;
  /** sharp kernel for the PIL resample code. */
  kernel: 'nearest' | 'cubic' | 'lanczos3';
  crop: { width: number; height: number } | null;
  /**
   * Set when the shortest edge is resized to exactly the (square) crop size, as in CLIP's own
   * configs: sharp's `fit: 'cover'` then does resize + centre crop in one step, without first reading
   * the image size (a separate metadata call, ~8% of preprocessing time).
   */
  cover: number | null;
  rescale: number;
  mean: readonly [number, number, number];
  std: readonly [number, number, number];
}

/** PIL resample codes 0-5; sharp 0.33 has no bilinear kernel, so bilinear/box/hamming use the general path. */
const KERNELS = ['nearest', 'lanczos3', null, 'cubic', null, null] as const;

/**
 * Reads a CLIP preprocessor config into a PixelSpec, or null when it needs the general processor.
 * Sizes mean what they mean to Python's CLIPImageProcessor: `size: 224` is the shortest edge and
 * `crop_size: 224` a 224 x 224 crop.
 *
 * @example
 * pixelSpec({ feature_extractor_type: 'CLIPFeatureExtractor', do_resize: true, size: { shortest_edge: 224 }, ... })
 */
export function pixelSpec(raw: Record<string, unknown>): PixelSpec | null {
  if (UNSUPPORTED.some((k) => raw[k] !== undefined && raw[k] !== false && raw[k] !== null)) return null;
  const parsed = ClipPreprocessorConfig.safeParse(raw);
  if (!parsed.success) return null;
  const c = parsed.data;
  if (!CLIP_PROCESSORS.has(c.feature_extractor_type ?? c.image_processor_type ?? '')) return null;
  if (c.do_convert_rgb === false) return null; // channel count would follow the input; keep the general path
  const normalize = c.do_normalize === true;
  if (normalize && (!c.image_mean || !c.image_std)) return null;

  let resizeTo: PixelSpec['resizeTo'] = null;
  let shortestEdge: number | null = null;
  if (c.do_resize) {
    // An integer size is the shortest edge, as Python's CLIPImageProcessor reads it
    // (get_size_dict(size, default_to_square=False)); openai/clip-vit-base-patch32 spells it so.
    // Transformers.js 2.17 would take it as shortest AND longest edge and letterbox the image.
    if (typeof c.size === 'number' && c.max_size !== undefined) return null; // Python ignores max_size here; don't guess
    const size = typeof c.size === 'number' ? { shortest_edge: c.size } : c.size;
    if (size === undefined || size.longest_edge !== undefined) return null;
    const shortest = size.shortest_edge;
    if (shortest !== undefined) {
      shortestEdge = shortest;
      // Transformers.js' arithmetic (scale by the shortest edge, round to 2 decimals, floor).
      resizeTo = (w, h) => {
        const f = Math.max(shortest / w, shortest / h);
        return [Math.floor(Number((w * f).toFixed(2))), Math.floor(Number((h * f).toFixed(2)))];
      };
    } else if (size.width !== undefined && size.height !== undefined) {
      const fixed: [number, number] = [size.width, size.height];
      resizeTo = () => fixed;
    } else return null;
  }
  const crop = c.do_center_crop
    ? typeof c.crop_size === 'number'
      ? { width: c.crop_size, height: c.crop_size }
      : (c.crop_size ?? null)
    : null;
  if (c.do_center_crop && !crop) return null;
  const kernel = KERNELS[c.resample ?? 2];
  if (!kernel && resizeTo) return null;
  return {
    resizeTo,
    kernel: kernel ?? 'cubic',
    crop,
    cover: shortestEdge !== null && crop?.width === shortestEdge && crop.height === shortestEdge ? shortestEdge : null,
    rescale: c.do_rescale === false ? 1 : (c.rescale_factor ?? 1 / 255),
    mean: normalize ? (c.image_mean as [number, number, number]) : [0, 0, 0],
    std: normalize ? (c.image_std as [number, number, number]) : [1, 1, 1],
  };
}

interface Rgb {
  data: Buffer;
  width: number;
  height: number;
}

/**
 * Decode, EXIF-rotate, sRGB (3 channels; alpha dropped as RawImage.rgb() does), resize and centre
 * crop in one sharp pipeline. Returns null when the crop is larger than the resized image (it would
 * need padding), which the general processor handles.
 */
async function decodeResized(bytes: Uint8Array, spec: PixelSpec): Promise<Rgb | null> {
  let img = sharp(bytes).rotate().removeAlpha().toColourspace('srgb');
  if (spec.cover) {
    const side = spec.cover;
    img = img.resize({ width: side, height: side, fit: 'cover', position: 'centre', kernel: spec.kernel });
  } else if (spec.resizeTo || spec.crop) {
    const meta = await sharp(bytes).metadata();
    // EXIF orientations 5-8 swap width and height; rotate() runs before the resize in sharp's pipeline.
    const [w, h] = (meta.orientation ?? 1) >= 5 ? [meta.height!, meta.width!] : [meta.width!, meta.height!];
    const [tw, th] = spec.resizeTo ? spec.resizeTo(w, h) : [w, h];
    if (tw !== w || th !== h) img = img.resize({ width: tw, height: th, fit: 'fill', kernel: spec.kernel });
    if (spec.crop) {
      const { width: cw, height: ch } = spec.crop;
      if (tw < cw || th < ch) return null;
      // Same offsets as RawImage.center_crop (floor of the half difference).
      if (tw !== cw || th !== ch) img = img.extract({ left: Math.floor((tw - cw) / 2), top: Math.floor((th - ch) / 2), width: cw, height: ch });
    }
  }
  const { data, info } = await img.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  if (info.channels !== 3) throw new AppError('IMAGE_UNREADABLE', `expected 3 channels after sRGB conversion, got ${info.channels}`);
  return { data, width: info.width, height: info.height };
}

/** Writes one image's normalised CHW floats into `out` at `offset`: (x * rescale - mean) / std. */
function writePlanes(img: Rgb, spec: PixelSpec, out: Float32Array, offset: number): void {
  const plane = img.width * img.height;
  for (let c = 0; c < 3; c++) {
    const mean = spec.mean[c]!;
    const std = spec.std[c]!;
    const base = offset + c * plane;
    for (let i = 0; i < plane; i++) out[base + i] = (img.data[i * 3 + c]! * spec.rescale - mean) / std;
  }
}

export class ImagePreprocessor {
  private constructor(
    private readonly spec: PixelSpec | null,
    private readonly reference: Processor,
  ) {}

  /** Which path embeds images: 'sharp' (this module) or 'transformers.js' (the general processor). */
  get path(): 'sharp' | 'transformers.js' {
    return this.spec ? 'sharp' : 'transformers.js';
  }

  /**
   * @param reference Transformers.js' processor for the model: used when this path cannot reproduce
   *   its config, and for an image whose crop would need padding.
   * @param config the preprocessor config to implement; defaults to the one `reference` was loaded
   *   with (the model's preprocessor_config.json).
   */
  static create(reference: Processor, config: Record<string, unknown> = reference.feature_extractor.config): ImagePreprocessor {
    // libvips' operation cache only helps when the same image is processed twice; for a stream of
    // distinct small images it costs ~30% (npm run bench:model). Process-wide, hence set once here.
    sharp.cache(false);
    return new ImagePreprocessor(pixelSpec(config), reference);
  }

  /** A float32 [n, 3, h, w] tensor for the vision model. Rejects with IMAGE_UNREADABLE naming the caller's index. */
  async pixelValues(inputs: readonly ImageInput[], offset = 0): Promise<Tensor> {
    const spec = this.spec;
    if (!spec) return this.general(inputs, offset);
    const decoded = await Promise.all(
      inputs.map(async (input, i) => {
        try {
          return await decodeResized(await bytesOf(input), spec);
        } catch (cause) {
          throw unreadable(input, offset + i, cause);
        }
      }),
    );
    const first = decoded.find((d) => d !== null);
    const w = spec.crop?.width ?? first?.width ?? 0;
    const h = spec.crop?.height ?? first?.height ?? 0;
    // Without a crop, differently sized images cannot share one batch tensor: let the general path decide.
    if (!spec.crop && decoded.some((d) => d && (d.width !== w || d.height !== h))) return this.general(inputs, offset);
    const per = 3 * w * h;
    const out = new Float32Array(inputs.length * per);
    for (let i = 0; i < decoded.length; i++) {
      const img = decoded[i];
      if (img) writePlanes(img, spec, out, i * per);
      else out.set((await this.general([inputs[i]!], offset + i)).data as Float32Array, i * per);
    }
    return new Tensor('float32', out, [inputs.length, 3, h, w]);
  }

  private async general(inputs: readonly ImageInput[], offset: number): Promise<Tensor> {
    return (await this.reference(await decodeImages(inputs, offset))).pixel_values as Tensor;
  }
}
