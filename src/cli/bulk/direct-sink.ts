/**
 * Batches written in-process through the SAME core commands the HTTP API calls (the one write
 * path): validation, embedding through the content-hash cache, store, media, index, caches.
 * The index is flushed between files and at the end, not per batch: the store is the truth, and
 * start-up reconciles the index with it after a kill (src/service.ts).
 */
import { AppError } from '../../errors.js';
import { failResult, type ItemResult } from '../../ingest/item-result.js';
import type { Service } from '../../service.js';
import { indicesByCreator, outcomeOf, type Kind, type Sink } from './kinds.js';

export function directSink(service: Service): Sink {
  const { commands } = service.core;
  const run = async (kind: Kind, records: unknown[], worldDir: string): Promise<ItemResult[]> => {
    const write = { flush: false, worldDir };
    if (kind === 'merchants') return commands.upsertMerchants(records);
    if (kind === 'creators') return commands.upsertCreators(records);
    if (kind === 'products') return commands.upsertProducts(records, write);
    // Posts are written per creator (as PUT /v1/creators/:id/posts): group the batch by owner.
    const out: ItemResult[] = new Array(records.length);
    const byCreator = indicesByCreator(records);
    for (const [owner, ks] of byCreator) {
      try {
        const results = await commands.upsertPosts(owner, ks.map((k) => records[k]), write);
        ks.forEach((k, i) => (out[k] = results[i]!));
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        for (const k of ks) out[k] = failResult(owner, err.code, `items.${k}.creatorId: ${err.message}`);
      }
    }
    return out;
  };
  return {
    async write(kind, records, { imagesDir }) {
      return (await run(kind, records, imagesDir)).map(outcomeOf);
    },
    flush: () => service.productIndex.flush(),
    close: () => service.close(),
  };
}
