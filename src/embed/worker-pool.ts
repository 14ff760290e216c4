/**
 * An `Embedder` that runs the model in worker threads, so the event loop (and the API) keeps
 * answering while a large ingest embeds. Each worker loads its own copy of the model; a batch is
 * split across workers and put back together in input order. Errors raised in a worker come back
 * as `AppError`s with the same code (IMAGE_UNREADABLE keeps its `images.<i>` paths, re-based onto
 * the caller's indices).
 *
 * @example
 * const embedder = await createWorkerEmbedder({ modelsDir: config.MODELS_DIR, modelId: config.MODEL_ID, quantized: config.MODEL_QUANTIZED, threads: config.EMBED_THREADS });
 * const vectors = await embedder.embedImages(['fixtures/images/products/p0001.jpg']);
 * await embedder.close();
 */
import { Worker } from 'node:worker_threads';
import { AppError } from '../errors.js';
import { deserializeError, type EmbedderFactoryRef, type Reply, type Request, type WorkerInit } from './embed-protocol.js';
import type { Embedder, ImageInput } from './types.js';
import { chunks } from './vectors.js';

export interface WorkerEmbedderOptions {
  modelsDir: string;
  modelId: string;
  /** Worker threads, each with its own model copy (default 1: the target machine has 2 cores). */
  threads?: number;
  /** Load a different Embedder in the workers (tests use the fake one). Default: ClipEmbedder. */
  factory?: EmbedderFactoryRef;
  /**
   * Load `onnx/*_quantized.onnx` (dynamic INT8) instead of the float files (config MODEL_QUANTIZED).
   * Default false. Passed to the workers' factory like modelsDir and modelId.
   */
  quantized?: boolean;
}

interface Pending { resolve: (v: Float32Array[]) => void; reject: (e: unknown) => void }

class EmbedWorker {
  readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private dead: AppError | undefined;

  constructor(readonly worker: Worker) {
    worker.on('message', (m: Reply) => {
      if (m.type !== 'result' && m.type !== 'error') return;
      const p = this.pending.get(m.id);
      this.pending.delete(m.id);
      if (m.type === 'result') p?.resolve(m.vectors);
      else p?.reject(deserializeError(m.error, 'INTERNAL'));
    });
    const fail = (why: string) => {
      this.dead = new AppError('MODEL_UNAVAILABLE', `The embedding worker stopped: ${why}`);
      for (const p of this.pending.values()) p.reject(this.dead);
      this.pending.clear();
    };
    worker.on('error', (err) => fail(err.message));
    worker.on('exit', (code) => fail(`exit code ${code}`));
  }

  get alive(): boolean {
    return !this.dead;
  }

  call(req: Omit<Request, 'id'>): Promise<Float32Array[]> {
    if (this.dead) return Promise.reject(this.dead);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...req, id });
    });
  }
}

/** Spawns the workers and resolves once every one has loaded its model. */
export async function createWorkerEmbedder(options: WorkerEmbedderOptions): Promise<Embedder> {
  const threads = Math.max(1, options.threads ?? 1);
  const init: WorkerInit = { modelsDir: options.modelsDir, modelId: options.modelId, quantized: options.quantized ?? false, factory: options.factory };
  const spawned = Array.from({ length: threads }, () => spawn(init));
  const settled = await Promise.allSettled(spawned.map((s) => s.ready));
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    await Promise.all(spawned.map((s) => s.worker.terminate()));
    throw failed.reason;
  }
  const { modelId, dimension } = (settled[0] as PromiseFulfilledResult<{ modelId: string; dimension: number }>).value;
  let workers = spawned.map((s) => new EmbedWorker(s.worker));
  let closed = false;

  /** Replaces crashed workers lazily, so one crash does not disable embedding for good. */
  async function healthy(): Promise<EmbedWorker[]> {
    if (closed) throw new AppError('MODEL_UNAVAILABLE', 'The embedder has been closed.');
    if (workers.every((w) => w.alive)) return workers;
    workers = await Promise.all(
      workers.map(async (w) => {
        if (w.alive) return w;
        const s = spawn(init);
        await s.ready;
        return new EmbedWorker(s.worker);
      }),
    );
    return workers;
  }

  async function run<T>(items: T[], op: (part: T[]) => Omit<Request, 'id'>): Promise<Float32Array[]> {
    if (items.length === 0) return [];
    const pool = await healthy();
    const parts = chunks(items, Math.ceil(items.length / pool.length));
    let offset = 0;
    const calls = parts.map((part, i) => {
      const base = offset;
      offset += part.length;
      return pool[i]!.call(op(part)).catch((err: unknown) => {
        throw rebase(err, base);
      });
    });
    return (await Promise.all(calls)).flat();
  }

  return {
    modelId,
    dimension,
    embedTexts: (texts: string[]) => run(texts, (part) => ({ op: 'texts', texts: part })),
    embedImages: (images: ImageInput[]) => run(images, (part) => ({ op: 'images', images: part })),
    queueDepth: () => workers.reduce((n, w) => n + w.pending.size, 0),
    async close() {
      closed = true;
      await Promise.all(workers.map((w) => w.worker.terminate()));
    },
  };
}

function spawn(init: WorkerInit): { worker: Worker; ready: Promise<{ modelId: string; dimension: number }> } {
  // Under tsx or vitest this module is TypeScript and Node 20 does not apply `--import tsx` to a
  // worker's entry, so a plain-JS bootstrap registers tsx in the worker first (see the .mjs file).
  // A compiled build (.js beside .js) starts the worker file directly.
  const ts = import.meta.url.endsWith('.ts');
  const worker = ts
    ? new Worker(new URL('./embed-worker-boot.mjs', import.meta.url), {
        workerData: { ...init, entry: new URL('./embed-worker.ts', import.meta.url).href },
      })
    : new Worker(new URL('./embed-worker.js', import.meta.url), { workerData: init });
  const ready = new Promise<{ modelId: string; dimension: number }>((resolve, reject) => {
    const onMessage = (m: Reply) => {
      if (m.type === 'ready') resolve({ modelId: m.modelId, dimension: m.dimension });
      else if (m.type === 'init-error') reject(deserializeError(m.error, 'MODEL_UNAVAILABLE'));
      else return;
      worker.off('message', onMessage);
    };
    worker.on('message', onMessage);
    worker.once('error', (err) => reject(new AppError('MODEL_UNAVAILABLE', `The embedding worker failed to start: ${err.message}`, undefined, { cause: err })));
    worker.once('exit', (code) => reject(new AppError('MODEL_UNAVAILABLE', `The embedding worker exited during start-up (code ${code}).`)));
  });
  return { worker, ready };
}

/** Re-bases `images.<i>` detail paths from a worker's chunk onto the caller's indices. */
function rebase(err: unknown, offset: number): unknown {
  if (!(err instanceof AppError) || offset === 0 || !err.details) return err;
  const details = err.details.map((d) => {
    const m = /^images\.(\d+)(.*)$/.exec(d.path);
    return m ? { ...d, path: `images.${Number(m[1]) + offset}${m[2]}` } : d;
  });
  return new AppError(err.code, err.message, details, { cause: err });
}
