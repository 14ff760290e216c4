/**
 * Worker-thread entry: loads one Embedder (the real CLIP model unless `workerData.factory` names
 * another, as tests do) and answers embed requests from `worker-pool.ts`. Result vectors are
 * transferred, not copied.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { serializeError, type EmbedderOptions, type Reply, type Request, type WorkerInit } from './embed-protocol.js';
import type { Embedder } from './types.js';

const port = parentPort!;
const init = workerData as WorkerInit;

async function load(): Promise<Embedder> {
  const options: EmbedderOptions = { modelsDir: init.modelsDir, modelId: init.modelId, quantized: init.quantized };
  if (init.factory) {
    const mod = (await import(init.factory.module)) as Record<string, (o: EmbedderOptions) => Embedder | Promise<Embedder>>;
    return mod[init.factory.exportName]!(options);
  }
  const { ClipEmbedder } = await import('./clip-embedder.js');
  return ClipEmbedder.create(options);
}

/** A vector that owns its whole buffer can be transferred; views must be copied first. */
const own = (v: Float32Array) => (v.byteOffset === 0 && v.buffer.byteLength === v.byteLength ? v : v.slice());

try {
  const embedder = await load();
  port.on('message', async (req: Request) => {
    try {
      const raw = req.op === 'texts' ? await embedder.embedTexts(req.texts) : await embedder.embedImages(req.images);
      const vectors = raw.map(own);
      const reply: Reply = { type: 'result', id: req.id, vectors };
      port.postMessage(reply, vectors.map((v) => v.buffer as ArrayBuffer));
    } catch (err) {
      port.postMessage({ type: 'error', id: req.id, error: serializeError(err) } satisfies Reply);
    }
  });
  port.postMessage({ type: 'ready', modelId: embedder.modelId, dimension: embedder.dimension } satisfies Reply);
} catch (err) {
  port.postMessage({ type: 'init-error', error: serializeError(err) } satisfies Reply);
}
