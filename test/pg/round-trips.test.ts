/**
 * What one computed recommendation costs in PostgreSQL statements (each its own network round
 * trip), counted on the service's own pools: the shopper, ledger, follows and pseudonym come in
 * ONE statement (Store.shopperReadSet), then clicks and feedback events in one more
 * (Store.shopperActivity), each part only when the fresh consent decision allows it. The change feed's catch-up (every read first applies what other replicas
 * committed, src/core/core.ts) is counted apart: it is shared by concurrent requests and polled
 * in the background too, so its count depends on timing. PostgreSQL only.
 */
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RecommendQuery } from '../../src/core/schemas.js';
import { BACKENDS, dropSchema, PG_SKIP, PG_URL } from '../helpers/backends.js';
import { addShopper, buildWorld, grant, type TestWorld } from '../service/world.js';

const q = RecommendQuery.parse({ limit: 10 });

describe.skipIf(!PG_URL)(`statements per computed recommendation on PostgreSQL${PG_URL ? '' : ` (${PG_SKIP})`}`, () => {
  const env = BACKENDS.find((b) => b.name === 'postgres')!.env();
  let w: TestWorld;
  beforeAll(async () => {
    w = await buildWorld({ env });
  });
  afterAll(async () => {
    await w?.dispose();
    await dropSchema(env.DATABASE_SCHEMA!);
  });

  /** The SQL `fn` sends through the service's pools (pool queries and pooled clients' queries). */
  async function statements(fn: () => Promise<unknown>): Promise<string[]> {
    const sent: string[] = [];
    const pools = [...new Set([w.service.pg!.pools.primary, w.service.pg!.pools.read])];
    const record = (target: { query: (...a: never[]) => unknown }) => {
      const query = target.query;
      target.query = ((...a: [string | { text: string }]) => (sent.push(typeof a[0] === 'string' ? a[0] : a[0].text), (query as (...x: unknown[]) => unknown).apply(target, a))) as never;
      return () => void (target.query = query);
    };
    const undo: Array<() => void> = [];
    for (const p of pools) {
      undo.push(record(p));
      const connect = p.connect;
      // pool.query checks out a client with a callback (already counted above); tx() awaits one.
      p.connect = ((...a: unknown[]) => {
        if (a.length > 0) return (connect as (...x: unknown[]) => unknown).apply(p, a);
        return (connect as () => Promise<pg.PoolClient>).call(p).then((c) => (undo.push(record(c)), c));
      }) as never;
      undo.push(() => void (p.connect = connect));
    }
    try {
      await fn();
    } finally {
      for (const u of undo.reverse()) u();
    }
    return sent;
  }
  const notFeed = (sql: string) => !/\bFROM changes\b/.test(sql);

  it('a personalised, click-tracked list: one read set, then one statement for clicks and feedback events; the followed creators come from the cache', async () => {
    await addShopper(w, 'all', ['c-red'], [grant('personalization'), grant('clickTracking')]);
    expect((await w.core.recommend('all', q)).personalized).toBe(true); // builds and caches the profile parts and creator rows
    const sent = (await statements(() => w.core.recommend('all', q))).filter(notFeed);
    expect(sent).toHaveLength(2);
    expect(sent.some((s) => /FROM creators/.test(s))).toBe(false);
    expect(sent.filter((s) => /FROM users u/.test(s) && /json_agg/.test(s))).toHaveLength(1);
    expect(sent.filter((s) => /FROM clicks/.test(s) && /FROM feedback_events/.test(s))).toHaveLength(1);
  });

  it('click tracking without personalization: the one activity statement does not even scan the feedback events', async () => {
    await addShopper(w, 'clicks-only', ['c-red'], [grant('clickTracking')]);
    await w.store.appendFeedback('clicks-only', [{ type: 'view', productId: 'h0', at: '2026-05-01T00:00:00Z' }]);
    const primary = w.service.pg!.pools.primary;
    const query = primary.query;
    let seen: [string, unknown[]] | undefined;
    primary.query = ((text: string, values: unknown[]) => (/FROM feedback_events/.test(String(text)) && (seen = [text, values]), (query as (...x: unknown[]) => unknown).call(primary, text, values))) as never;
    try {
      await w.core.recommend('clicks-only', q);
    } finally {
      primary.query = query;
    }
    expect(seen?.[1]).toEqual(['clicks-only', expect.any(String), false]);
    // The same statement with the same values, analysed: the feedback subquery's constant condition
    // is a one-time filter that is false, and the planner leaves the table out of the plan.
    const plan = (await primary.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) ${seen![0]}`, seen![1])).rows.map((r) => r['QUERY PLAN']).join('\n');
    expect(plan).toMatch(/One-Time Filter: false/);
    expect(plan).toMatch(/Scan on clicks/);
    expect(plan).not.toMatch(/feedback_events/);
  });

  it('without consent to anything: the read set and the (anonymous) click report for the popular list, nothing personal', async () => {
    await addShopper(w, 'none', ['c-red'], []);
    const sent = (await statements(() => w.core.recommend('none', q))).filter(notFeed);
    expect(sent).toHaveLength(2);
    expect(sent.some((s) => /feedback_events|user_ref = /.test(s))).toBe(false);
  });
});
