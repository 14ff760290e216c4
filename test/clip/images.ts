/**
 * Deterministic test images for the preprocessing comparison (test/clip/preprocess.test.ts and the
 * one-off PIL reference, tools/clip/pil_reference.py): the synthetic texture of
 * tools/clip/synthetic-image.ts encoded in the forms a catalog feed delivers. Same bytes on every run
 * with the same sharp/libvips.
 */
import sharp from 'sharp';
import { texture } from '../../tools/clip/synthetic-image.js';

export interface TestImage {
  kind: string;
  /** encoded bytes, as the service would receive them */
  bytes: Buffer;
  /** what the bytes are, in words */
  what: string;
}

const raw = (width: number, height: number, channels: 3 | 4) => ({ raw: { width, height, channels } });

/** The image kinds the preprocessing parity test covers. */
export async function testImages(): Promise<TestImage[]> {
  return [
    { kind: 'portrait', what: 'JPEG 300 x 500', bytes: await sharp(texture(300, 500, 1), raw(300, 500, 3)).jpeg({ quality: 92 }).toBuffer() },
    { kind: 'landscape', what: 'JPEG 640 x 360', bytes: await sharp(texture(640, 360, 2), raw(640, 360, 3)).jpeg({ quality: 92 }).toBuffer() },
    { kind: 'small', what: 'PNG 150 x 100 (upscaled)', bytes: await sharp(texture(150, 100, 3), raw(150, 100, 3)).png().toBuffer() },
    {
      kind: 'exif-rotated',
      what: 'JPEG stored 400 x 300 with EXIF orientation 6 (displayed 300 x 400)',
      bytes: await sharp(texture(400, 300, 4), raw(400, 300, 3)).withMetadata({ orientation: 6 }).jpeg({ quality: 92 }).toBuffer(),
    },
    { kind: 'png-alpha', what: 'PNG 320 x 240 RGBA, alpha ramp 255 -> 0', bytes: await sharp(texture(320, 240, 5, 4), raw(320, 240, 4)).png().toBuffer() },
    {
      kind: 'cmyk-jpeg',
      what: 'JPEG 300 x 240 in CMYK (no embedded profile)',
      bytes: await sharp(texture(300, 240, 6), raw(300, 240, 3)).toColourspace('cmyk').jpeg({ quality: 92 }).toBuffer(),
    },
    { kind: 'large', what: 'JPEG 1600 x 1000 (more than 2x the input: sharp shrinks on load)', bytes: await sharp(texture(1600, 1000, 7), raw(1600, 1000, 3)).jpeg({ quality: 92 }).toBuffer() },
  ];
}
