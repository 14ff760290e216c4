/**
 * The ViT-B/32-shaped ONNX towers with random weights (tools/model/python/make_random_clip_b32.py) and their
 * dynamic INT8 quantization (tools/clip/quantize_dynamic.py), generated once and cached under
 * models/.work/clip-onnx-cache/<hash of the generating scripts>/ (git-ignored). Generating takes
 * ~25 s and ~2.2 GB of memory (torch export), quantizing ~5 s; the cache makes later runs instant.
 * Nothing here reads CLIP's reference files: the weights are random and the export's own tokenizer
 * files are thrown away.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { ONNX_CACHE_DIR, PYTHON, REPO_ROOT } from './paths.js';

const run = promisify(execFile);

const MAKE_SCRIPT = path.join(REPO_ROOT, 'tools/model/python/make_random_clip_b32.py');
const QUANTIZE_SCRIPT = path.join(REPO_ROOT, 'tools/clip/quantize_dynamic.py');
/** Everything the float export depends on (make_random_clip_b32.py imports Block from style_clip.py). */
const FLOAT_INPUTS = [MAKE_SCRIPT, path.join(REPO_ROOT, 'tools/model/python/style_clip.py')];

export const FLOAT_FILES = ['text_model.onnx', 'vision_model.onnx'] as const;
export const QUANTIZED_FILES = ['text_model_quantized.onnx', 'vision_model_quantized.onnx'] as const;

async function hashOf(files: readonly string[], extra = ''): Promise<string> {
  const h = createHash('sha256');
  for (const f of files) h.update(await readFile(f));
  h.update(extra);
  return h.digest('hex').slice(0, 16);
}

/** True when `$PYTHON` (default /usr/bin/python3) can import torch and onnx. */
export async function pythonCanExport(): Promise<boolean> {
  try {
    await run(PYTHON, ['-c', 'import torch, onnx, numpy'], { timeout: 60_000 });
    return true;
  } catch {
    return false;
  }
}

async function cachePaths(): Promise<{ floatDir: string; quantDir: string }> {
  const floatDir = path.join(ONNX_CACHE_DIR, await hashOf(FLOAT_INPUTS));
  // The quantized files depend on the quantizer too: keyed by its hash inside the float folder.
  return { floatDir, quantDir: path.join(floatDir, `quantized-${await hashOf([QUANTIZE_SCRIPT])}`) };
}

/** onnx file name (as in a model folder's onnx/) -> absolute path of the generated file. */
export type OnnxFiles = Record<string, string>;

function listFiles(floatDir: string, quantDir: string, quantized: boolean): OnnxFiles {
  const files: OnnxFiles = {};
  for (const f of FLOAT_FILES) files[f] = path.join(floatDir, f);
  if (quantized) for (const f of QUANTIZED_FILES) files[f] = path.join(quantDir, f);
  return files;
}

/** The cached files when they all exist (no python needed), else null. */
export async function cachedRandomClipOnnx(quantized: boolean): Promise<OnnxFiles | null> {
  const { floatDir, quantDir } = await cachePaths();
  const files = listFiles(floatDir, quantDir, quantized);
  return Object.values(files).every((f) => existsSync(f)) ? files : null;
}

/**
 * Serialises generation across processes (vitest runs test files in parallel workers): the first
 * caller creates `<dir>.lock`, the others wait for it to go away. A lock older than 15 minutes is
 * taken to be left over from a killed run.
 */
async function withLock<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  const lock = `${dir}.lock`;
  await mkdir(path.dirname(lock), { recursive: true });
  for (;;) {
    try {
      await mkdir(lock);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const age = Date.now() - (await stat(lock).catch(() => ({ mtimeMs: Date.now() }))).mtimeMs;
      if (age > 15 * 60_000) await rm(lock, { recursive: true, force: true });
      else await new Promise((r) => setTimeout(r, 500));
    }
  }
  try {
    return await fn();
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}

export interface OnnxTimings {
  /** seconds spent in make_random_clip_b32.py (0 when cached) */
  exportS: number;
  /** seconds spent quantizing both towers (0 when cached or not asked for) */
  quantizeS: number;
  /** one JSON line per tower from quantize_dynamic.py */
  quantizeStats: Array<Record<string, unknown>>;
}

/**
 * Returns the generated onnx files (float, and quantized when asked), generating what is missing.
 * Throws with python's stderr when generation fails.
 */
export async function ensureRandomClipOnnx(options: { quantized: boolean; log?: (line: string) => void }): Promise<{ files: OnnxFiles } & OnnxTimings> {
  const log = options.log ?? (() => {});
  const { floatDir, quantDir } = await cachePaths();
  const timings: OnnxTimings = { exportS: 0, quantizeS: 0, quantizeStats: [] };
  await withLock(floatDir, async () => {
    if (!FLOAT_FILES.every((f) => existsSync(path.join(floatDir, f)))) {
      const staging = `${floatDir}.staging`;
      await rm(staging, { recursive: true, force: true });
      log(`generating the random ViT-B/32 ONNX export with ${PYTHON} (~25 s) ...`);
      const t = performance.now();
      try {
        await run(PYTHON, [MAKE_SCRIPT, '--out', path.join(staging, 'export')], { cwd: REPO_ROOT, timeout: 15 * 60_000, maxBuffer: 16 << 20 });
      } catch (err) {
        throw new Error(`make_random_clip_b32.py failed: ${stderrOf(err)}`);
      }
      timings.exportS = (performance.now() - t) / 1000;
      await mkdir(floatDir, { recursive: true });
      for (const f of FLOAT_FILES) await rename(path.join(staging, 'export/onnx', f), path.join(floatDir, f));
      await rm(staging, { recursive: true, force: true });
    }
    if (!options.quantized || QUANTIZED_FILES.every((f) => existsSync(path.join(quantDir, f)))) return;
    await mkdir(quantDir, { recursive: true });
    log('quantizing both towers to dynamic INT8 (~5 s) ...');
    const t = performance.now();
    for (const [i, src] of FLOAT_FILES.entries()) {
      try {
        const { stdout } = await run(PYTHON, [QUANTIZE_SCRIPT, path.join(floatDir, src), path.join(quantDir, QUANTIZED_FILES[i]!)], { cwd: REPO_ROOT, timeout: 10 * 60_000 });
        timings.quantizeStats.push(JSON.parse(stdout.trim().split('\n').pop()!) as Record<string, unknown>);
      } catch (err) {
        throw new Error(`quantize_dynamic.py failed on ${src}: ${stderrOf(err)}`);
      }
    }
    timings.quantizeS = (performance.now() - t) / 1000;
  });
  return { files: listFiles(floatDir, quantDir, options.quantized), ...timings };
}

function stderrOf(err: unknown): string {
  const e = err as { stderr?: string; message: string };
  return e.stderr?.trim().split('\n').slice(-5).join('\n') || e.message;
}
