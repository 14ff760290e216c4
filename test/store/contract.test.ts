/**
 * The Store contract, run against every backend (test/helpers/backends.ts): SQLite always,
 * PostgreSQL when TEST_DATABASE_URL is set. Backend-specific checks (SQLite's WAL and its
 * migration history, PostgreSQL's migrations and pgvector index) live beside it in
 * sqlite-store.test.ts and pg-store.test.ts.
 */
import { afterEach, expect, it } from 'vitest';
import type { Click } from '../../src/domain/index.js';
import { subjectHash } from '../../src/store/sqlite-people.js';
import { describeBackends, type Backend, type TestStore } from '../helpers/backends.js';
import { creator, post, product } from './fixtures.js';

const open: TestStore[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

const user = { id: 'u1', displayName: 'Ana', region: 'DE', ageBand: '25-34' as const };
const grant = (purpose: 'personalization' | 'clickTracking' | 'health', granted: boolean, at: string) => ({
  purpose, granted, at, source: 'settings-page', policyVersion: '2026-01',
});

describeBackends('store contract', (backend: Backend) => {
  async function fresh(o?: { consentProofSalt?: string }) {
    const s = await backend.openStore(o);
    open.push(s);
    return s;
  }

  it('upserts, reads copies, replaces and deletes products with their vectors', async () => {
    const s = await fresh();
    const v = new Float32Array([1, 0]);
    await s.upsertProducts([{ entity: product('p1'), vector: v }, { entity: product('p2', { price: 10 }), vector: v }], 'm');
    const p1 = (await s.getProduct('p1'))!;
    p1.title = 'mutated';
    expect((await s.getProduct('p1'))!.title).toBe('Linen dress p1');
    await s.upsertProducts([{ entity: product('p2', { price: 12 }), vector: v }], 'm');
    expect((await s.getProduct('p2'))!.price).toBe(12);
    expect([...(await s.getProducts(['p2', 'nope', 'p1'])).keys()].sort()).toEqual(['p1', 'p2']);
    expect((await s.allVectors('product', 'm')).map((x) => x.id)).toEqual(['p1', 'p2']);
    expect(await s.deleteProduct('p1')).toBe(true);
    expect(await s.deleteProduct('p1')).toBe(false);
    expect(await s.getProduct('p1')).toBeUndefined();
    expect((await s.allVectors('product', 'm')).map((x) => x.id)).toEqual(['p2']);
    expect((await s.listProducts()).map((p) => p.id)).toEqual(['p2']);
  });

  it('reads a shopper’s clicks and feedback events together, and only what was asked for', async () => {
    const s = await fresh();
    await s.upsertUser(user);
    await s.upsertUser({ ...user, id: 'u2' });
    const [ref, other] = [(await s.linkRefOf('u1'))!, (await s.linkRefOf('u2'))!];
    for (const [productId, userRef] of [['p1', ref], ['p2', ref], ['p1', ref], ['p3', other], ['p4', null]] as const) {
      await s.recordClick({ at: '2026-01-05T00:00:00Z', productId, merchant: 'm', network: 'amazon', creatorCode: null, userRef });
    }
    await s.appendFeedback('u1', [{ type: 'view', productId: 'p9', at: '2026-01-06T00:00:00Z' }, { type: 'save', postId: 'x1', at: '2026-01-07T00:00:00Z' }]);
    await s.appendFeedback('u2', [{ type: 'hide', productId: 'p8', at: '2026-01-06T00:00:00Z' }]);
    const events = await s.listFeedback('u1');
    expect(events).toHaveLength(2);

    expect(await s.shopperActivity('u1', { userRef: ref, feedback: true })).toEqual({ clicked: new Set(['p1', 'p2']), feedback: events });
    expect(await s.shopperActivity('u1', { userRef: ref, feedback: false })).toEqual({ clicked: await s.clickedProducts(ref), feedback: [] });
    expect(await s.shopperActivity('u1', { userRef: null, feedback: true })).toEqual({ clicked: new Set(), feedback: events });
    expect(await s.shopperActivity('u1', { userRef: null, feedback: false })).toEqual({ clicked: new Set(), feedback: [] });
    expect(await s.shopperActivity('nobody', { userRef: 'no-such-ref', feedback: true })).toEqual({ clicked: new Set(), feedback: [] });
    // Erased: neither the clicks' link nor the events are readable any more.
    expect(await s.eraseUser('u1')).toBe(true);
    expect(await s.shopperActivity('u1', { userRef: ref, feedback: true })).toEqual({ clicked: new Set(), feedback: [] });
    expect(await s.shopperActivity('u2', { userRef: other, feedback: true })).toEqual({ clicked: new Set(['p3']), feedback: await s.listFeedback('u2') });
  });

  it('keeps a product exactly as written, optional fields included', async () => {
    const s = await fresh();
    const p = product('p-h', { sensitive: 'health', price: 19.99 });
    await s.upsertProducts([{ entity: p, vector: new Float32Array([1]) }], 'm');
    expect(await s.getProduct('p-h')).toEqual(p);
    expect(await s.listProducts()).toEqual([p]);
  });

  it('keeps posts per creator newest first, and deleting a creator drops posts, vectors and follows', async () => {
    const s = await fresh();
    await s.upsertCreators([creator('c1'), creator('c2')]);
    const v = new Float32Array([1]);
    await s.upsertPosts('c1', [{ entity: post('a', 'c1', { postedAt: '2026-01-01T00:00:00Z' }), vector: v }, { entity: post('b', 'c1', { postedAt: '2026-02-01T00:00:00Z' }), vector: v }], 'm');
    await s.upsertPosts('c2', [{ entity: post('x', 'c2'), vector: v }], 'm');
    await expect(s.upsertPosts('ghost', [{ entity: post('z', 'ghost'), vector: v }], 'm')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await s.listPosts(['c1'])).map((p) => p.id)).toEqual(['b', 'a']);
    await s.upsertUser({ id: 'u1', displayName: 'U', region: 'DE', ageBand: '25-34' });
    await s.setFollows('u1', ['c2', 'c1']);
    expect(await s.getFollows('u1')).toEqual(['c2', 'c1']);
    expect(await s.deleteCreator('c1')).toBe(true);
    expect(await s.deleteCreator('c1')).toBe(false);
    expect(await s.getFollows('u1')).toEqual(['c2']);
    expect(await s.listPosts(['c1', 'c2'])).toHaveLength(1);
    expect((await s.allVectors('post', 'm')).map((x) => x.id)).toEqual(['x']);
    expect(await s.counts()).toEqual({ products: 0, creators: 1, posts: 1, users: 1 });
  });

  it('lets a post id move to another creator: it leaves its old owner', async () => {
    const s = await fresh();
    await s.upsertCreators([creator('c1'), creator('c2')]);
    const v = new Float32Array([1]);
    await s.upsertPosts('c1', [{ entity: post('a', 'c1'), vector: v }], 'm');
    await s.upsertPosts('c2', [{ entity: post('a', 'c2'), vector: v }], 'm');
    expect(await s.listPosts(['c1'])).toEqual([]);
    expect((await s.getPost('a'))!.creatorId).toBe('c2');
    expect(await s.countVectors('post', 'm')).toBe(1);
  });

  it('rejects follows of unknown users or creators', async () => {
    const s = await fresh();
    await expect(s.setFollows('nobody', [])).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await s.upsertUser({ id: 'u1', displayName: 'U', region: 'DE', ageBand: '25-34' });
    await expect(s.setFollows('u1', ['ghost'])).rejects.toMatchObject({ code: 'VALIDATION_FAILED', details: [{ path: 'creatorIds.0' }] });
  });

  it('round-trips Float32 vectors bit for bit, including from unaligned buffers, and caches by model + hash', async () => {
    const s = await fresh();
    const backing = new Float32Array([9, 0.25, -1.5, 3, 0.1, 1 / 3, -1e-7]);
    const view = backing.subarray(1); // byteOffset 4
    await s.putCachedEmbedding('m1', 'h1', view);
    expect(Array.from((await s.getCachedEmbedding('m1', 'h1'))!)).toEqual(Array.from(view));
    expect(await s.getCachedEmbedding('m2', 'h1')).toBeUndefined();
    await s.upsertProducts([{ entity: product('p1'), vector: view }], 'm1');
    await s.upsertProducts([{ entity: product('p1'), vector: new Float32Array([7]) }], 'm2');
    expect(Array.from((await s.getVectors('product', ['p1', 'px'], 'm1')).get('p1')!)).toEqual(Array.from(view));
    expect((await s.allVectors('product', 'm2')).map((v) => [v.id, Array.from(v.vector)])).toEqual([['p1', [7]]]);
  });

  it('counts vectors per kind and model', async () => {
    const s = await fresh();
    const one = new Float32Array([1]);
    await s.upsertProducts([{ entity: product('a'), vector: one }, { entity: product('b'), vector: one }], 'm1');
    await s.upsertProducts([{ entity: product('a'), vector: one }], 'm2');
    await s.upsertCreators([creator('c1')]);
    await s.upsertPosts('c1', [{ entity: post('x', 'c1'), vector: one }], 'm1');
    expect(await s.countVectors('product', 'm1')).toBe(2);
    expect(await s.countVectors('post', 'm1')).toBe(1);
    expect(await s.countVectors('post', 'm2')).toBe(0);
  });

  it("stores merchants and counts a merchant's products per network", async () => {
    const s = await fresh();
    await s.upsertMerchants([{ id: 'm-test', name: 'Test', network: 'utm', settings: {} }]);
    await s.upsertMerchants([{ id: 'm-test', name: 'Renamed', network: 'utm', settings: { source: 'x' } }]);
    expect(await s.listMerchants()).toEqual([{ id: 'm-test', name: 'Renamed', network: 'utm', settings: { source: 'x' } }]);
    await s.upsertProducts([{ entity: product('p1'), vector: new Float32Array([1]) }], 'm');
    expect(await s.productNetworks('m-test')).toEqual(new Map([['utm', 1]]));
    expect(await s.productNetworks('m-none')).toEqual(new Map());
  });

  it('gives each creator a random code that updates keep and removal retires', async () => {
    const s = await fresh();
    await s.upsertCreators([creator('c1'), creator('c2')]);
    const codes = await s.creatorCodes(['c1', 'c2', 'ghost']);
    expect([...codes.keys()].sort()).toEqual(['c1', 'c2']);
    expect(codes.get('c1')).toMatch(/^[0-9a-f]{16}$/);
    expect(codes.get('c1')).not.toBe(codes.get('c2'));
    await s.upsertCreators([creator('c1', { displayName: 'New name' })]);
    expect((await s.creatorCodes(['c1'])).get('c1')).toBe(codes.get('c1'));
    expect((await s.creatorByCode(codes.get('c1')!))?.displayName).toBe('New name');
    const both = await s.creatorsByCodes([codes.get('c1')!, codes.get('c2')!, 'ghost']);
    expect([...both].map(([code, c]) => [code, c.id]).sort()).toEqual([[codes.get('c1'), 'c1'], [codes.get('c2'), 'c2']].sort());
    expect(both.get(codes.get('c1')!)?.displayName).toBe('New name');
    expect(await s.creatorsByCodes([])).toEqual(new Map());
    await s.deleteCreator('c1');
    expect(await s.creatorByCode(codes.get('c1')!)).toBeUndefined();
    expect([...(await s.creatorsByCodes([codes.get('c1')!, codes.get('c2')!])).keys()]).toEqual([codes.get('c2')]);
    await s.upsertCreators([creator('c1')]);
    expect((await s.creatorCodes(['c1'])).get('c1')).not.toBe(codes.get('c1'));
    expect((await s.getCreators(['c2', 'c1', 'ghost'])).map((c) => c.id)).toEqual(['c1', 'c2']);
  });

  it('gives each shopper a random link pseudonym that erasure retires; a new shopper with the same id gets another', async () => {
    const s = await fresh();
    await s.upsertUser({ id: 'u1', displayName: 'U', region: 'DE', ageBand: '25-34' });
    const ref = (await s.linkRefOf('u1'))!;
    expect(ref).toMatch(/^[\w-]{20,}$/);
    // Not derived from the id. (A random 22-character pseudonym contains a 2-character id like
    // "u1" about once in 200 tries, so the check uses an id no pseudonym can hold by chance.)
    const spotted = 'shopper.id.spotted-in-a-pseudonym';
    await s.upsertUser({ id: spotted, displayName: 'S', region: 'DE', ageBand: '25-34' });
    expect(await s.linkRefOf(spotted)).not.toContain(spotted.slice(0, 12));
    await s.upsertUser({ id: 'u1', displayName: 'Renamed', region: 'DE', ageBand: '25-34' });
    expect(await s.linkRefOf('u1')).toBe(ref);
    expect(await s.userOfLinkRef(ref)).toBe('u1');
    await s.recordClick({ at: '2026-05-01T00:00:00Z', productId: 'p1', merchant: 'm', network: 'utm', creatorCode: null, userRef: ref });
    expect(await s.eraseUser('u1')).toBe(true);
    expect(await s.eraseUser('u1')).toBe(false);
    expect(await s.userOfLinkRef(ref)).toBeUndefined();
    expect((await s.listClicks())[0]!.userRef).toBeNull();
    await s.upsertUser({ id: 'u1', displayName: 'U', region: 'DE', ageBand: '25-34' });
    expect(await s.linkRefOf('u1')).not.toBe(ref);
  });

  it('deletes one post of its own creator with its vector', async () => {
    const s = await fresh();
    await s.upsertCreators([creator('c1'), creator('c2')]);
    const v = new Float32Array([1]);
    await s.upsertPosts('c1', [{ entity: post('a', 'c1'), vector: v }, { entity: post('b', 'c1'), vector: v }], 'm');
    expect(await s.deletePost('c2', 'a')).toBe(false);
    expect(await s.deletePost('c1', 'a')).toBe(true);
    expect(await s.getPost('a')).toBeUndefined();
    expect((await s.allVectors('post', 'm')).map((x) => x.id)).toEqual(['b']);
  });

  it('keeps the consent ledger append-only in the database itself; erasure keeps only minimal salted proof', async () => {
    const s = await fresh({ consentProofSalt: 'pepper' });
    await s.upsertUser(user);
    await expect(s.appendConsents('ghost', [grant('health', true, '2026-01-01T00:00:00Z')])).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await s.appendConsents('u1', [grant('personalization', true, '2026-01-01T00:00:00Z')]);
    await s.appendConsents('u1', [grant('personalization', false, '2026-01-02T00:00:00Z'), grant('health', true, '2026-01-03T00:00:00Z')]);
    expect((await s.listConsents('u1')).map((e) => [e.purpose, e.granted])).toEqual([
      ['personalization', true], ['personalization', false], ['health', true],
    ]);
    expect((await s.listConsents('u1'))[0]).toEqual({ purpose: 'personalization', granted: true, at: '2026-01-01T00:00:00.000Z', source: 'settings-page', policyVersion: '2026-01' });
    const ref = (await s.linkRefOf('u1'))!;
    await s.recordClick({ at: '2026-01-05T00:00:00Z', productId: 'p1', merchant: 'm', network: 'amazon', creatorCode: 'cc1', userRef: ref });
    await s.setFollows('u1', []);

    // Nothing, not even raw SQL through another connection, may rewrite or remove history.
    await expect(s.raw('UPDATE consent_events SET granted = false')).rejects.toThrow(/append-only/);
    await expect(s.raw('DELETE FROM consent_events')).rejects.toThrow(/append-only/);

    expect(await s.eraseUser('u1')).toBe(true);
    expect(await s.getUser('u1')).toBeUndefined();
    expect(await s.listConsents('u1')).toEqual([]);
    expect((await s.listClicks())[0]!.userRef).toBeNull();
    expect(await s.clickedProducts(ref)).toEqual(new Set());
    const proofs = await s.listConsentProofs();
    expect(proofs).toEqual([
      { subjectHash: subjectHash('pepper', 'u1'), purpose: 'personalization', granted: true, at: '2026-01-01T00:00:00.000Z', policyVersion: '2026-01' },
      { subjectHash: subjectHash('pepper', 'u1'), purpose: 'personalization', granted: false, at: '2026-01-02T00:00:00.000Z', policyVersion: '2026-01' },
      { subjectHash: subjectHash('pepper', 'u1'), purpose: 'health', granted: true, at: '2026-01-03T00:00:00.000Z', policyVersion: '2026-01' },
    ]);
    expect(JSON.stringify(proofs)).not.toContain('u1');
    expect(JSON.stringify(proofs)).not.toContain('settings-page');
    await expect(s.raw('DELETE FROM consent_proofs')).rejects.toThrow(/append-only/);
  });

  it('erasing one shopper leaves every other shopper\'s ledger untouched', async () => {
    const s = await fresh();
    await s.upsertUser(user);
    await s.upsertUser({ ...user, id: 'u2' });
    await s.appendConsents('u1', [grant('personalization', true, '2026-01-01T00:00:00Z')]);
    await s.appendConsents('u2', [grant('health', true, '2026-01-01T00:00:00Z')]);
    await s.eraseUser('u1');
    expect((await s.listConsents('u2')).map((e) => e.purpose)).toEqual(['health']);
    expect(await s.listConsentProofs()).toHaveLength(1);
  });

  const click = (at: string, productId: string, network: Click['network'], creatorCode: string | null, userRef: string | null): Click => ({
    at, productId, merchant: `m-${network}`, network, creatorCode, userRef,
  });

  it('groups clicks by creator, product or network within an inclusive date range', async () => {
    const s = await fresh();
    await s.recordClick(click('2026-01-01T09:00:00Z', 'p1', 'amazon', 'cc1', 'u1'));
    await s.recordClick(click('2026-01-15T09:00:00Z', 'p1', 'amazon', 'cc1', null));
    await s.recordClick(click('2026-01-31T23:00:00Z', 'p2', 'cj', null, 'u1'));
    await s.recordClick(click('2026-02-01T00:00:00Z', 'p3', 'cj', 'cc2', 'u2'));

    const keyed = (rows: Array<{ key: string; clicks: number }>) => rows.map((r) => ({ key: r.key, clicks: r.clicks }));
    expect(keyed(await s.clickReport('creator'))).toEqual([
      { key: 'cc1', clicks: 2 }, { key: '(none)', clicks: 1 }, { key: 'cc2', clicks: 1 },
    ]);
    expect(keyed(await s.clickReport('network', { from: '2026-01-10', to: '2026-01-31' }))).toEqual([
      { key: 'amazon', clicks: 1 }, { key: 'cj', clicks: 1 },
    ]);
    expect(keyed(await s.clickReport('product', { from: '2026-01-31T00:00:00Z' }))).toEqual([
      { key: 'p2', clicks: 1 }, { key: 'p3', clicks: 1 },
    ]);
    expect((await s.listClicks({ to: '2026-01-15T09:00:00Z' })).map((c) => c.productId)).toEqual(['p1', 'p1']);
    expect((await s.listClicks())[0]).toEqual({ at: '2026-01-01T09:00:00.000Z', productId: 'p1', merchant: 'm-amazon', network: 'amazon', creatorCode: 'cc1', userRef: 'u1' });
    expect(await s.clickedProducts('u1')).toEqual(new Set(['p1', 'p2']));
  });

  it('reports by merchant and UTC day, split by day, with credited clicks and distinct products', async () => {
    const s = await fresh();
    await s.recordClick(click('2026-01-01T00:00:00Z', 'p1', 'amazon', 'cc1', 'u1'));
    await s.recordClick(click('2026-01-01T23:59:59.999Z', 'p2', 'amazon', null, null));
    // 00:30 in Berlin on 2 January is still 1 January in UTC: days are UTC calendar days.
    await s.recordClick(click('2026-01-02T00:30:00+01:00', 'p2', 'amazon', 'cc1', null));
    await s.recordClick(click('2026-01-02T00:00:00Z', 'p3', 'cj', 'cc2', null));
    const row = (key: string, day: string | null, clicks: number, credited: number, products: number) => ({ key, day, clicks, credited, products });

    expect(await s.clickReport('merchant')).toEqual([row('m-amazon', null, 3, 2, 2), row('m-cj', null, 1, 1, 1)]);
    expect(await s.clickReport('day')).toEqual([row('2026-01-01', null, 3, 2, 2), row('2026-01-02', null, 1, 1, 1)]);
    expect(await s.clickReport('day', { from: '2026-01-02' })).toEqual([row('2026-01-02', null, 1, 1, 1)]);
    expect(await s.clickReport('merchant', { byDay: true })).toEqual([
      row('m-amazon', '2026-01-01', 3, 2, 2), row('m-cj', '2026-01-02', 1, 1, 1),
    ]);
    // Time series: by key, then day, in byte order ("(none)" before codes).
    expect(await s.clickReport('creator', { byDay: true, to: '2026-01-02' })).toEqual([
      row('(none)', '2026-01-01', 1, 0, 1), row('cc1', '2026-01-01', 2, 2, 2), row('cc2', '2026-01-02', 1, 1, 1),
    ]);
    expect(await s.clickReport('product', { byDay: true, from: '2026-01-01T12:00:00Z' })).toEqual([
      row('p2', '2026-01-01', 2, 1, 1), row('p3', '2026-01-02', 1, 1, 1),
    ]);
    expect(await s.clickReport('network', { from: '2026-02-01' })).toEqual([]);
  });

  it('counts a click once per dedupe key, and every click without one', async () => {
    const s = await fresh();
    const c = click('2026-05-01T12:00:00Z', 'p1', 'utm', null, 'ref-a');
    expect(await s.recordClick(c, { dedupeKey: 'k1' })).toBe(true);
    expect(await s.recordClick({ ...c, at: '2026-05-01T12:00:05Z' }, { dedupeKey: 'k1' })).toBe(false);
    expect(await s.recordClick(c, { dedupeKey: 'k2' })).toBe(true);
    expect(await s.recordClick(c)).toBe(true);
    expect(await s.recordClick(c)).toBe(true);
    // Concurrent replays of one key (two replicas, say): exactly one is recorded.
    const raced = await Promise.all([1, 2, 3, 4].map(() => s.recordClick(c, { dedupeKey: 'k3' })));
    expect(raced.filter(Boolean)).toHaveLength(1);
    expect(await s.listClicks()).toHaveLength(5);
  });

  it('keeps a shopper\'s demo flag when an update leaves it out; a new shopper is not a demo persona', async () => {
    const s = await fresh();
    await s.upsertUser(user);
    expect((await s.getUser('u1'))!.demo).toBe(false);
    await s.upsertUser({ ...user, id: 'u2', demo: true });
    await s.upsertUser({ ...user, id: 'u2', displayName: 'Renamed' });
    expect(await s.getUser('u2')).toMatchObject({ displayName: 'Renamed', demo: true });
    await s.upsertUser({ ...user, id: 'u2', demo: false });
    expect((await s.listUsers()).map((u) => [u.id, u.demo])).toEqual([['u1', false], ['u2', false]]);
  });

  it('reads a shopper with ledger, follows and pseudonym in one call, exactly as the single reads return them', async () => {
    const s = await fresh();
    expect(await s.shopperReadSet('u1')).toBeUndefined();
    await s.upsertCreators([creator('c1'), creator('c2'), creator('c3')]);
    await s.upsertUser({ ...user, demo: true });
    // A shopper with nothing yet: empty ledger and follows, but a pseudonym.
    expect(await s.shopperReadSet('u1')).toEqual({ user: await s.getUser('u1'), consents: [], follows: [], linkRef: await s.linkRefOf('u1') });
    await s.setFollows('u1', ['c3', 'c1']);
    await s.addFollow('u1', 'c2');
    // Ledger order is append order (not time order): later events decide.
    await s.appendConsents('u1', [grant('personalization', true, '2026-03-01T00:00:00.000Z'), grant('clickTracking', true, '2026-01-01T00:00:00.000Z')]);
    await s.appendConsents('u1', [{ ...grant('personalization', false, '2026-02-01T00:00:00.000Z'), source: "it's \"quoted\"" }]);
    await s.upsertUser({ id: 'u2', displayName: 'Other', region: 'FR', ageBand: '18-24' });
    await s.appendConsents('u2', [grant('health', true, '2026-03-01T00:00:00.000Z')]);
    const set = (await s.shopperReadSet('u1'))!;
    expect(set).toEqual({ user: await s.getUser('u1'), consents: await s.listConsents('u1'), follows: ['c3', 'c1', 'c2'], linkRef: await s.linkRefOf('u1') });
    expect(set.consents.map((e) => [e.purpose, e.granted])).toEqual([['personalization', true], ['clickTracking', true], ['personalization', false]]);
    expect(set.user).toEqual({ ...user, demo: true });
    expect(set.linkRef).toMatch(/^[\w-]{20,}$/);
    // A copy: changing it changes nothing stored.
    set.follows.push('c9');
    expect((await s.shopperReadSet('u1'))!.follows).toEqual(['c3', 'c1', 'c2']);
    await s.eraseUser('u1');
    expect(await s.shopperReadSet('u1')).toBeUndefined();
    expect((await s.shopperReadSet('u2'))!.consents.map((e) => e.purpose)).toEqual(['health']);
  });

  it('close is idempotent', async () => {
    const s = await backend.openStore();
    await s.close();
    await s.close();
  });
});
