/**
 * Downloads a CLIP export in the Transformers.js layout from a Hugging Face hub (for users WITH
 * internet; our build machines have none): exactly the files the service reads
 * (src/embed/model-folder.ts requiredModelFiles), float and/or quantized towers, at a pinned
 * revision. `tools/model/fetch.ts` is the CLI (`npm run models:fetch`).
 *
 * - Files stream to disk (the float vision tower of ViT-B/32 is 352 MB) into a staging folder
 *   beside the target, which replaces the target only when every file has arrived complete: a
 *   failed or interrupted fetch leaves the previous folder (or none) as it was.
 * - preprocessor_config.json with integer sizes (openai's `"size": 224`) is rewritten to the
 *   dictionary form Python writes today ({shortest_edge}, {height, width}): the service reads both
 *   alike, but Transformers.js' general processor would letterbox the integer form.
 * - `source.json` records the hub, id, revision and files, so a folder says where it came from.
 *
 * @example
 * const r = await fetchModel({ id: 'Xenova/clip-vit-base-patch32', modelsDir: 'models', revision: 'main' });
 * console.log(r.folder, r.hints); // models/Xenova/clip-vit-base-patch32, ['MODEL_ID=...', ...]
 */
import { createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { requiredModelFiles } from '../../src/embed/model-folder.js';

export type Variant = 'float' | 'quantized';

export interface FetchModelOptions {
  /** Hub repository, "owner/name". */
  id: string;
  /** Folder of model folders (MODELS_DIR); the model lands in `<modelsDir>/<id>`. */
  modelsDir: string;
  /** Branch, tag or commit (default "main"); pin a commit for reproducible folders. */
  revision?: string;
  /** Which towers (default both: switching MODEL_QUANTIZED then needs no second download). */
  variants?: readonly Variant[];
  /** Default https://huggingface.co; tests point it at a local server. */
  host?: string;
  log?: (line: string) => void;
}

export interface FetchModelResult {
  folder: string;
  files: Array<{ file: string; bytes: number }>;
  /** What was changed on the way in (e.g. an integer preprocessor size rewritten). */
  notes: string[];
  /** The settings that load the folder. */
  hints: string[];
}

/** Hub repository ids: "owner/name", letters, digits, '.', '_' and '-', neither part starting with '.' (no "../x"). */
export const HUB_ID = /^(?!\.)[\w.-]+\/(?!\.)[\w.-]+$/;

/** The files `variants` need, in the order they are fetched (small configs first, so a typo fails fast). */
export function filesToFetch(variants: readonly Variant[]): string[] {
  return [...new Set(variants.flatMap((v) => requiredModelFiles(v === 'quantized')))];
}

/**
 * Rewrites integer `size` / `crop_size` to the dictionary form; returns the notes (empty: unchanged).
 * Python's CLIPImageProcessor reads `size: 224` as the shortest edge and `crop_size: 224` as a square.
 */
export function normalisePreprocessorConfig(config: Record<string, unknown>): string[] {
  const notes: string[] = [];
  if (typeof config.size === 'number') {
    notes.push(`preprocessor_config.json: "size": ${config.size} rewritten to {"shortest_edge": ${config.size}} (how Python reads it; Transformers.js alone would letterbox)`);
    config.size = { shortest_edge: config.size };
  }
  if (typeof config.crop_size === 'number') {
    notes.push(`preprocessor_config.json: "crop_size": ${config.crop_size} rewritten to {"height": ${config.crop_size}, "width": ${config.crop_size}}`);
    config.crop_size = { height: config.crop_size, width: config.crop_size };
  }
  return notes;
}

async function download(url: string, dest: string): Promise<number> {
  let res: Response;
  try {
    res = await fetch(url);
  } catch (err) {
    const cause = err instanceof Error && err.cause instanceof Error ? err.cause.message : String(err);
    throw new Error(`cannot reach ${new URL(url).origin} (${cause}). This command needs internet access; offline, use \`npm run train\` instead.`);
  }
  if (!res.ok || !res.body) throw new Error(`GET ${url} -> ${res.status} ${res.statusText}`);
  await mkdir(path.dirname(dest), { recursive: true });
  try {
    await pipeline(Readable.fromWeb(res.body as WebReadableStream<Uint8Array>), createWriteStream(dest));
  } catch (err) {
    throw new Error(`GET ${url}: the download broke off (${err instanceof Error ? err.message : String(err)})`);
  }
  const bytes = (await stat(dest)).size;
  const expected = Number(res.headers.get('content-length') ?? NaN);
  if (Number.isFinite(expected) && bytes !== expected) throw new Error(`GET ${url}: got ${bytes} of ${expected} bytes`);
  return bytes;
}

/**
 * Fetches `files` of `id` at `revision` into a staging folder, then swaps it in for `<modelsDir>/<id>`.
 * Throws (leaving any previous folder untouched) on a missing file, a broken download or no network.
 */
export async function fetchModel(o: FetchModelOptions): Promise<FetchModelResult> {
  if (!HUB_ID.test(o.id)) throw new Error(`"${o.id}" is not a hub id of the form owner/name (e.g. Xenova/clip-vit-base-patch32)`);
  const revision = o.revision ?? 'main';
  const variants = o.variants ?? ['float', 'quantized'];
  const host = (o.host ?? 'https://huggingface.co').replace(/\/+$/, '');
  const log = o.log ?? (() => {});
  const folder = path.resolve(o.modelsDir, o.id);
  // Beside the target (same file system, so the final rename is atomic); never a half folder at the target.
  const staging = `${folder}.fetching-${process.pid}`;
  await rm(staging, { recursive: true, force: true });
  const files: FetchModelResult['files'] = [];
  const notes: string[] = [];
  try {
    for (const file of filesToFetch(variants)) {
      const url = `${host}/${o.id}/resolve/${encodeURIComponent(revision)}/${file}`;
      const bytes = await download(url, path.join(staging, file));
      files.push({ file, bytes });
      log(`${url}  ${(bytes / 1e6).toFixed(1)} MB`);
    }
    const pre = path.join(staging, 'preprocessor_config.json');
    const config = JSON.parse(await readFile(pre, 'utf8')) as Record<string, unknown>;
    const rewritten = normalisePreprocessorConfig(config);
    if (rewritten.length > 0) await writeFile(pre, JSON.stringify(config, null, 2));
    notes.push(...rewritten);
    await writeFile(path.join(staging, 'source.json'), JSON.stringify({ host, id: o.id, revision, variants, files, fetchedAt: new Date().toISOString() }, null, 2));
    await swapIn(staging, folder);
  } catch (err) {
    await rm(staging, { recursive: true, force: true });
    throw err;
  }
  for (const n of notes) log(n);
  const hints = [`MODEL_ID=${o.id}`, `MODELS_DIR=${o.modelsDir}`];
  hints.push(variants.includes('quantized') ? `MODEL_QUANTIZED=true for the INT8 towers (${variants.includes('float') ? 'false, the default, for the float ones' : 'only these were fetched'})` : 'MODEL_QUANTIZED=false (the default; only the float towers were fetched)');
  return { folder, files, notes, hints };
}

/** Replaces `folder` with `staging`: the old folder is moved aside first and removed only after. */
async function swapIn(staging: string, folder: string): Promise<void> {
  await mkdir(path.dirname(folder), { recursive: true });
  const old = `${folder}.replaced-${process.pid}`;
  let moved = false;
  try {
    await rename(folder, old);
    moved = true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  try {
    await rename(staging, folder);
  } catch (err) {
    if (moved) await rename(old, folder);
    throw err;
  }
  if (moved) await rm(old, { recursive: true, force: true });
}
