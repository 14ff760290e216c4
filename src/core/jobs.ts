/**
 * The embedding-job port (PostgreSQL only: `src/store/pg-jobs.ts`). A large product batch is
 * queued instead of embedded in the request: the API answers 202 with a job id, embedding
 * workers (`npm run worker`, any number, on any machine that reaches the database) claim items
 * under a lease, run them through the same write command as a synchronous upsert, and record
 * each item's result on the job. An item is invisible until that command has indexed it.
 */
import { z } from 'zod';
import { ItemResult } from '../ingest/item-result.js';

export const JobView = z.object({
  id: z.string(),
  kind: z.literal('products'),
  status: z.enum(['queued', 'running', 'done']).describe('done: every item has a result (ok or failed).'),
  total: z.number().int(),
  queued: z.number().int(),
  running: z.number().int(),
  ok: z.number().int(),
  failed: z.number().int(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
  errors: z.array(ItemResult.and(z.object({ index: z.number().int() }))).describe('Failed items with their error, by position in the submitted batch (first 100).'),
});
export type JobView = z.infer<typeof JobView>;

export interface ClaimedItem {
  jobId: string;
  /** Position in the submitted batch. */
  index: number;
  item: unknown;
}

export interface JobQueue {
  /** Queues the items as one job; returns its id. */
  enqueue(kind: 'products', items: unknown[]): Promise<string>;
  get(id: string): Promise<JobView | undefined>;
  /**
   * Up to `max` items nobody holds (queued, or whose holder's lease ran out), now held by
   * `worker` for `leaseS` seconds. Concurrent claimers never get the same item.
   */
  claim(worker: string, max: number, leaseS: number): Promise<ClaimedItem[]>;
  /** Records results; only items still held by `worker` are updated (a late worker cannot overwrite). */
  complete(worker: string, results: Array<{ jobId: string; index: number; result: ItemResult }>): Promise<number>;
}
