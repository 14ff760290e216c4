/**
 * Resolves the `image` of a search query to something the embedder accepts, with the same rules
 * as ingest: a `data:` URL as is; an http(s) URL only if its host is on ALLOWED_IMAGE_HOSTS (empty
 * by default, so the server never fetches arbitrary URLs: no SSRF); otherwise a path relative to
 * the world folder that must not escape it.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../errors.js';
import type { ImageInput } from '../embed/types.js';

export interface ImageRules {
  worldDir: string;
  allowedImageHosts: string[];
  /** Injected so tests never touch the network. */
  fetchBytes?: (url: URL) => Promise<Uint8Array>;
}

const MAX_REMOTE_BYTES = 10 * 1024 * 1024;

export async function resolveQueryImage(image: string, rules: ImageRules): Promise<ImageInput> {
  if (image.startsWith('data:')) return image;
  if (/^https?:\/\//i.test(image)) {
    let url: URL;
    try {
      url = new URL(image);
    } catch (cause) {
      throw new AppError('VALIDATION_FAILED', 'image is not a valid URL', [{ path: 'image', message: 'not a valid URL' }], { cause });
    }
    if (!rules.allowedImageHosts.includes(url.hostname)) {
      throw new AppError('IMAGE_HOST_NOT_ALLOWED', `Image host "${url.hostname}" is not on ALLOWED_IMAGE_HOSTS.`, [
        { path: 'image', message: 'host not allowed' },
      ]);
    }
    return (rules.fetchBytes ?? fetchBytes)(url);
  }
  const root = path.resolve(rules.worldDir);
  const file = path.resolve(root, image);
  if (path.isAbsolute(image) || (file !== root && !file.startsWith(root + path.sep))) {
    throw new AppError('VALIDATION_FAILED', 'image paths must stay inside the world folder', [
      { path: 'image', message: 'path escapes the world folder' },
    ]);
  }
  try {
    return await readFile(file);
  } catch (cause) {
    throw new AppError('IMAGE_UNREADABLE', `No readable image at "${image}" in the world folder.`, [{ path: 'image', message: 'not found' }], {
      cause,
    });
  }
}

async function fetchBytes(url: URL): Promise<Uint8Array> {
  try {
    const res = await fetch(url, { redirect: 'error', signal: AbortSignal.timeout(5_000) });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const bytes = new Uint8Array(await res.arrayBuffer());
    if (bytes.byteLength > MAX_REMOTE_BYTES) throw new Error('image larger than 10 MB');
    return bytes;
  } catch (cause) {
    throw new AppError('IMAGE_UNREADABLE', `Could not fetch the image from ${url.host}.`, [{ path: 'image', message: String(cause) }], { cause });
  }
}
