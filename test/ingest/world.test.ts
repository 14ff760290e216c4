import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ingestWorld, type WorldProgress } from '../../src/ingest/world.js';
import { creator, post, product } from '../store/fixtures.js';
import { ingestRig } from './helpers.js';

const user = (id: string, follows: string[]) => ({
  id, displayName: id, region: 'DE', ageBand: '25-34', follows, heldOut: [],
  consents: [{ purpose: 'personalization', granted: true, at: '2026-01-01T00:00:00Z', source: 'onboarding', policyVersion: '2026-01' }],
});

function writeWorld(r: ReturnType<typeof ingestRig>) {
  const w = (f: string, v: unknown) => writeFileSync(join(r.worldDir, f), JSON.stringify(v));
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
  it('loads creators, posts, products and shoppers, reporting progress and rejects', async () => {
    const r = ingestRig();
    writeWorld(r);
    const progress: WorldProgress[] = [];
    const summary = await ingestWorld(r.worldDir, r.deps, (p) => progress.push(p));
    expect(summary.creators.ok).toBe(2);
    expect(summary.posts).toMatchObject({ ok: 2, failed: [{ id: 'orphan', error: { code: 'NOT_FOUND' } }] });
    expect(summary.products).toEqual({ ok: 70, failed: [] });
    expect(summary.users).toMatchObject({ ok: 1, failed: [{ id: 'u2', error: { code: 'VALIDATION_FAILED' } }] });
    expect(await r.store.counts()).toEqual({ products: 70, creators: 2, posts: 2, users: 1 });
    expect(r.productIndex.size()).toBe(70);
    expect(await r.store.getFollows('u1')).toEqual(['c1']);
    expect(progress.filter((p) => p.stage === 'products').map((p) => p.done)).toEqual([0, 64, 70]);
    expect(progress.at(-1)).toEqual({ stage: 'users', done: 2, total: 2 });
  });

  it('is idempotent: a second load embeds nothing and does not duplicate consent history', async () => {
    const r = ingestRig();
    writeWorld(r);
    await ingestWorld(r.worldDir, r.deps);
    const calls = r.embedder.imageCalls + r.embedder.textCalls;
    await ingestWorld(r.worldDir, r.deps);
    expect(r.embedder.imageCalls + r.embedder.textCalls).toBe(calls);
    expect(await r.store.listConsents('u1')).toHaveLength(1);
    expect(await r.store.counts()).toEqual({ products: 70, creators: 2, posts: 2, users: 1 });
  });

  it('names the missing file when the folder is not a world', async () => {
    const r = ingestRig();
    await expect(ingestWorld(r.root, r.deps)).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('creators.json') });
  });
});
