/**
 * Embedding jobs in PostgreSQL (the `JobQueue` port, src/core/jobs.ts): one row per job and one
 * per item. Claiming is `FOR UPDATE SKIP LOCKED` (concurrent workers never take the same row and
 * never wait on each other) with a lease: a worker that dies holding items loses them to the
 * next claimer once `lease_until` passes. Completing is fenced by the holder's id, so a worker
 * that outlived its lease cannot overwrite the result of the one that took over.
 *
 * Why not pg-boss: one table pair and two statements do what is needed here (per-item results on
 * the job, a batch claim); pg-boss adds its own schema, a maintenance loop and per-job (not per-item) state.
 */
import { randomUUID } from 'node:crypto';
import type { ClaimedItem, JobQueue, JobView } from '../core/jobs.js';
import type { ItemResult } from '../ingest/item-result.js';
import { tx, type PgPools } from './pg-pool.js';

export function pgJobQueue({ primary: db }: PgPools): JobQueue {
  return {
    async enqueue(kind, items) {
      const id = `job_${randomUUID()}`;
      await tx(db, async (c) => {
        await c.query('INSERT INTO jobs (id, kind, total) VALUES ($1, $2, $3)', [id, kind, items.length]);
        await c.query(
          'INSERT INTO job_items (job_id, k, item) SELECT $1, ord - 1, item FROM json_array_elements($2::json) WITH ORDINALITY AS t(item, ord)',
          [id, JSON.stringify(items)],
        );
        await c.query("SELECT pg_notify('jobs_' || current_schema(), $1)", [id]);
      });
      return id;
    },

    async get(id) {
      const job = await db.query<{ id: string; kind: 'products'; total: number; created_at: Date }>('SELECT id, kind, total, created_at FROM jobs WHERE id = $1', [id]);
      if (job.rowCount === 0) return undefined;
      const counts = await db.query<{ status: string; n: number; last: Date | null }>(
        'SELECT status, count(*)::int AS n, max(finished_at) AS last FROM job_items WHERE job_id = $1 GROUP BY status', [id],
      );
      const n = (s: string) => counts.rows.find((r) => r.status === s)?.n ?? 0;
      const errors = await db.query<{ k: number; result: ItemResult }>(
        "SELECT k, result FROM job_items WHERE job_id = $1 AND status = 'failed' ORDER BY k LIMIT 100", [id],
      );
      const j = job.rows[0]!;
      const open = n('queued') + n('running');
      const last = counts.rows.reduce<Date | null>((m, r) => (r.last && (!m || r.last > m) ? r.last : m), null);
      const view: JobView = {
        id: j.id, kind: j.kind, total: j.total,
        status: open === 0 ? 'done' : n('queued') === j.total ? 'queued' : 'running',
        queued: n('queued'), running: n('running'), ok: n('ok'), failed: n('failed'),
        createdAt: j.created_at.toISOString(),
        finishedAt: open === 0 && last ? last.toISOString() : null,
        errors: errors.rows.map((r) => ({ ...r.result, index: r.k })),
      };
      return view;
    },

    async claim(worker, max, leaseS) {
      const { rows } = await db.query<{ job_id: string; k: number; item: unknown }>(
        `UPDATE job_items i SET status = 'running', worker = $1, lease_until = now() + make_interval(secs => $3), attempts = attempts + 1
         FROM (SELECT job_id, k FROM job_items
               WHERE status = 'queued' OR (status = 'running' AND lease_until < now())
               ORDER BY job_id, k LIMIT $2 FOR UPDATE SKIP LOCKED) AS free
         WHERE i.job_id = free.job_id AND i.k = free.k
         RETURNING i.job_id, i.k, i.item`,
        [worker, max, leaseS],
      );
      return rows.map((r): ClaimedItem => ({ jobId: r.job_id, index: r.k, item: r.item })).sort((a, b) => (a.jobId === b.jobId ? a.index - b.index : a.jobId < b.jobId ? -1 : 1));
    },

    async complete(worker, results) {
      if (results.length === 0) return 0;
      const { rowCount } = await db.query(
        `UPDATE job_items i SET status = CASE WHEN (r.result->>'ok')::boolean THEN 'ok' ELSE 'failed' END,
                                result = r.result, finished_at = now(), lease_until = NULL
         FROM json_to_recordset($2::json) AS r(job_id text, k int, result json)
         WHERE i.job_id = r.job_id AND i.k = r.k AND i.worker = $1 AND i.status = 'running'`,
        [worker, JSON.stringify(results.map((r) => ({ job_id: r.jobId, k: r.index, result: r.result })))],
      );
      return rowCount ?? 0;
    },
  };
}
