/**
 * Turns (image bytes, text) pairs into fused vectors through the embedding cache: each image and
 * each text is embedded at most once per model (keyed by model id + content hash), in batches,
 * so re-ingesting unchanged content embeds nothing and a changed caption re-embeds only the text.
 * A batch with an undecodable image is retried without it, so one bad image fails only its item.
 */
import { contentHash, fuse } from '../../embed/fusion.js';
import { chunks } from '../../embed/vectors.js';
import { AppError } from '../../errors.js';
import type { CoreDeps } from '../deps.js';

type EmbedDeps = Pick<CoreDeps, 'store' | 'embedder' | 'settings' | 'stats'>;

export interface EmbedInput {
  image: Uint8Array;
  text: string;
}

export type EmbedOutcome = { ok: true; vector: Float32Array } | { ok: false; error: AppError };

type Slot = { hash: string; input: Uint8Array | string };
type Outcomes = Map<string, Float32Array | AppError>;

/** Fused, normalised vectors (or per-item errors), in input order. */
export async function embedFused(items: EmbedInput[], deps: EmbedDeps): Promise<EmbedOutcome[]> {
  const imageHashes = items.map((i) => contentHash('image', i.image));
  const textHashes = items.map((i) => contentHash('text', i.text));
  const images = await resolve(unique(imageHashes, (k) => items[k]!.image), deps, embedImages);
  const texts = await resolve(unique(textHashes, (k) => items[k]!.text), deps, embedTexts);
  const weights = { imageWeight: deps.settings.imageWeight, textWeight: deps.settings.textWeight };
  return items.map((_, k) => {
    const image = images.get(imageHashes[k]!)!;
    const text = texts.get(textHashes[k]!)!;
    if (image instanceof AppError) return { ok: false, error: image };
    if (text instanceof AppError) return { ok: false, error: text };
    return { ok: true, vector: fuse(image, text, weights) };
  });
}

function unique(hashes: string[], input: (k: number) => Uint8Array | string): Slot[] {
  const seen = new Map<string, Slot>();
  hashes.forEach((hash, k) => seen.has(hash) || seen.set(hash, { hash, input: input(k) }));
  return [...seen.values()];
}

/** Cache hits first; misses embedded in batches and written back to the cache. */
async function resolve(slots: Slot[], deps: EmbedDeps, embed: (batch: Slot[], deps: EmbedDeps, out: Outcomes) => Promise<void>): Promise<Outcomes> {
  const { store, embedder } = deps;
  const out: Outcomes = new Map();
  const misses: Slot[] = [];
  for (const slot of slots) {
    const cached = await store.getCachedEmbedding(embedder.modelId, slot.hash);
    if (cached) out.set(slot.hash, cached);
    else misses.push(slot);
    if (deps.stats) deps.stats.embeddingCache[cached ? 'hits' : 'misses']++;
  }
  for (const batch of chunks(misses, deps.settings.embedBatch)) {
    await embed(batch, deps, out);
    for (const { hash } of batch) {
      const v = out.get(hash);
      if (v instanceof Float32Array) await store.putCachedEmbedding(embedder.modelId, hash, v);
    }
  }
  return out;
}

async function embedTexts(batch: Slot[], deps: EmbedDeps, out: Outcomes): Promise<void> {
  try {
    const vectors = await deps.embedder.embedTexts(batch.map((s) => s.input as string));
    batch.forEach((s, i) => out.set(s.hash, vectors[i]!));
  } catch (err) {
    const error = asAppError(err);
    for (const s of batch) out.set(s.hash, error);
  }
}

async function embedImages(batch: Slot[], deps: EmbedDeps, out: Outcomes): Promise<void> {
  let pending = batch;
  while (pending.length > 0) {
    try {
      const vectors = await deps.embedder.embedImages(pending.map((s) => s.input as Uint8Array));
      pending.forEach((s, i) => out.set(s.hash, vectors[i]!));
      return;
    } catch (err) {
      const error = asAppError(err);
      if (error.code !== 'IMAGE_UNREADABLE' || pending.length === 1) {
        for (const s of pending) out.set(s.hash, error);
        return;
      }
      const bad = badIndices(error, pending.length);
      if (bad.size === 0) {
        // The embedder did not say which image failed: isolate them one by one.
        for (const s of pending) await embedImages([s], deps, out);
        return;
      }
      for (const i of bad) {
        const detail = error.details?.find((d) => d.path === `images.${i}`)?.message;
        out.set(pending[i]!.hash, new AppError('IMAGE_UNREADABLE', `The image could not be decoded${detail ? `: ${detail}` : '.'}`));
      }
      pending = pending.filter((_, i) => !bad.has(i));
    }
  }
}

function badIndices(error: AppError, size: number): Set<number> {
  const bad = new Set<number>();
  for (const d of error.details ?? []) {
    const m = /^images\.(\d+)$/.exec(d.path);
    if (m && Number(m[1]) < size) bad.add(Number(m[1]));
  }
  return bad;
}

function asAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  return new AppError('MODEL_UNAVAILABLE', `Embedding failed: ${err instanceof Error ? err.message : String(err)}`, undefined, { cause: err });
}
