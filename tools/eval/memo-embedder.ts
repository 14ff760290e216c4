/**
 * An embedder that remembers every vector it returned, for the evaluation only. Embeddings are a
 * pure function of the input, so this changes no result; it stops the evaluation from embedding
 * the same post image again for every shop-the-look query after ingest already embedded it.
 */
import { contentHash } from '../../src/embed/fusion.js';
import type { Embedder, ImageInput } from '../../src/embed/types.js';

export function memoEmbedder(inner: Embedder): Embedder {
  const memo = new Map<string, Float32Array>();
  const cached = async <T>(inputs: T[], key: (x: T) => string, embed: (xs: T[]) => Promise<Float32Array[]>) => {
    const keys = inputs.map(key);
    const todo = new Map<string, T>();
    keys.forEach((k, i) => memo.has(k) || todo.has(k) || todo.set(k, inputs[i]!));
    if (todo.size > 0) {
      let vectors: Float32Array[];
      try {
        vectors = await embed([...todo.values()]);
      } catch {
        // Let the inner embedder report the failure against the caller's own batch positions.
        return embed(inputs);
      }
      [...todo.keys()].forEach((k, i) => memo.set(k, vectors[i]!));
    }
    return keys.map((k) => memo.get(k)!);
  };
  const imageKey = (x: ImageInput) => (typeof x === 'string' ? `path:${x}` : contentHash('image', x));
  return {
    modelId: inner.modelId,
    dimension: inner.dimension,
    embedTexts: (texts) => cached(texts, (t) => t, (xs) => inner.embedTexts(xs)),
    embedImages: (images) => cached(images, imageKey, (xs) => inner.embedImages(xs)),
    close: () => inner.close(),
  };
}
