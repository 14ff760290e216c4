/**
 * The Store port's feedback-event methods, written against the port (any backend that passes
 * `open` here must behave the same): append with increasing ids, page after an id, delete some
 * or all, and erasure leaves none.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/store/sqlite-store.js';
import type { Store } from '../../src/store/types.js';

const backends: Array<[string, () => Promise<Store>]> = [['sqlite', async () => openSqliteStore({ path: ':memory:' })]];
const open: Store[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

describe.each(backends)('%s store: feedback events', (_name, make) => {
  const fresh = async () => {
    const s = await make();
    open.push(s);
    await s.upsertUser({ id: 'u1', displayName: '', region: 'DE', ageBand: '25-34' });
    await s.upsertUser({ id: 'u2', displayName: '', region: 'DE', ageBand: '25-34' });
    return s;
  };
  const at = '2026-05-01T10:00:00Z';

  it('appends with increasing ids, lists oldest first and pages after an id', async () => {
    const s = await fresh();
    const a = await s.appendFeedback('u1', [{ type: 'view', productId: 'p1', at }, { type: 'save', postId: 'x1', at }]);
    const b = await s.appendFeedback('u1', [{ type: 'purchase', productId: 'p2', at: '2026-05-02T10:00:00+02:00' }]);
    await s.appendFeedback('u2', [{ type: 'hide', productId: 'p1', at }]);
    expect(a.map((e) => e.type)).toEqual(['view', 'save']);
    expect(Number(a[1]!.id)).toBeGreaterThan(Number(a[0]!.id));
    expect(b[0]).toEqual({ id: expect.any(String), type: 'purchase', productId: 'p2', at: '2026-05-02T08:00:00.000Z' });
    const all = await s.listFeedback('u1');
    expect(all.map((e) => e.productId ?? e.postId)).toEqual(['p1', 'x1', 'p2']);
    expect(all[1]).toEqual({ id: a[1]!.id, type: 'save', postId: 'x1', at: '2026-05-01T10:00:00.000Z' });
    const page = await s.listFeedback('u1', { after: all[0]!.id, limit: 1 });
    expect(page.map((e) => e.id)).toEqual([all[1]!.id]);
    expect(await s.listFeedback('u1', { after: all[2]!.id, limit: 5 })).toEqual([]);
  });

  it('refuses events of an unknown shopper', async () => {
    const s = await fresh();
    await expect(s.appendFeedback('ghost', [{ type: 'view', productId: 'p1', at }])).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('deletes some, then all, of one shopper only', async () => {
    const s = await fresh();
    const a = await s.appendFeedback('u1', [{ type: 'view', productId: 'p1', at }, { type: 'view', productId: 'p2', at }]);
    await s.appendFeedback('u2', [{ type: 'view', productId: 'p1', at }]);
    expect(await s.deleteFeedback('u1', [a[0]!.id])).toBe(1);
    expect((await s.listFeedback('u1')).map((e) => e.productId)).toEqual(['p2']);
    expect(await s.deleteFeedback('u1', [])).toBe(0);
    expect(await s.deleteFeedback('u1')).toBe(1);
    expect(await s.listFeedback('u1')).toEqual([]);
    expect(await s.listFeedback('u2')).toHaveLength(1);
  });

  it('erasure deletes the shopper\'s events', async () => {
    const s = await fresh();
    await s.appendFeedback('u1', [{ type: 'view', productId: 'p1', at }]);
    expect(await s.eraseUser('u1')).toBe(true);
    expect(await s.listFeedback('u1')).toEqual([]);
    await s.upsertUser({ id: 'u1', displayName: '', region: 'DE', ageBand: '25-34' });
    expect(await s.listFeedback('u1')).toEqual([]);
  });
});
