/**
 * The change feed (src/core/change-feed.ts) on PostgreSQL: an outbox table `changes` that every
 * replica appends to and reads by sequence number, with LISTEN/NOTIFY to apply a change within
 * milliseconds instead of at the next request.
 *
 * Why the advisory lock in `publish`: sequence numbers are taken at insert time but become
 * visible at commit, so two concurrent publishers could commit 6 before 5, and a reader that
 * saw 6 would skip 5 forever. Publishers take one transaction-scoped lock, so sequence order is
 * commit order. Publishing is a few small rows per write command, so the lock is never hot.
 *
 * Rows older than `retentionHours` are pruned; a replica cut off for longer must be restarted
 * (it reloads its state from the tables at start-up).
 */
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { Change, ChangeFeed } from '../core/change-feed.js';
import { AppError } from '../errors.js';
import type { Logger } from '../log.js';
import type { PgPools } from './pg-pool.js';

export interface PgChangeFeedOptions {
  log: Pick<Logger, 'warn'>;
  /** Background catch-up when no notification came (ms; default 1000). Not needed for correctness. */
  pollMs?: number;
  retentionHours?: number;
}

const PAGE = 1000;

export function pgChangeFeed(pools: PgPools, o: PgChangeFeedOptions): ChangeFeed {
  const db = pools.primary;
  const origin = randomUUID();
  const channel = `changes_${pools.schema}`;
  let last = 0;
  let apply: ((c: Change) => Promise<void>) | undefined;
  let listener: pg.PoolClient | undefined;
  let timer: NodeJS.Timeout | undefined;
  let inflight: Promise<void> | null = null;
  let queued: Promise<void> | null = null;
  let published = 0;

  async function run(): Promise<void> {
    for (;;) {
      const { rows } = await db.query<{ seq: string; origin: string; change: Change }>(
        `SELECT seq, origin, change FROM changes WHERE seq > $1 ORDER BY seq LIMIT ${PAGE}`, [last],
      );
      for (const r of rows) {
        if (r.origin !== origin) await apply!(r.change);
        last = Number(r.seq);
      }
      if (rows.length < PAGE) return;
    }
  }

  function catchUp(): Promise<void> {
    if (!apply) return Promise.resolve();
    if (!inflight) {
      inflight = run().finally(() => {
        inflight = null;
      });
      return inflight;
    }
    // A run is in flight but may have read before this caller's request began: run once more after it.
    queued ??= inflight.catch(() => {}).then(() => {
      queued = null;
      return catchUp();
    });
    return queued;
  }

  const background = () => catchUp().catch((err) => o.log.warn('change feed catch-up failed', { error: String(err) }));

  return {
    async publish(changes) {
      if (changes.length === 0) return;
      const client = await db.connect();
      try {
        await client.query('BEGIN');
        await client.query("SELECT pg_advisory_xact_lock(hashtext(current_schema() || ':changes'))");
        await client.query('INSERT INTO changes (origin, change) SELECT $1, c FROM json_array_elements($2::json) AS c', [origin, JSON.stringify(changes)]);
        await client.query('SELECT pg_notify($1, $2)', [channel, origin]);
        if (++published % 500 === 0) {
          await client.query(`DELETE FROM changes WHERE at < now() - make_interval(hours => $1)`, [o.retentionHours ?? 24]);
        }
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        throw err;
      } finally {
        client.release();
      }
    },

    async start(fn) {
      if (listener) throw new AppError('INTERNAL', 'A change feed drives exactly one core; build other cores without it.');
      listener = await db.connect();
      listener.on('notification', (n) => {
        if (n.payload !== origin) void background();
      });
      await listener.query(`LISTEN ${channel}`);
      last = Number((await db.query<{ seq: string }>('SELECT coalesce(max(seq), 0) AS seq FROM changes')).rows[0]!.seq);
      apply = fn;
      timer = setInterval(background, o.pollMs ?? 1000);
      timer.unref();
    },

    catchUp,

    async close() {
      if (timer) clearInterval(timer);
      await inflight?.catch(() => {});
      if (listener) {
        await listener.query(`UNLISTEN ${channel}`).catch(() => {});
        listener.release();
        listener = undefined;
      }
    },
  };
}
