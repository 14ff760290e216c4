/**
 * The PostgreSQL change feed survives losing its listening connection (a PostgreSQL restart, a
 * failover, an idle-connection reaper): the process stays up, a read's catch-up still applies
 * what other replicas committed, and the feed listens again. PostgreSQL only.
 */
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import type { Change, ChangeFeed } from '../../src/core/change-feed.js';
import { silentLogger } from '../../src/log.js';
import { pgChangeFeed } from '../../src/store/pg-change-feed.js';
import { openPgStore, type PgStore } from '../../src/store/pg-store.js';
import { dropSchema, freshSchema, PG_SKIP, PG_URL } from '../helpers/backends.js';

describe.skipIf(!PG_URL)(`change feed on PostgreSQL${PG_URL ? '' : ` (${PG_SKIP})`}`, () => {
  const schema = freshSchema();
  const open: Array<{ store: PgStore; feed: ChangeFeed }> = [];
  afterEach(async () => {
    for (const { store, feed } of open.splice(0)) {
      await feed.close();
      await store.close();
    }
    await dropSchema(schema);
  });

  const replica = async (apply: (c: Change) => Promise<void>, pollMs = 60_000) => {
    const store = await openPgStore({ url: PG_URL, schema });
    const feed = pgChangeFeed(store.pools, { log: silentLogger, pollMs });
    await feed.start(apply);
    open.push({ store, feed });
    return feed;
  };

  /** Ends every connection that LISTENs on this schema's channel, as a server restart would. */
  const killListeners = async () => {
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    try {
      const { rows } = await admin.query(
        `SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity WHERE query = $1 AND pid <> pg_backend_pid()`, [`LISTEN changes_${schema}`],
      );
      return rows.length;
    } finally {
      await admin.end();
    }
  };

  it('a lost listening connection neither crashes the process nor stops catch-ups, and the feed listens again', async () => {
    const seen: Change[] = [];
    const a = await replica(async () => {});
    const b = await replica(async (c) => void seen.push(c)); // no background poll within the test
    expect(await killListeners()).toBe(2);
    await new Promise((r) => setTimeout(r, 200)); // the connections' 'error' events arrive
    await a.publish([{ kind: 'shopper', id: 'u1' }]);
    await b.catchUp(); // a read's catch-up: through the pool, and it starts listening again
    expect(seen).toContainEqual({ kind: 'shopper', id: 'u1' });
    await new Promise((r) => setTimeout(r, 200));
    // Listening again: the next change arrives by notification alone, with no read to fetch it.
    await a.publish([{ kind: 'shopper', id: 'u2' }]);
    await expect.poll(() => seen, { timeout: 2000 }).toContainEqual({ kind: 'shopper', id: 'u2' });
  });
});
