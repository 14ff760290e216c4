/** Messages between `worker-pool.ts` and `embed-worker.ts`, and how errors cross the boundary. */
import { AppError, ERROR_CODES, type ErrorCode, type ErrorDetail } from '../errors.js';
import type { ImageInput } from './types.js';

/** Where the worker gets its Embedder: a module exporting an async factory. */
export interface EmbedderFactoryRef {
  /** Module URL (file://...) or path the worker can import. */
  module: string;
  /** Export called with the worker's `EmbedderOptions`; returns an Embedder (or a promise of one). */
  exportName: string;
}

/** What each worker's Embedder is built from (ClipEmbedder.create takes the same fields). */
export interface EmbedderOptions {
  modelsDir: string;
  modelId: string;
  /** Load `onnx/*_quantized.onnx` (config MODEL_QUANTIZED). */
  quantized: boolean;
}

export interface WorkerInit extends EmbedderOptions {
  factory?: EmbedderFactoryRef;
}

export type Request =
  | { id: number; op: 'texts'; texts: string[] }
  | { id: number; op: 'images'; images: ImageInput[] };

export interface SerializedError {
  code?: string;
  name: string;
  message: string;
  details?: ErrorDetail[];
}

export type Reply =
  | { type: 'ready'; modelId: string; dimension: number }
  | { type: 'init-error'; error: SerializedError }
  | { type: 'result'; id: number; vectors: Float32Array[] }
  | { type: 'error'; id: number; error: SerializedError };

export function serializeError(err: unknown): SerializedError {
  if (err instanceof AppError) return { code: err.code, name: err.name, message: err.message, details: err.details };
  if (err instanceof Error) return { name: err.name, message: err.message };
  return { name: 'Error', message: String(err) };
}

/** Rebuilds an AppError with the same code; unknown failures become `fallback`. */
export function deserializeError(e: SerializedError, fallback: ErrorCode): AppError {
  if (e.code && e.code in ERROR_CODES) return new AppError(e.code as ErrorCode, e.message, e.details);
  return new AppError(fallback, `${ERROR_CODES[fallback]} ${e.name}: ${e.message}`);
}
