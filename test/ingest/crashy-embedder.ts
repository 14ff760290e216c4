/** Worker-side test double: the fake embedder, except that the text "__crash__" kills the thread. */
import { createFakeEmbedder } from '../helpers/fake-embedder.js';

export function createCrashyEmbedder(o: { modelId: string }) {
  const fake = createFakeEmbedder({ modelId: o.modelId });
  return {
    ...fake,
    async embedTexts(texts: string[]) {
      if (texts.includes('__crash__')) process.exit(3); // in a worker this ends only the thread
      return fake.embedTexts(texts);
    },
  };
}
