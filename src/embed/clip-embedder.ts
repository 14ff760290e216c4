/**
 * The production Embedder: a CLIP-architecture model (ours, `models/style-clip-mini`, or any real
 * CLIP export in the Transformers.js layout) run locally by Transformers.js.
 *
 * Built by an async factory behind a private constructor, so nobody ever holds a half-loaded model.
 * Nothing here knows the model's size: the dimension is measured with a probe at load time.
 */
import {
  AutoProcessor,
  AutoTokenizer,
  CLIPTextModelWithProjection,
  CLIPVisionModelWithProjection,
  type PreTrainedModel,
  type PreTrainedTokenizer,
  type Processor,
} from '@xenova/transformers';
import { AppError } from '../errors.js';
import { assertModelFolder } from './model-folder.js';
import { ImagePreprocessor } from './pixel-values.js';
import { closingSpecialIds, tokenizeTexts } from './tokenize.js';
import { configureTransformers } from './transformers-env.js';
import type { Embedder, ImageInput } from './types.js';
import { chunks, normalizedRows } from './vectors.js';

export interface ClipEmbedderOptions {
  /** Folder holding model folders, e.g. "./models" (config MODELS_DIR). */
  modelsDir: string;
  /** Model folder name inside modelsDir, e.g. "style-clip-mini" (config MODEL_ID). */
  modelId: string;
  /**
   * Load `onnx/*_quantized.onnx` instead of the float files (config MODEL_QUANTIZED). Default false.
   * The embedder's modelId then gets QUANTIZED_SUFFIX, so vectors of the two never mix.
   */
  quantized?: boolean;
  /** Largest batch sent to ONNX at once; bigger inputs are split. Default 64. */
  maxBatch?: number;
}

/**
 * Appended to the model id of a quantized embedder: INT8 vectors are close to the float ones
 * (cosine ~0.99) but not equal, so the embedding cache, the stored vectors and the index (all keyed
 * by model id) keep them apart, and switching MODEL_QUANTIZED re-embeds instead of mixing the two.
 */
export const QUANTIZED_SUFFIX = ':q8';

/** The id an embedder reports for a model folder, float or quantized. */
export const embedderModelId = (modelId: string, quantized: boolean) => (quantized ? `${modelId}${QUANTIZED_SUFFIX}` : modelId);

interface TensorLike {
  data: Float32Array;
  dims: number[];
}

export class ClipEmbedder implements Embedder {
  private constructor(
    readonly modelId: string,
    readonly dimension: number,
    private readonly tokenizer: PreTrainedTokenizer,
    /** The tokenizer's closing special ids, put back into truncated rows (tokenize.ts). */
    private readonly closing: readonly number[],
    private readonly pixels: ImagePreprocessor,
    private readonly textModel: PreTrainedModel,
    private readonly visionModel: PreTrainedModel,
    private readonly maxBatch: number,
  ) {}

  /**
   * Loads tokenizer, image processor and both ONNX towers from `modelsDir/modelId`.
   * Rejects with AppError MODEL_UNAVAILABLE naming any missing file and how to get it.
   *
   * @example
   * const embedder = await ClipEmbedder.create({ modelsDir: './models', modelId: 'style-clip-mini' });
   * const [v] = await embedder.embedTexts(['red floral dress']); // v.length === embedder.dimension
   */
  static async create(options: ClipEmbedderOptions): Promise<ClipEmbedder> {
    const quantized = options.quantized ?? false;
    await assertModelFolder(options.modelsDir, options.modelId, quantized);
    configureTransformers(options.modelsDir);
    const id = options.modelId;
    try {
      // Transformers.js v2 writes the chosen file name into the options object it is given, so each
      // call needs a FRESH object or the vision load silently reuses the text model's file.
      const [tokenizer, processor, textModel, visionModel] = await Promise.all([
        AutoTokenizer.from_pretrained(id, { local_files_only: true }),
        AutoProcessor.from_pretrained(id, { local_files_only: true }),
        CLIPTextModelWithProjection.from_pretrained(id, { quantized, local_files_only: true }),
        CLIPVisionModelWithProjection.from_pretrained(id, { quantized, local_files_only: true }),
      ]);
      const closing = closingSpecialIds(tokenizer);
      const probe = (await textModel(tokenizeTexts(tokenizer, ['a'], closing))).text_embeds as TensorLike;
      const dimension = probe.dims[probe.dims.length - 1];
      const pixels = ImagePreprocessor.create(processor as Processor);
      return new ClipEmbedder(embedderModelId(id, quantized), dimension, tokenizer, closing, pixels, textModel, visionModel, options.maxBatch ?? 64);
    } catch (cause) {
      const reason = cause instanceof Error ? cause.message : String(cause);
      throw new AppError('MODEL_UNAVAILABLE', `Model "${id}" in ${options.modelsDir} could not be loaded: ${reason}`, undefined, { cause });
    }
  }

  async embedTexts(texts: string[]): Promise<Float32Array[]> {
    const out: Float32Array[] = [];
    for (const batch of chunks(texts, this.maxBatch)) {
      // Truncated to the position table (77 for CLIP), closing token restored; padding is masked.
      const inputs = tokenizeTexts(this.tokenizer, batch, this.closing);
      const { text_embeds } = (await this.textModel(inputs)) as { text_embeds: TensorLike };
      out.push(...normalizedRows(text_embeds.data, batch.length, this.dimension));
    }
    return out;
  }

  async embedImages(images: ImageInput[]): Promise<Float32Array[]> {
    const out: Float32Array[] = [];
    let offset = 0;
    for (const batch of chunks(images, this.maxBatch)) {
      const pixel_values = await this.pixels.pixelValues(batch, offset);
      const { image_embeds } = (await this.visionModel({ pixel_values })) as { image_embeds: TensorLike };
      out.push(...normalizedRows(image_embeds.data, batch.length, this.dimension));
      offset += batch.length;
    }
    return out;
  }

  /**
   * 'sharp' when the native preprocessing path (pixel-values.ts) handles this model's preprocessor
   * config, 'transformers.js' when it needs the general processor.
   */
  get preprocessing(): ImagePreprocessor['path'] {
    return this.pixels.path;
  }

  async close(): Promise<void> {
    await Promise.all([this.textModel.dispose(), this.visionModel.dispose()]);
  }
}

