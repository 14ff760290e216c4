/**
 * The ONE place that configures Transformers.js's process-global `env`.
 *
 * Models are read from a local folder only: our machines cannot reach the Hugging Face hub, and a
 * service that silently downloads weights at start-up is not reproducible. `models:fetch` is the
 * only code that talks to the hub, and it does so explicitly, ahead of time.
 */
import { env } from '@xenova/transformers';

/**
 * Points Transformers.js at `modelsDir` and forbids remote downloads. Idempotent; calling it again
 * with another folder re-points the (global) loader, so a process should use one models folder.
 */
export function configureTransformers(modelsDir: string): void {
  env.localModelPath = modelsDir.endsWith('/') ? modelsDir : `${modelsDir}/`;
  env.allowLocalModels = true;
  env.allowRemoteModels = false;
  // The hub cache is irrelevant without remote models; keep Transformers.js from creating it.
  env.useBrowserCache = false;
  env.useFSCache = false;
}
