/**
 * The four kinds of record a bulk load takes, in the order they must go in (a product names its
 * merchant, a post its creator), each with the API's own schema.
 */
import type { z } from 'zod';
import { Creator, Merchant, Post, Product } from '../../domain/index.js';
import type { ItemResult } from '../../ingest/item-result.js';
import type { Problem } from './read-records.js';

export const KINDS = ['merchants', 'products', 'creators', 'posts'] as const;
export type Kind = (typeof KINDS)[number];

export const SCHEMAS: Record<Kind, z.ZodType> = { merchants: Merchant, products: Product, creators: Creator, posts: Post };

/** What a write sink answers for each record of a batch, in batch order. */
export type Outcome = { ok: true } | { ok: false; problems: Problem[] };

/** A destination for batches: the core commands in-process, or a running server's HTTP API. */
export interface Sink {
  /** @param at.imagesDir base of the batch's relative image paths (the input file's folder, or --images). */
  write(kind: Kind, records: unknown[], at: { imagesDir: string }): Promise<Outcome[]>;
  /** Called between files and at the end (the direct sink flushes the index). */
  flush(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A command's per-item error as `field: message` problems. Commands report
 * `items.<k>.<field>: <message>` (several joined by "; "); errors without a field (an image that
 * does not decode, a model failure) are named by the field they concern or by their code.
 */
export function problemsOf(code: string, message: string): Problem[] {
  const parts = message.split(/; (?=items\.\d+)/);
  return parts.map((part) => {
    const m = /^items\.\d+(?:\.([^:]+))?: ([\s\S]*)$/.exec(part);
    if (m) return { field: m[1] ?? '(record)', message: m[2]! };
    return { field: code.startsWith('IMAGE_') ? 'image' : code, message: part };
  });
}

export const outcomeOf = (r: ItemResult | undefined): Outcome =>
  !r ? { ok: false, problems: [{ field: '(record)', message: 'no result for this record' }] } : r.ok ? { ok: true } : { ok: false, problems: problemsOf(r.error.code, r.error.message) };

/**
 * A batch of posts grouped by owner, as record indices per creator id: posts are written per
 * creator (PUT /v1/creators/:id/posts, `upsertPosts(creatorId, ...)`) by both sinks.
 */
export function indicesByCreator(records: unknown[]): Map<string, number[]> {
  const byCreator = new Map<string, number[]>();
  records.forEach((r, k) => {
    const owner = String((r as { creatorId?: unknown }).creatorId ?? '');
    const ks = byCreator.get(owner);
    if (ks) ks.push(k);
    else byCreator.set(owner, [k]);
  });
  return byCreator;
}
