/**
 * Turns the accepted image inputs (file path, encoded bytes, `data:` URL) into Transformers.js
 * RawImages. Decoding goes through sharp, exactly as Transformers.js's own `RawImage.read` does in
 * Node, so training-time preprocessing (`tools/model/prepare.ts` uses this module) and serving match.
 */
import { readFile } from 'node:fs/promises';
import { RawImage } from '@xenova/transformers';
import sharp from 'sharp';
import { AppError } from '../errors.js';
import { parseDataUrl } from '../ingest/data-url.js';
import type { ImageInput } from './types.js';

/** The encoded bytes of an input: the buffer itself, a data: URL's payload, or a file's contents. */
export async function bytesOf(input: ImageInput): Promise<Uint8Array> {
  if (typeof input !== 'string') return input;
  return parseDataUrl(input)?.bytes ?? readFile(input);
}

/** Describes an input for an error message without dumping a whole data URL or buffer. */
function describe(input: ImageInput): string {
  if (typeof input !== 'string') return `${input.byteLength} bytes`;
  return input.startsWith('data:') ? `data URL of ${input.length} characters` : `file ${input}`;
}

/**
 * Decodes one image. Rejects with AppError IMAGE_UNREADABLE naming the input's position in its batch.
 *
 * @example
 * const img = await decodeImage('fixtures/images/products/p0001.jpg', 0);
 */
export async function decodeImage(input: ImageInput, index: number): Promise<RawImage> {
  try {
    const bytes = await bytesOf(input);
    // rotate() applies EXIF orientation, as RawImage.read does.
    const { data, info } = await sharp(bytes).rotate().raw().toBuffer({ resolveWithObject: true });
    return new RawImage(new Uint8ClampedArray(data.buffer, data.byteOffset, data.byteLength), info.width, info.height, info.channels as 1 | 2 | 3 | 4);
  } catch (cause) {
    throw unreadable(input, index, cause);
  }
}

/** The IMAGE_UNREADABLE error for the input at `index` of the caller's list. */
export function unreadable(input: ImageInput, index: number, cause: unknown): AppError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new AppError('IMAGE_UNREADABLE', `Image at index ${index} (${describe(input)}) could not be read or decoded: ${reason}`, [
    { path: `images.${index}`, message: reason },
  ], { cause });
}

/**
 * Decodes a batch; the first unreadable image rejects the whole batch with its index. `offset` is
 * the batch's position in the caller's list, so errors name the caller's index, not the chunk's.
 */
export function decodeImages(inputs: readonly ImageInput[], offset = 0): Promise<RawImage[]> {
  return Promise.all(inputs.map((input, i) => decodeImage(input, offset + i)));
}
