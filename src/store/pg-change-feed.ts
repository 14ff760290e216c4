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
  let closed = false;

  /**
   * One page of changes, read on the feed's own listening connection: a read's catch-up then never
   * waits in the pool's queue behind the requests' statements (32 in flight under load). Through
   * the pool while that connection is lost, or if it is lost during the read.
   */
  async function page(): Promise<Array<{ seq: string; origin: string; change: Change }>> {
    const sql = `SELECT seq, origin, change FROM changes WHERE seq > $1 ORDER BY seq LIMIT ${PAGE}`;
    const via = listener;
    if (via) {
      try {
        return (await via.query<{ seq: string; origin: string; change: Change }>(sql, [last])).rows;
      } catch {
        // Only the connection can fail this statement; the pool's answer shows any other cause.
      }
    }
    return (await db.query<{ seq: string; origin: string; change: Change }>(sql, [last])).rows;
  }

  async function run(): Promise<void> {
    for (;;) {
      const rows = await page();
      for (const r of rows) {
        if (r.origin !== origin) await apply!(r.change);
        last = Number(r.seq);
      }
      if (rows.length < PAGE) return;
    }
  }

  /**
   * LISTENs on a connection of the feed's own. When PostgreSQL ends it (a restart, a failover, an
   * idle-connection reaper) the error is handled here, not left to crash the process: the
   * connection is dropped, reads keep catching up through the pool, and the next catch-up (a
   * read's, or the background poll's) listens again.
   */
  async function listen(): Promise<void> {
    const client = await db.connect();
    // Only the connection in use is released here: one that failed to LISTEN or was closed by
    // `close` is released there (releasing twice throws), but its error must still be handled.
    client.on('error', (err) => {
      if (listener !== client) return;
      listener = undefined;
      client.release(err); // destroys it instead of returning it to the pool
      o.log.warn('change feed lost its listening connection; listening again at the next catch-up', { error: String(err) });
    });
    client.on('notification', (n) => {
      if (n.payload !== origin) void background();
    });
    try {
      await client.query(`LISTEN ${channel}`);
    } catch (err) {
      client.release(err as Error);
      throw err;
    }
    if (closed) {
      client.release();
      return;
    }
    listener = client;
  }

  let relistening: Promise<void> | null = null;
  function relisten(): void {
    relistening ??= listen()
      .catch((err) => o.log.warn('change feed could not listen again yet', { error: String(err) }))
      .finally(() => {
        relistening = null;
      });
  }

  function catchUp(): Promise<void> {
    if (!apply) return Promise.resolve();
    // Every catch-up (a read's, or the background poll's) listens again after a lost connection.
    if (!listener && !closed) relisten();
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
      if (listener || apply) throw new AppError('INTERNAL', 'A change feed drives exactly one core; build other cores without it.');
      await listen();
      last = Number((await db.query<{ seq: string }>('SELECT coalesce(max(seq), 0) AS seq FROM changes')).rows[0]!.seq);
      apply = fn;
      timer = setInterval(background, o.pollMs ?? 1000);
      timer.unref();
    },

    catchUp,

    async close() {
      closed = true;
      if (timer) clearInterval(timer);
      await inflight?.catch(() => {});
      await relistening;
      const client = listener;
      listener = undefined;
      if (client) {
        await client.query(`UNLISTEN ${channel}`).catch(() => {});
        client.release();
      }
    },
  };
}
