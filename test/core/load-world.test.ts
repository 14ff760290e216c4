/** `loadWorld`: a world folder through the same write commands as the API. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { WorldProgress } from '../../src/core/commands/index.js';
import { createFakeEmbedder } from '../helpers/fake-embedder.js';
import { TEST_MERCHANT, testService, type TestService } from '../helpers/service.js';
import { creator, post, product } from '../store/fixtures.js';

async function rig() {
  const embedder = createFakeEmbedder({ dimension: 16 });
  // No merchant registered up front: the world's merchants.json brings it.
  return { ...(await testService({ embedder, merchant: false })), embedder };
}

const user = (id: string, follows: string[]) => ({
  id, displayName: id, region: 'DE', ageBand: '25-34', follows, heldOut: [],
  consents: [{ purpose: 'personalization', granted: true, at: '2026-01-01T00:00:00Z', source: 'onboarding', policyVersion: '2026-01' }],
});

function writeWorld(r: TestService) {
  const w = (f: string, v: unknown) => writeFileSync(join(r.worldDir, f), JSON.stringify(v));
  w('merchants.json', [TEST_MERCHANT, { id: 'm-bad', name: 'Bad', network: 'rakuten', settings: { siteId: 'x' } }]);
  w('creators.json', [creator('c1'), creator('c2')]);
  w('posts.json', [
    post('c1-p1', 'c1', { image: r.image('images/posts/c1-p1.png') }),
    post('c2-p1', 'c2', { image: r.image('images/posts/c2-p1.png') }),
    post('orphan', 'c9', { image: r.image('images/posts/orphan.png') }),
  ]);
  w('products.json', Array.from({ length: 70 }, (_, i) => product(`p${i}`, { image: r.image(`images/products/p${i}.png`) })));
  w('users.json', [user('u1', ['c1']), user('u2', ['c1', 'c9'])]);
}

describe('ingestWorld', () => {
  it('loads merchants, creators, posts, products and shoppers, reporting progress and rejects', async () => {
    const r = await rig();
    writeWorld(r);
    const progress: WorldProgress[] = [];
    const summary = await r.commands.loadWorld(r.worldDir, (p) => progress.push(p));
    expect(summary.merchants).toMatchObject({ ok: 1, failed: [{ id: 'm-bad', error: { code: 'VALIDATION_FAILED', message: expect.stringContaining('settings.mid') } }] });
    expect(summary.creators.ok).toBe(2);
    expect(summary.posts).toMatchObject({ ok: 2, failed: [{ id: 'orphan', error: { code: 'NOT_FOUND' } }] });
    expect(summary.products).toEqual({ ok: 70, failed: [] });
    expect(summary.users).toMatchObject({ ok: 1, failed: [{ id: 'u2', error: { code: 'VALIDATION_FAILED' } }] });
    expect(await r.store.counts()).toEqual({ products: 70, creators: 2, posts: 2, users: 1 });
    expect(r.service.productIndex.size()).toBe(70);
    expect(await r.store.getFollows('u1')).toEqual(['c1']);
    expect(progress.filter((p) => p.stage === 'products').map((p) => p.done)).toEqual([0, 64, 70]);
    expect(progress.filter((p) => p.stage === 'users').at(-1)).toEqual({ stage: 'users', done: 2, total: 2 });
    expect(progress.at(-1)).toEqual({ stage: 'events', done: 0, total: 0 }); // no events.json: nothing to load
  });

  it("loads a world's events.json last, under each shopper's consent", async () => {
    const r = await rig();
    writeWorld(r);
    const noConsent = { ...user('u3', ['c1']), consents: [] };
    writeFileSync(join(r.worldDir, 'users.json'), JSON.stringify([user('u1', ['c1']), noConsent]));
    writeFileSync(join(r.worldDir, 'events.json'), JSON.stringify([
      { userId: 'u1', type: 'purchase', productId: 'p1', at: '2026-02-01T00:00:00Z' },
      { userId: 'u1', type: 'save', postId: 'c1-p1', at: '2026-02-02T00:00:00Z' },
      { userId: 'u3', type: 'view', productId: 'p1', at: '2026-02-01T00:00:00Z' },
      { userId: 'ghost', type: 'view', productId: 'p1', at: '2026-02-01T00:00:00Z' },
      { userId: 'u1', type: 'view', productId: 'p1' },
    ]));
    const summary = await r.commands.loadWorld(r.worldDir);
    expect(summary.events.ok).toBe(2);
    expect(summary.events.failed.map((f) => (f.ok ? '' : f.error.code))).toEqual(['FORBIDDEN', 'NOT_FOUND', 'VALIDATION_FAILED']);
    expect((await r.store.listFeedback('u1')).map((e) => [e.type, e.at])).toEqual([
      ['purchase', '2026-02-01T00:00:00.000Z'],
      ['save', '2026-02-02T00:00:00.000Z'],
    ]);
    expect(await r.store.listFeedback('u3')).toEqual([]);
  });

  it('is idempotent: a second load embeds nothing and does not duplicate consent history', async () => {
    const r = await rig();
    writeWorld(r);
    await r.commands.loadWorld(r.worldDir);
    const calls = r.embedder.imageCalls + r.embedder.textCalls;
    await r.commands.loadWorld(r.worldDir);
    expect(r.embedder.imageCalls + r.embedder.textCalls).toBe(calls);
    expect(await r.store.listConsents('u1')).toHaveLength(1);
    expect(await r.store.counts()).toEqual({ products: 70, creators: 2, posts: 2, users: 1 });
  });

  it('names the missing file when the folder is not a world', async () => {
    const r = await rig();
    await expect(r.commands.loadWorld(r.root)).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('creators.json') });
  });
});
