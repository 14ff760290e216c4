/**
 * Search-query text embeddings, off the request's critical path where possible:
 * - a small LRU of recent query texts (popular searches repeat), and
 * - coalescing: queries that arrive while the model is busy wait for the current call and then go
 *   to the model together, as ONE batch (a batch of 32 short texts costs about what 2-3 single calls
 *   do), so under load the model worker's queue holds one call instead of dozens.
 * The model runs in its worker threads as before; nothing here blocks the event loop.
 *
 * A batched text's vector can differ from its solo vector in the 8th digit (the model pads a batch
 * to its longest text): harmless for search, and the LRU keeps whichever came first.
 *
 * @example
 * const queries = new QueryEmbeddings(embedder, { cacheSize: 1000 });
 * const v = await queries.embed('red floral dress');
 */
import type { Embedder } from './types.js';

export interface QueryEmbeddingsOptions {
  /** Texts kept (least recently used dropped first); 0 disables the cache. */
  cacheSize: number;
  /** Most texts per model call. */
  maxBatch?: number;
  /** Model calls in flight at once (one per model worker keeps every worker busy). */
  concurrency?: number;
}

interface Waiting {
  resolve: (v: Float32Array) => void;
  reject: (e: unknown) => void;
}

export class QueryEmbeddings {
  private readonly cache = new Map<string, Float32Array>();
  /** Texts waiting for the next model call, with everyone waiting on each. */
  private readonly queued = new Map<string, Waiting[]>();
  private inFlight = 0;
  private readonly maxBatch: number;
  private readonly concurrency: number;

  constructor(
    private readonly embedder: Pick<Embedder, 'embedTexts'>,
    private readonly options: QueryEmbeddingsOptions,
  ) {
    this.maxBatch = options.maxBatch ?? 64;
    this.concurrency = Math.max(1, options.concurrency ?? 1);
  }

  /** The text's unit vector (a copy the caller may keep). */
  embed(text: string): Promise<Float32Array> {
    const hit = this.cache.get(text);
    if (hit) {
      this.cache.delete(text); // re-insert: Map order doubles as least-recently-used order
      this.cache.set(text, hit);
      return Promise.resolve(hit.slice());
    }
    return new Promise((resolve, reject) => {
      const waiting = this.queued.get(text);
      if (waiting) waiting.push({ resolve, reject });
      else this.queued.set(text, [{ resolve, reject }]);
      this.pump();
    });
  }

  get cached(): number {
    return this.cache.size;
  }

  private pump(): void {
    while (this.inFlight < this.concurrency && this.queued.size > 0) {
      const batch: Array<[string, Waiting[]]> = [];
      for (const entry of this.queued) {
        batch.push(entry);
        if (batch.length >= this.maxBatch) break;
      }
      for (const [text] of batch) this.queued.delete(text);
      this.inFlight++;
      this.embedder
        .embedTexts(batch.map(([text]) => text))
        .then(
          (vectors) =>
            batch.forEach(([text, waiting], i) => {
              const v = vectors[i]!;
              this.remember(text, v);
              for (const w of waiting) w.resolve(v.slice());
            }),
          (err: unknown) => batch.forEach(([, waiting]) => waiting.forEach((w) => w.reject(err))),
        )
        .finally(() => {
          this.inFlight--;
          this.pump();
        });
    }
  }

  private remember(text: string, v: Float32Array): void {
    if (this.options.cacheSize <= 0) return;
    this.cache.set(text, v);
    if (this.cache.size > this.options.cacheSize) this.cache.delete(this.cache.keys().next().value!);
  }
}
