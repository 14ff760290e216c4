/** Worker-side test double: the fake embedder, reporting the options the worker built it with in its model id. */
import type { EmbedderOptions } from '../../src/embed/embed-protocol.js';
import { createFakeEmbedder } from '../helpers/fake-embedder.js';

export function createOptionsEmbedder(o: EmbedderOptions) {
  return createFakeEmbedder({ modelId: `${o.modelId} in ${o.modelsDir}, quantized=${o.quantized}` });
}
