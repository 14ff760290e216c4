/**
 * Resolves an entity's `image` field to bytes, under the same rules everywhere: a path relative
 * to the world folder (never escaping it), a `data:` URL, or an http(s) URL whose host is on the
 * allowlist (empty by default, so ingest never fetches arbitrary URLs: no SSRF).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseDataUrl } from './data-url.js';
import { AppError } from '../errors.js';

export interface ImageRules {
  worldDir: string;
  allowedImageHosts: string[];
  fetchImage?: (url: URL) => Promise<Uint8Array>;
}

export interface ImageBytes {
  bytes: Buffer;
  contentType: string;
}

const MAX_REMOTE_BYTES = 10 * 1024 * 1024;

/** @throws AppError VALIDATION_FAILED (escaping path, bad URL), IMAGE_HOST_NOT_ALLOWED, IMAGE_UNREADABLE. */
export async function loadImage(image: string, rules: ImageRules): Promise<ImageBytes> {
  if (image.startsWith('data:')) {
    const data = parseDataUrl(image);
    if (!data) throw new AppError('IMAGE_UNREADABLE', 'The image data: URL is malformed.');
    return { bytes: data.bytes, contentType: sniff(data.bytes) ?? (data.mediaType || 'application/octet-stream') };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(image)) return loadRemote(image, rules);
  const root = path.resolve(rules.worldDir);
  const file = path.resolve(root, image);
  if (path.isAbsolute(image) || !file.startsWith(root + path.sep)) {
    throw new AppError('VALIDATION_FAILED', `Image path "${image}" must be relative to the world folder and stay inside it.`);
  }
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (cause) {
    throw new AppError('IMAGE_UNREADABLE', `No readable image file at "${image}" in the world folder.`, undefined, { cause });
  }
  return { bytes, contentType: sniff(bytes) ?? 'application/octet-stream' };
}

async function loadRemote(image: string, rules: ImageRules): Promise<ImageBytes> {
  let url: URL;
  try {
    url = new URL(image);
  } catch (cause) {
    throw new AppError('VALIDATION_FAILED', `Image URL "${image}" is not a valid URL.`, undefined, { cause });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new AppError('VALIDATION_FAILED', `Image URLs must be http(s), not ${url.protocol}.`);
  }
  if (!rules.allowedImageHosts.includes(url.hostname)) {
    throw new AppError('IMAGE_HOST_NOT_ALLOWED', `Image host "${url.hostname}" is not on ALLOWED_IMAGE_HOSTS.`);
  }
  let bytes: Buffer;
  try {
    bytes = Buffer.from(await (rules.fetchImage ?? fetchBytes)(url));
  } catch (cause) {
    if (cause instanceof AppError) throw cause;
    throw new AppError('IMAGE_UNREADABLE', `Could not fetch the image from ${url.host}: ${(cause as Error).message}`, undefined, { cause });
  }
  return { bytes, contentType: sniff(bytes) ?? 'application/octet-stream' };
}

async function fetchBytes(url: URL): Promise<Uint8Array> {
  const res = await fetch(url, { redirect: 'error', signal: AbortSignal.timeout(10_000) });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  if (Number(res.headers.get('content-length') ?? 0) > MAX_REMOTE_BYTES) throw new Error('image larger than 10 MB');
  const bytes = new Uint8Array(await res.arrayBuffer());
  if (bytes.byteLength > MAX_REMOTE_BYTES) throw new Error('image larger than 10 MB');
  return bytes;
}

/** Content type from magic bytes; the bytes, not a client's claim, decide what we serve. */
export function sniff(b: Uint8Array): string | undefined {
  const ascii = (from: number, to: number) => Buffer.from(b.subarray(from, to)).toString('latin1');
  if (b[0] === 0x89 && ascii(1, 4) === 'PNG') return 'image/png';
  if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'image/webp';
  if (ascii(0, 4) === 'GIF8') return 'image/gif';
  return undefined;
}
