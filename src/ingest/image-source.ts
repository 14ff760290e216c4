/**
 * Resolves an entity's `image` field to stored-ready bytes, under the same rules everywhere: a path
 * relative to the world folder (never escaping it, never through a symbolic link), a `data:` URL,
 * or an http(s) URL whose host is on the allowlist (empty by default, so ingest never fetches
 * arbitrary URLs: no SSRF). Whatever the source, the bytes must decode as a raster image and are
 * re-encoded (`raster.ts`): the client's bytes and claimed content type are never kept.
 *
 * Remote fetches are streamed with a size cap (aborted past IMAGE_MAX_BYTES), time-limited
 * (IMAGE_FETCH_TIMEOUT_MS), refuse redirects, reach only ports 80/443 unless a "host:port" entry
 * allows another, and fail with ONE message whatever went wrong (refused, timed out, bad status,
 * too large, undecodable), so the service cannot be used to probe what listens where.
 */
import { constants } from 'node:fs';
import { open, realpath } from 'node:fs/promises';
import path from 'node:path';
import { parseDataUrl } from './data-url.js';
import { toRaster, type RasterImage } from './raster.js';
import { AppError } from '../errors.js';

export interface ImageRules {
  worldDir: string;
  /** "host" (ports 80/443) or "host:port" entries (ALLOWED_IMAGE_HOSTS). */
  allowedImageHosts: string[];
  /** Limits of remote fetches (defaults: 10 s, 10 MiB). */
  imageFetchTimeoutMs?: number;
  imageMaxBytes?: number;
  /** Replaces the network fetch (tests that must never touch the network). */
  fetchImage?: (url: URL) => Promise<Uint8Array>;
}

export type ImageBytes = RasterImage;

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_MAX_BYTES = 10 * 1024 * 1024;

/** @throws AppError VALIDATION_FAILED (escaping or linked path, bad URL), IMAGE_HOST_NOT_ALLOWED, IMAGE_UNREADABLE. */
export async function loadImage(image: string, rules: ImageRules): Promise<ImageBytes> {
  if (image.startsWith('data:')) {
    const data = parseDataUrl(image);
    if (!data) throw new AppError('IMAGE_UNREADABLE', 'The image data: URL is malformed.');
    // The declared media type is ignored: the bytes decide, and are re-encoded.
    return toRaster(data.bytes);
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(image)) return loadRemote(image, rules);
  return toRaster(await readWorldFile(image, rules.worldDir));
}

/** A file inside the world folder, read without following any symbolic link below the folder itself. */
async function readWorldFile(image: string, worldDir: string): Promise<Buffer> {
  let root: string;
  try {
    root = await realpath(path.resolve(worldDir)); // the world folder itself may be a link
  } catch (cause) {
    throw new AppError('IMAGE_UNREADABLE', 'The world folder is not readable.', undefined, { cause });
  }
  const file = path.resolve(root, image);
  if (path.isAbsolute(image) || !file.startsWith(root + path.sep)) {
    throw new AppError('VALIDATION_FAILED', `Image path "${image}" must be relative to the world folder and stay inside it.`);
  }
  let real: string;
  try {
    real = await realpath(file);
  } catch (cause) {
    throw new AppError('IMAGE_UNREADABLE', `No readable image file at "${image}" in the world folder.`, undefined, { cause });
  }
  if (real !== file) {
    throw new AppError('VALIDATION_FAILED', `Image path "${image}" is or passes through a symbolic link; world images must be plain files.`);
  }
  try {
    // O_NOFOLLOW: a link swapped in after the check above is refused, not followed.
    const handle = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW);
    try {
      return await handle.readFile();
    } finally {
      await handle.close();
    }
  } catch (cause) {
    throw new AppError('IMAGE_UNREADABLE', `No readable image file at "${image}" in the world folder.`, undefined, { cause });
  }
}

/** Whether `url`'s host and port are allowed: "host" entries allow 80/443, "host:port" that port. */
export function hostAllowed(url: URL, allowed: readonly string[]): boolean {
  const defaultish = url.port === '' || url.port === '80' || url.port === '443';
  return allowed.some((entry) => entry.toLowerCase() === url.host.toLowerCase() || (defaultish && entry.toLowerCase() === url.hostname.toLowerCase()));
}

async function loadRemote(image: string, rules: ImageRules): Promise<ImageBytes> {
  let url: URL;
  try {
    url = new URL(image);
  } catch (cause) {
    throw new AppError('VALIDATION_FAILED', 'The image URL is not a valid URL.', undefined, { cause });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new AppError('VALIDATION_FAILED', `Image URLs must be http(s), not ${url.protocol}.`);
  }
  if (!hostAllowed(url, rules.allowedImageHosts)) {
    throw new AppError('IMAGE_HOST_NOT_ALLOWED', `Image host "${url.host}" is not on ALLOWED_IMAGE_HOSTS (a "host" entry allows ports 80 and 443 only).`);
  }
  const limits = { timeoutMs: rules.imageFetchTimeoutMs ?? DEFAULT_TIMEOUT_MS, maxBytes: rules.imageMaxBytes ?? DEFAULT_MAX_BYTES };
  try {
    const bytes = await (rules.fetchImage ?? ((u: URL) => fetchCapped(u, limits)))(url);
    if (bytes.byteLength > limits.maxBytes) throw new Error('image too large');
    return await toRaster(bytes);
  } catch (cause) {
    // One message for every failure: no oracle for what listens on the host, or how it answered.
    throw new AppError('IMAGE_UNREADABLE', `Could not fetch a usable image from ${url.host}.`, undefined, { cause });
  }
}

/** GET `url`, streaming: aborted past `maxBytes` or `timeoutMs`; any status but 200 (redirects too) fails. */
export async function fetchCapped(url: URL, limits: { timeoutMs: number; maxBytes: number }): Promise<Uint8Array> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new Error('timed out')), limits.timeoutMs);
  try {
    const res = await fetch(url, { redirect: 'manual', signal: controller.signal });
    if (res.status !== 200 || !res.body) throw new Error(`HTTP ${res.status}`);
    if (Number(res.headers.get('content-length') ?? 0) > limits.maxBytes) throw new Error('declared too large');
    const chunks: Uint8Array[] = [];
    let total = 0;
    for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
      total += chunk.byteLength;
      if (total > limits.maxBytes) throw new Error('too large');
      chunks.push(chunk);
    }
    return Buffer.concat(chunks);
  } finally {
    clearTimeout(timer);
    controller.abort(); // closes the connection if the body was not read to the end
  }
}
