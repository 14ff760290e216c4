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

/** The files of `requiredModelFiles(quantized)` that `folder` lacks. */
async function missingFiles(folder: string, quantized: boolean): Promise<string[]> {
  const missing: string[] = [];
  for (const file of requiredModelFiles(quantized)) {
    try {
      await access(path.join(folder, file));
    } catch {
      missing.push(file);
    }
  }
  return missing;
}

/**
 * Throws AppError MODEL_UNAVAILABLE naming every missing file of `modelsDir/modelId`, and the
 * MODEL_QUANTIZED value that would work when only the other variant's towers are there.
 *
 * @example
 * await assertModelFolder('./models', 'style-clip-mini', false);
 */
export async function assertModelFolder(modelsDir: string, modelId: string, quantized: boolean): Promise<void> {
  const folder = path.resolve(modelsDir, modelId);
  const missing = await missingFiles(folder, quantized);
  if (missing.length === 0) return;
  const otherWorks = missing.every((f) => f.startsWith('onnx/')) && (await missingFiles(folder, !quantized)).length === 0;
  throw new AppError(
    'MODEL_UNAVAILABLE',
    `Model folder ${folder} is missing ${missing.join(', ')}. ` +
      (otherWorks
        ? `It has the ${quantized ? 'float' : 'quantized'} towers: set MODEL_QUANTIZED=${!quantized}, or fetch the missing files.`
        : `Train the shipped model with \`npm run train\` (it writes models/style-clip-mini), ` +
          `or, with internet access, download a CLIP export with \`npm run models:fetch -- <hub id>\` ` +
          `(e.g. Xenova/clip-vit-base-patch32: float and quantized files) and set MODEL_ID to its folder name.`),
  );
}
