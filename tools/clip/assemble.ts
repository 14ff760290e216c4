/**
 * Assembles a Transformers.js model folder equivalent to Xenova/clip-vit-base-patch32, except for
 * the weights: CLIP's real tokenizer (built from CLIP's own BPE file in ../shared/clip-reference at
 * run time), its real config.json and preprocessor_config.json, and ViT-B/32-shaped ONNX towers with
 * RANDOM weights (tools/model/python/make_random_clip_b32.py), float and optionally dynamic INT8.
 * It lets the service's "drop in a real CLIP export" path be tested without the hub.
 *
 *   npx tsx tools/clip/assemble.ts --out DIR [--quantized] [--tokenizer-only] [--preprocessor openai-original]
 *
 * The folder holds files derived from CLIP's vocabulary, which must never be committed: DIR must be
 * outside this repository or under a git-ignored folder (tmp/, models/.work/).
 *
 * @example
 * const { dir } = await assembleRealClipFolder(path.join(os.tmpdir(), 'clip/clip-vit-base-patch32'), { quantized: true });
 * const embedder = await ClipEmbedder.create({ modelsDir: path.dirname(dir), modelId: path.basename(dir), quantized: true });
 */
import { copyFile, link, mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { ensureRandomClipOnnx, type OnnxTimings } from './onnx-cache.js';
import { clipReferenceDir, isSafeOutputDir } from './paths.js';
import { CLIP_MAX_LENGTH, clipSpecialTokensMap, clipTokenizerConfig, clipTokenizerJson, readClipVocabulary } from './tokenizer-files.js';

export interface AssembleOptions {
  /** Folder with bpe_simple_vocab_16e6.txt.gz; default: clipReferenceDir() (../shared/clip-reference). */
  referenceDir?: string;
  /** Put the ONNX towers in onnx/ (default true; false = tokenizer, configs only, no python needed). */
  onnx?: boolean;
  /** Also onnx/text_model_quantized.onnx and onnx/vision_model_quantized.onnx (dynamic INT8). */
  quantized?: boolean;
  /**
   * 'export' (default): preprocessor_config.json as transformers' save_pretrained writes it, which is
   * what Transformers.js exports such as Xenova/clip-vit-base-patch32 ship (size {shortest_edge: 224},
   * crop_size {height, width}, do_convert_rgb, do_rescale, rescale_factor, image_processor_type).
   * 'openai-original': the short form of the openai/clip-vit-base-patch32 repository (size: 224,
   * crop_size: 224). Both mean the same in Python transformers; Transformers.js 2.17 reads an integer
   * `size` as shortest AND longest edge 224 (see test/clip/preprocess.test.ts).
   */
  preprocessor?: 'export' | 'openai-original';
  /** vocab.json + merges.txt as the export has them for Python's slow CLIPTokenizer (default true). */
  pythonTokenizerFiles?: boolean;
  log?: (line: string) => void;
}

export interface AssembledFolder {
  /** the folder, absolute */
  dir: string;
  /** files written, relative to dir */
  files: string[];
  onnx: (OnnxTimings & { source: Record<string, string> }) | null;
}

const CLIP_MEAN = [0.48145466, 0.4578275, 0.40821073];
const CLIP_STD = [0.26862954, 0.26130258, 0.27577711];

/** preprocessor_config.json of openai/clip-vit-base-patch32, in either spelling. */
export function clipPreprocessorConfig(style: 'export' | 'openai-original' = 'export'): Record<string, unknown> {
  if (style === 'openai-original') {
    return {
      crop_size: 224, do_center_crop: true, do_normalize: true, do_resize: true, feature_extractor_type: 'CLIPFeatureExtractor',
      image_mean: CLIP_MEAN, image_std: CLIP_STD, resample: 3, size: 224,
    };
  }
  return {
    crop_size: { height: 224, width: 224 },
    do_center_crop: true,
    do_convert_rgb: true,
    do_normalize: true,
    do_rescale: true,
    do_resize: true,
    feature_extractor_type: 'CLIPFeatureExtractor',
    image_mean: CLIP_MEAN,
    image_processor_type: 'CLIPImageProcessor',
    image_std: CLIP_STD,
    resample: 3,
    rescale_factor: 1 / 255,
    size: { shortest_edge: 224 },
  };
}

/** config.json: openai/clip-vit-base-patch32's architecture settings (the generation defaults left out). */
export function clipConfig(): Record<string, unknown> {
  return {
    _name_or_path: 'openai/clip-vit-base-patch32',
    architectures: ['CLIPModel'],
    initializer_factor: 1.0,
    logit_scale_init_value: 2.6592,
    model_type: 'clip',
    projection_dim: 512,
    text_config: {
      attention_dropout: 0.0, bos_token_id: 0, dropout: 0.0, eos_token_id: 2, hidden_act: 'quick_gelu', hidden_size: 512,
      initializer_factor: 1.0, initializer_range: 0.02, intermediate_size: 2048, layer_norm_eps: 1e-5,
      max_position_embeddings: CLIP_MAX_LENGTH, model_type: 'clip_text_model', num_attention_heads: 8, num_hidden_layers: 12,
      pad_token_id: 1, projection_dim: 512, vocab_size: 49408,
    },
    vision_config: {
      attention_dropout: 0.0, dropout: 0.0, hidden_act: 'quick_gelu', hidden_size: 768, image_size: 224, initializer_factor: 1.0,
      initializer_range: 0.02, intermediate_size: 3072, layer_norm_eps: 1e-5, model_type: 'clip_vision_model', num_attention_heads: 12,
      num_channels: 3, num_hidden_layers: 12, patch_size: 32, projection_dim: 512,
    },
    // Not in the real file: says plainly that this folder's weights are noise (make_random_clip_b32.py).
    random_weights: true,
  };
}

/** Hard link (instant, no extra disk for ~850 MB of ONNX) or, across file systems, a copy. */
async function place(src: string, dest: string): Promise<void> {
  await rm(dest, { force: true });
  try {
    await link(src, dest);
  } catch {
    await copyFile(src, dest);
  }
}

/**
 * Writes the folder. Files derived from CLIP's vocabulary go into `outDir` only.
 * Throws when the reference folder is missing, `outDir` is a tracked part of this repository, or
 * (with onnx) the export fails.
 */
export async function assembleRealClipFolder(outDir: string, options: AssembleOptions = {}): Promise<AssembledFolder> {
  const dir = path.resolve(outDir);
  if (!isSafeOutputDir(dir)) {
    throw new Error(`${dir} is inside the repository and not git-ignored; the assembled folder holds files derived from CLIP's vocabulary, which must never be committed. Use a folder under tmp/, models/.work/ or outside the repository.`);
  }
  const referenceDir = options.referenceDir ?? clipReferenceDir();
  if (!referenceDir) throw new Error('CLIP reference files not found (../shared/clip-reference/bpe_simple_vocab_16e6.txt.gz; or set CLIP_REFERENCE_DIR).');
  const vocabulary = await readClipVocabulary(path.join(referenceDir, 'bpe_simple_vocab_16e6.txt.gz'));

  await mkdir(dir, { recursive: true });
  const files: Record<string, string> = {
    'tokenizer.json': JSON.stringify(clipTokenizerJson(vocabulary)),
    'tokenizer_config.json': JSON.stringify(clipTokenizerConfig(), null, 2),
    'special_tokens_map.json': JSON.stringify(clipSpecialTokensMap(), null, 2),
    'preprocessor_config.json': JSON.stringify(clipPreprocessorConfig(options.preprocessor), null, 2),
    'config.json': JSON.stringify(clipConfig(), null, 2),
  };
  if (options.pythonTokenizerFiles ?? true) {
    files['vocab.json'] = JSON.stringify(vocabulary.vocab);
    // merges.txt as the export has it: a version line, then one merge per line.
    files['merges.txt'] = ['#version: 0.2', ...vocabulary.merges].join('\n') + '\n';
  }
  for (const [name, text] of Object.entries(files)) await writeFile(path.join(dir, name), text);
  const written = Object.keys(files);

  let onnx: AssembledFolder['onnx'] = null;
  if (options.onnx ?? true) {
    const generated = await ensureRandomClipOnnx({ quantized: options.quantized ?? false, log: options.log });
    await mkdir(path.join(dir, 'onnx'), { recursive: true });
    for (const [name, src] of Object.entries(generated.files)) {
      await place(src, path.join(dir, 'onnx', name));
      written.push(`onnx/${name}`);
    }
    onnx = { exportS: generated.exportS, quantizeS: generated.quantizeS, quantizeStats: generated.quantizeStats, source: generated.files };
  }
  return { dir, files: written, onnx };
}


async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      out: { type: 'string' },
      quantized: { type: 'boolean', default: false },
      'tokenizer-only': { type: 'boolean', default: false },
      preprocessor: { type: 'string', default: 'export' },
      reference: { type: 'string' },
    },
  });
  if (!values.out || !['export', 'openai-original'].includes(values.preprocessor!)) {
    console.error('usage: npx tsx tools/clip/assemble.ts --out DIR [--quantized] [--tokenizer-only] [--preprocessor export|openai-original] [--reference DIR]');
    process.exit(2);
  }
  const t = performance.now();
  const result = await assembleRealClipFolder(values.out, {
    quantized: values.quantized,
    onnx: !values['tokenizer-only'],
    preprocessor: values.preprocessor as 'export' | 'openai-original',
    referenceDir: values.reference,
    log: (line) => console.error(line),
  });
  console.log(JSON.stringify({ ...result, seconds: Math.round((performance.now() - t) / 100) / 10 }, null, 2));
  console.error(`load with ClipEmbedder.create({ modelsDir: '${path.dirname(result.dir)}', modelId: '${path.basename(result.dir)}'${values.quantized ? ', quantized: true' : ''} })`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
