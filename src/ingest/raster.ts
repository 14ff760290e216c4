/**
 * The one gate every image passes before it is embedded or stored: it must be a raster image that
 * sharp decodes (JPEG, PNG, WebP or GIF; SVG, HTML and everything else is refused), and it is then
 * re-encoded, so the service never keeps or serves a client's bytes or content type. Re-encoding
 * also drops metadata (EXIF, GPS, ICC) after applying the EXIF orientation, and shrinks images
 * larger than 2,048 px on a side.
 *
 * JPEG stays JPEG (quality 90, no chroma subsampling, so colours survive for the style model);
 * everything else becomes PNG, which is lossless, so an image's pixels are exactly what was sent.
 */
import sharp from 'sharp';
import { AppError } from '../errors.js';

export interface RasterImage {
  bytes: Buffer;
  /** Always one of `RASTER_TYPES`: the type of the bytes we encoded, never a client's claim. */
  contentType: RasterType;
}

export const RASTER_TYPES = ['image/jpeg', 'image/png'] as const;
export type RasterType = (typeof RASTER_TYPES)[number];

/**
 * The raster format of encoded bytes by their magic numbers (JPEG, PNG, WebP, GIF), or undefined.
 * This is the allowlist: sharp picks its decoder by the same signatures, so bytes that pass here
 * are decoded as that format and nothing else (never as SVG, PDF or HTML).
 */
export function rasterFormatOf(b: Uint8Array): 'jpeg' | 'png' | 'webp' | 'gif' | undefined {
  const ascii = (from: number, to: number) => Buffer.from(b.subarray(from, to)).toString('latin1');
  if (b[0] === 0x89 && ascii(1, 8) === 'PNG\r\n\x1a\n') return 'png';
  if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'webp';
  if (ascii(0, 6) === 'GIF87a' || ascii(0, 6) === 'GIF89a') return 'gif';
  return undefined;
}
/** Decompression bombs: refuse anything over 50 megapixels before decoding it. */
const MAX_PIXELS = 50_000_000;
const MAX_SIDE = 2048;
const OPTIONS = { limitInputPixels: MAX_PIXELS, failOn: 'error' } as const;

/** @throws AppError IMAGE_UNREADABLE naming what was wrong (not an image, a refused format, too large). */
export async function toRaster(input: Uint8Array): Promise<RasterImage> {
  const format = rasterFormatOf(input);
  if (!format) throw new AppError('IMAGE_UNREADABLE', 'Only JPEG, PNG, WebP or GIF images are accepted (these bytes are none of them).');
  try {
    const pipeline = sharp(input, OPTIONS).rotate().resize({ width: MAX_SIDE, height: MAX_SIDE, fit: 'inside', withoutEnlargement: true });
    if (format === 'jpeg') return { bytes: await pipeline.jpeg({ quality: 90, chromaSubsampling: '4:4:4' }).toBuffer(), contentType: 'image/jpeg' };
    return { bytes: await pipeline.png().toBuffer(), contentType: 'image/png' };
  } catch (cause) {
    throw new AppError('IMAGE_UNREADABLE', `The ${format.toUpperCase()} image could not be decoded (damaged, or over ${MAX_PIXELS / 1e6} megapixels).`, undefined, { cause });
  }
}
