/**
 * Start-up check of a Transformers.js CLIP model folder, so a missing file fails with a message
 * that names it and says how to fix it, instead of a deep ONNX/fetch stack trace at first use.
 */
import { access } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../errors.js';

/** The files a CLIP model folder must hold (Xenova/clip-vit-base-patch32 has the same layout). */
export function requiredModelFiles(quantized: boolean): string[] {
  const suffix = quantized ? '_quantized' : '';
  return [
    'config.json',
    'tokenizer.json',
    'tokenizer_config.json',
    'preprocessor_config.json',
    `onnx/text_model${suffix}.onnx`,
    `onnx/vision_model${suffix}.onnx`,
  ];
}

/**
 * Throws AppError MODEL_UNAVAILABLE naming every missing file of `modelsDir/modelId`.
 *
 * @example
 * await assertModelFolder('./models', 'style-clip-mini', false);
 */
export async function assertModelFolder(modelsDir: string, modelId: string, quantized: boolean): Promise<void> {
  const folder = path.resolve(modelsDir, modelId);
  const missing: string[] = [];
  for (const file of requiredModelFiles(quantized)) {
    try {
      await access(path.join(folder, file));
    } catch {
      missing.push(file);
    }
  }
  if (missing.length === 0) return;
  throw new AppError(
    'MODEL_UNAVAILABLE',
    `Model folder ${folder} is missing ${missing.join(', ')}. ` +
      `Train the shipped model with \`npm run train\` (it writes models/style-clip-mini), ` +
      `or, with internet access, download a CLIP export with \`npm run models:fetch -- <hub id>\` ` +
      `(e.g. Xenova/clip-vit-base-patch32) and set MODEL_ID to its folder name.`,
  );
}
