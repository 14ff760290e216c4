/**
 * Product batches as embedding jobs. With a job queue (PostgreSQL) a batch of at least
 * `jobMinItems` items is queued and answered at once with its job; workers run the queued items
 * through `upsertProducts`, the same command a small batch runs in the request, so an item is
 * visible only once it is stored and indexed. Without a queue (SQLite) every batch runs inline.
 */
import { AppError } from '../../errors.js';
import type { ItemResult } from '../../ingest/item-result.js';
import type { CoreDeps } from '../deps.js';
import type { JobView } from '../jobs.js';
import type { productCommands } from './products.js';

export type Submitted = { results: ItemResult[] } | { job: JobView };

export function jobCommands(deps: CoreDeps, products: ReturnType<typeof productCommands>) {
  return {
    async submitProducts(items: unknown[]): Promise<Submitted> {
      if (!deps.jobs || items.length < deps.settings.jobMinItems) return { results: await products.upsertProducts(items) };
      const id = await deps.jobs.enqueue('products', items);
      return { job: (await deps.jobs.get(id))! };
    },
  };
}

/** @throws AppError NOT_FOUND for an unknown job (or when this backend has no jobs). */
export async function getJob(deps: CoreDeps, id: string): Promise<JobView> {
  const job = await deps.jobs?.get(id);
  if (!job) throw new AppError('NOT_FOUND', `No job with id "${id}".`);
  return job;
}
