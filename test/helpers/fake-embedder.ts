/**
 * A deterministic, dependency-free stand-in for the real CLIP embedder, for fast unit tests.
 *
 * Texts: each lower-cased word is hashed into a few signed buckets of a fixed-dimension vector,
 * so texts that share words get similar vectors (cosine > 0) and unrelated texts are near 0.
 * Images: the bytes' SHA-256 seeds a PRNG, so equal bytes give equal vectors. Bytes that do not
 * start with a PNG/JPEG/WebP/GIF signature are rejected as `IMAGE_UNREADABLE`, like a real
 * decoder would, with the failing indices in `details` (path "images.<i>").
 *
 * Counters (`textCalls`, `imageCalls`, `textsEmbedded`, `imagesEmbedded`) let tests assert that
 * a cache hit embeds nothing.
 *
 * @example
 * const embedder = createFakeEmbedder({ dimension: 16 });
 * const [v] = await embedder.embedTexts(['red floral dress']);
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import { AppError } from '../../src/errors.js';
import type { Embedder, ImageInput } from '../../src/embed/types.js';

export interface FakeEmbedder extends Embedder {
  textCalls: number;
  imageCalls: number;
  textsEmbedded: number;
  imagesEmbedded: number;
  closed: boolean;
}

export interface FakeEmbedderOptions {
  dimension?: number;
  modelId?: string;
}

/** 1x1 PNG: the smallest image the fake (and a real decoder) accepts; handy in fixtures. */
export const TINY_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

/**
 * A real, distinct 4x4 PNG per seed (its pixels are the seed's SHA-256), built synchronously. The
 * service re-encodes every image it stores, so seeds must differ in pixels, not in trailing bytes.
 */
export function fakePng(seed: string): Buffer {
  const pixels = createHash('sha256').update(seed).digest();
  const rows = Buffer.alloc(4 * (1 + 4 * 3));
  for (let y = 0; y < 4; y++) pixels.copy(rows, y * 13 + 1, (y * 12) % 32, ((y * 12) % 32) + 12); // filter byte 0, 12 RGB bytes
  const ihdr = Buffer.from([0, 0, 0, 4, 0, 0, 0, 4, 8, 2, 0, 0, 0]); // 4x4, 8-bit RGB
  return Buffer.concat([PNG_SIGNATURE, pngChunk('IHDR', ihdr), pngChunk('IDAT', deflateSync(rows)), pngChunk('IEND', Buffer.alloc(0))]);
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function pngChunk(type: string, data: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  let crc = 0xffffffff;
  for (const b of body) crc = CRC_TABLE[(crc ^ b) & 0xff]! ^ (crc >>> 8);
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  body.copy(out, 4);
  out.writeUInt32BE((crc ^ 0xffffffff) >>> 0, 8 + data.length);
  return out;
}

export function createFakeEmbedder(options: FakeEmbedderOptions = {}): FakeEmbedder {
  const dimension = options.dimension ?? 32;
  const fake: FakeEmbedder = {
    modelId: options.modelId ?? 'fake-hash-v1',
    dimension,
    textCalls: 0,
    imageCalls: 0,
    textsEmbedded: 0,
    imagesEmbedded: 0,
    closed: false,
    async embedTexts(texts) {
      fake.textCalls++;
      fake.textsEmbedded += texts.length;
      return texts.map((t) => textVector(t, dimension));
    },
    async embedImages(images) {
      fake.imageCalls++;
      const bytes = images.map(toBytes);
      const bad = bytes.flatMap((b, i) => (isImage(b) ? [] : [i]));
      if (bad.length > 0) {
        throw new AppError(
          'IMAGE_UNREADABLE',
          `Image(s) at index ${bad.join(', ')} could not be decoded.`,
          bad.map((i) => ({ path: `images.${i}`, message: 'not a PNG, JPEG, WebP or GIF image' })),
        );
      }
      fake.imagesEmbedded += images.length;
      return bytes.map((b) => bytesVector(b, dimension));
    },
    async close() {
      fake.closed = true;
    },
  };
  return fake;
}

function toBytes(image: ImageInput): Uint8Array {
  if (typeof image !== 'string') return image;
  if (image.startsWith('data:')) {
    const comma = image.indexOf(',');
    return Buffer.from(image.slice(comma + 1), 'base64');
  }
  try {
    return readFileSync(image);
  } catch {
    return new Uint8Array(0);
  }
}

function isImage(b: Uint8Array): boolean {
  const head = Buffer.from(b.subarray(0, 12));
  return (
    head.subarray(0, 4).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47])) ||
    head.subarray(0, 3).equals(Buffer.from([0xff, 0xd8, 0xff])) ||
    head.subarray(0, 4).toString('latin1') === 'GIF8' ||
    (head.subarray(0, 4).toString('latin1') === 'RIFF' && head.subarray(8, 12).toString('latin1') === 'WEBP')
  );
}

function textVector(text: string, dimension: number): Float32Array {
  const v = new Float32Array(dimension);
  for (const word of text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) {
    const h = createHash('sha256').update(word).digest();
    for (let j = 0; j < 3; j++) v[h[j * 2]! % dimension] += h[j * 2 + 1]! & 1 ? 1 : -1;
  }
  if (norm(v) === 0) v[0] = 1; // empty text still yields a unit vector
  return normalise(v);
}

function bytesVector(bytes: Uint8Array, dimension: number): Float32Array {
  let seed = createHash('sha256').update(bytes).digest().readUInt32LE(0);
  const v = new Float32Array(dimension);
  for (let i = 0; i < dimension; i++) {
    seed = (seed * 1664525 + 1013904223) >>> 0; // LCG: deterministic, no dependency
    v[i] = seed / 0xffffffff - 0.5;
  }
  return normalise(v);
}

function norm(v: Float32Array): number {
  let s = 0;
  for (const x of v) s += x * x;
  return Math.sqrt(s);
}

function normalise(v: Float32Array): Float32Array {
  const n = norm(v) || 1;
  for (let i = 0; i < v.length; i++) v[i] /= n;
  return v;
}
