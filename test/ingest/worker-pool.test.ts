import { describe, expect, it } from 'vitest';
import { createWorkerEmbedder } from '../../src/embed/worker-pool.js';
import { createFakeEmbedder, fakePng } from '../helpers/fake-embedder.js';

// The workers load the same fake the tests use in-process, so results must match it exactly.
const factory = { module: new URL('../helpers/fake-embedder.ts', import.meta.url).href, exportName: 'createFakeEmbedder' };

describe('worker-thread embedder', () => {
  it('embeds in workers with the same results as in-process, and keeps error codes and indices', async () => {
    const embedder = await createWorkerEmbedder({ modelsDir: 'unused', modelId: 'fake-worker', threads: 2, factory });
    try {
      const local = createFakeEmbedder();
      expect(embedder.modelId).toBe('fake-worker');
      expect(embedder.dimension).toBe(local.dimension);
      const texts = ['red floral dress', 'black boots', 'linen shirt'];
      const got = await embedder.embedTexts(texts);
      const want = await local.embedTexts(texts);
      expect(got.map((v) => Array.from(v))).toEqual(want.map((v) => Array.from(v)));
      expect(got[0]).toBeInstanceOf(Float32Array);
      const images = [fakePng('a'), fakePng('b'), fakePng('c'), Buffer.from('not an image')];
      // Index 3 lands in the second worker's chunk; the path must still name the caller's index.
      await expect(embedder.embedImages(images)).rejects.toMatchObject({ name: 'AppError', code: 'IMAGE_UNREADABLE', details: [{ path: 'images.3' }] });
      expect(await embedder.embedImages([])).toEqual([]);
      const [img] = await embedder.embedImages([fakePng('a')]);
      expect(Array.from(img!)).toEqual(Array.from((await local.embedImages([fakePng('a')]))[0]!));
    } finally {
      await embedder.close();
    }
    await expect(embedder.embedTexts(['x'])).rejects.toMatchObject({ code: 'MODEL_UNAVAILABLE' });
  });

  it('reports a crashed worker as MODEL_UNAVAILABLE and replaces it on the next call', async () => {
    const crashy = { module: new URL('./crashy-embedder.ts', import.meta.url).href, exportName: 'createCrashyEmbedder' };
    const embedder = await createWorkerEmbedder({ modelsDir: 'unused', modelId: 'crashy', factory: crashy });
    try {
      await expect(embedder.embedTexts(['__crash__'])).rejects.toMatchObject({ code: 'MODEL_UNAVAILABLE', message: expect.stringContaining('stopped') });
      const [v] = await embedder.embedTexts(['still here']);
      expect(v).toHaveLength(embedder.dimension);
    } finally {
      await embedder.close();
    }
  });

  it('hands modelsDir, modelId and quantized to each worker\'s factory', async () => {
    const echo = { module: new URL('./options-embedder.ts', import.meta.url).href, exportName: 'createOptionsEmbedder' };
    for (const quantized of [true, false, undefined]) {
      const embedder = await createWorkerEmbedder({ modelsDir: 'dir', modelId: 'm', quantized, factory: echo, threads: 2 });
      await embedder.close();
      expect(embedder.modelId).toBe(`m in dir, quantized=${quantized ?? false}`);
    }
  });

  it('fails start-up with MODEL_UNAVAILABLE when the model cannot be loaded', async () => {
    // The real ClipEmbedder runs in the worker and reports the missing model folder.
    const err = await createWorkerEmbedder({ modelsDir: '/nonexistent-models', modelId: 'nope' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'AppError', code: 'MODEL_UNAVAILABLE' });
    expect((err as Error).message).toContain('nope');
  });
});
