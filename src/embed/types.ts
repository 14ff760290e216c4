/**
 * What the rest of the pipeline needs from an embedding model. The real implementation is the
 * local CLIP-architecture model loaded by Transformers.js (`clip-embedder.ts`); tests may pass
 * a fake with fixed vectors. Nothing outside `src/embed/` may assume a dimension.
 */

/** An image given as a file path, raw encoded bytes (PNG/JPEG/WebP), or a `data:` URL. */
export type ImageInput = string | Uint8Array;

export interface Embedder {
  /** Identifies the weights, e.g. "style-clip-mini"; part of every embedding cache key. */
  readonly modelId: string;
  /** Read from the model at load time, never hard-coded. */
  readonly dimension: number;
  /** L2-normalised text vectors, one per input, in input order. */
  embedTexts(texts: string[]): Promise<Float32Array[]>;
  /** L2-normalised image vectors, one per input, in input order. Rejects with a clear error per bad image. */
  embedImages(images: ImageInput[]): Promise<Float32Array[]>;
  /** Frees workers / sessions. */
  close(): Promise<void>;
  /** Batches sent to the model and not answered yet (the /metrics embed queue depth); 0 when unknown. */
  queueDepth?(): number;
}
