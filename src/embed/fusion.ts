/**
 * Product and post vectors: a weighted sum of the image and text embeddings, L2-normalised, so
 * one cosine index serves both "looks like" and "described like". Image-heavy by default (0.7 /
 * 0.3, config IMAGE_WEIGHT / TEXT_WEIGHT) because style lives mostly in the picture.
 */
import { createHash } from 'node:crypto';
import { AppError } from '../errors.js';

export interface FusionWeights {
  imageWeight: number;
  textWeight: number;
}

/**
 * @example
 * const v = fuse(imageVec, textVec, { imageWeight: 0.7, textWeight: 0.3 }); // |v| === 1
 */
export function fuse(image: Float32Array, text: Float32Array, weights: FusionWeights): Float32Array {
  if (image.length !== text.length) {
    throw new AppError('INTERNAL', `Cannot fuse a ${image.length}-dimensional image vector with a ${text.length}-dimensional text vector.`);
  }
  const { imageWeight: wi, textWeight: wt } = weights;
  if (!(wi >= 0 && wt >= 0 && wi + wt > 0)) throw new AppError('CONFIG_INVALID', `Fusion weights must be non-negative and not both zero (got ${wi}, ${wt}).`);
  const out = new Float32Array(image.length);
  let sum = 0;
  for (let i = 0; i < out.length; i++) {
    const x = wi * image[i] + wt * text[i];
    out[i] = x;
    sum += x * x;
  }
  // Opposite vectors can cancel out exactly; fall back to the image rather than divide by zero.
  if (sum === 0) return Float32Array.from(image);
  const inv = 1 / Math.sqrt(sum);
  for (let i = 0; i < out.length; i++) out[i] *= inv;
  return out;
}

/**
 * SHA-256 over the model-relevant content of an entity (image bytes, text), length-framed so
 * ("ab", "c") and ("a", "bc") differ. Together with the model id it keys the embedding cache.
 *
 * @example
 * const key = contentHash('image', imageBytes) // for an image-only cache entry
 */
export function contentHash(...parts: Array<string | Uint8Array>): string {
  const h = createHash('sha256');
  for (const p of parts) {
    const bytes = typeof p === 'string' ? Buffer.from(p, 'utf8') : p;
    const len = Buffer.alloc(8);
    len.writeBigUInt64LE(BigInt(bytes.byteLength));
    h.update(typeof p === 'string' ? 's' : 'b').update(len).update(bytes);
  }
  return h.digest('hex');
}
