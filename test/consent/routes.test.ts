import request from 'supertest';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Shopper } from '../../src/domain/index.js';
import { fakePng } from '../helpers/fake-embedder.js';
import { creator, product } from '../affiliate/fixtures.js';
import { KEYS, harness, type Harness } from './harness.js';

type H = Harness;
const adult: Shopper = { id: 'u-adult', displayName: 'Ada', region: 'DE', ageBand: '25-34' };
const teen: Shopper = { id: 'u-teen', displayName: 'Tom', region: 'DE', ageBand: '13-15' };
const grant = (purpose: string, granted = true) => ({ purpose, granted });

let h: H;
beforeEach(async () => {
  h = await harness();
  await h.commands.upsertShopper(adult.id, adult);
  await h.commands.upsertShopper(teen.id, teen);
});

const put = (id: string, events: unknown[], key = 'app') =>
  request(h.app).put(`/v1/users/${id}/consents`).set('x-api-key', KEYS[key as keyof typeof KEYS]).send({ events });
const get = (id: string, key = 'app') => request(h.app).get(`/v1/users/${id}/consents`).set('x-api-key', KEYS[key as keyof typeof KEYS]);

describe('PUT/GET /v1/users/:id/consents', () => {
  it('starts with nothing granted (privacy by default)', async () => {
    const res = await get(adult.id).expect(200);
    expect(res.body.current).toEqual({ personalization: false, clickTracking: false, health: false });
    expect(res.body.decision).toMatchObject({ personalization: false, applied: [], minor: false });
    expect(res.body.decision.reason).toContain('not turned them on');
    expect(res.body.history).toEqual([]);
  });

  it('stamps time, source and policy version server-side', async () => {
    const res = await put(adult.id, [grant('personalization'), { purpose: 'clickTracking', granted: true, source: 'settings-page' }]).expect(200);
    expect(res.body.history).toEqual([
      { purpose: 'personalization', granted: true, at: '2026-05-01T12:00:00.000Z', source: 'api', policyVersion: '2026-03' },
      { purpose: 'clickTracking', granted: true, at: '2026-05-01T12:00:00.000Z', source: 'settings-page', policyVersion: '2026-03' },
    ]);
    expect(res.body.decision).toMatchObject({ personalization: true, clickTracking: true, health: false, applied: ['personalization', 'clickTracking'], reason: null });
  });

  it('refuses a client-supplied time, unknown purposes and empty lists, with field paths', async () => {
    const a = await put(adult.id, [{ purpose: 'personalization', granted: true, at: '2020-01-01T00:00:00Z' }]).expect(400);
    expect(a.body.error.code).toBe('VALIDATION_FAILED');
    const b = await put(adult.id, [{ purpose: 'marketing', granted: true }]).expect(400);
    expect(b.body.error.details[0].path).toBe('events.0.purpose');
    await put(adult.id, []).expect(400);
    expect((await get(adult.id)).body.history).toEqual([]);
  });

  it('unknown user → 404; scopes: none 401, app ok', async () => {
    expect((await put('nobody', [grant('personalization')]).expect(404)).body.error.code).toBe('NOT_FOUND');
    await request(h.app).get(`/v1/users/${adult.id}/consents`).expect(401);
    await get(adult.id, 'admin').expect(200);
  });

  it('withdrawal takes effect on the very next request', async () => {
    await put(adult.id, [grant('personalization'), grant('health')]);
    expect((await get(adult.id)).body.decision).toMatchObject({ personalization: true, health: true });
    h.advance(60);
    const res = await put(adult.id, [grant('personalization', false)]).expect(200);
    expect(res.body.decision).toMatchObject({ personalization: false, health: false, applied: [] });
    expect(res.body.decision.reason).toContain('withdrew your consent on 2026-05-01');
    expect((await get(adult.id)).body.decision.personalization).toBe(false);
    expect(res.body.history).toHaveLength(3); // append-only: the grant is still on record
  });

  it('a minor may record choices, but nothing is applied', async () => {
    const res = await put(teen.id, [grant('personalization'), grant('clickTracking'), grant('health')]).expect(200);
    expect(res.body.current).toEqual({ personalization: true, clickTracking: true, health: true });
    expect(res.body.minor).toBe(true);
    expect(res.body.decision).toMatchObject({ personalization: false, clickTracking: false, health: false, minor: true, applied: [] });
    expect(res.body.decision.reason).toMatch(/minors/);
  });
});

describe('DELETE /v1/users/:id (erasure)', () => {
  it('erases the user and the user link of clicks, keeps minimal proof', async () => {
    await put(adult.id, [grant('personalization'), grant('clickTracking')]);
    await h.addProducts([product('p1', 'm-amz', 'https://www.amazon.co.uk/dp/B01')]);
    const link = h.tagger.tag({ product: (await h.store.getProduct('p1'))!, credit: null, userRef: (await h.store.linkRefOf(adult.id))!, now: h.now() });
    await request(h.app).get(link.affiliateUrl).expect(302);
    expect((await h.store.listClicks())[0]!.userRef).not.toBeNull();
    await request(h.app).delete(`/v1/users/${adult.id}`).set('x-api-key', KEYS.app).expect(403);
    const res = await request(h.app).delete(`/v1/users/${adult.id}`).set('x-api-key', KEYS.admin).expect(200);
    expect(res.body).toMatchObject({ userId: adult.id, erased: true });
    await get(adult.id).expect(404);
    const clicks = await h.store.listClicks();
    expect(clicks).toHaveLength(1);
    expect(clicks[0]!.userRef).toBeNull();
    const proofs = await h.store.listConsentProofs();
    expect(proofs.map((p) => p.purpose)).toEqual(['personalization', 'clickTracking']);
    expect(JSON.stringify(proofs)).not.toContain(adult.id);
    await request(h.app).delete(`/v1/users/${adult.id}`).set('x-api-key', KEYS.admin).expect(404);
  });
});

describe('PATCH /v1/creators/:id/opt-ins', () => {
  beforeEach(async () => {
    await h.commands.upsertCreators([creator('c1', { styleSource: true, affiliate: true })]);
    await h.commands.upsertPosts('c1', [
      { id: 'c1-p1', creatorId: 'c1', image: h.image('images/posts/c1-p1.png', fakePng('c1-p1')), caption: 'x', postedAt: '2026-01-01T00:00:00Z', engagement: { likes: 1, comments: 0, saves: 0 } },
    ]);
  });
  const patch = (body: unknown, key = 'admin', id = 'c1') => request(h.app).patch(`/v1/creators/${id}/opt-ins`).set('x-api-key', KEYS[key as keyof typeof KEYS]).send(body as object);

  it.each([
    [{ styleSource: false }, { styleSource: false, affiliate: true }],
    [{ affiliate: false }, { styleSource: true, affiliate: false }],
    [{ styleSource: false, affiliate: false }, { styleSource: false, affiliate: false }],
  ])('%j takes effect at once', async (body, optIns) => {
    const res = await patch(body).expect(200);
    expect(res.body.optIns).toEqual(optIns);
    expect((await h.store.getCreator('c1'))!.optIns).toEqual(optIns);
    expect(await h.store.listPosts(['c1'])).toHaveLength(1); // the creator's posts survive the update
  });

  it('validates, 404s and checks scope', async () => {
    expect((await patch({}).expect(400)).body.error.code).toBe('VALIDATION_FAILED');
    await patch({ affiliate: 'no' }).expect(400);
    await patch({ affiliate: false, handle: '@x' }).expect(400);
    await patch({ affiliate: false }, 'admin', 'nobody').expect(404);
    await patch({ affiliate: false }, 'app').expect(403);
    expect((await h.store.getCreator('c1'))!.optIns).toEqual({ styleSource: true, affiliate: true });
  });
});

describe('creator revoking affiliate: links made before or after credit nobody', () => {
  it('disclosure and click lose the creator, for a link issued before the opt-out too', async () => {
    const p = product('p2', 'm-imp', 'https://shop.example/p2');
    await h.addProducts([p]);
    const c = creator('c1', { styleSource: true, affiliate: true });
    await h.commands.upsertCreators([c]);
    const code = (await h.store.creatorCodes(['c1'])).get('c1')!;
    const before = h.tagger.tag({ product: p, credit: { code, handle: c.handle }, userRef: null, now: h.now() });
    expect(before.disclosure).toContain('@c1.style');
    await request(h.app).patch('/v1/creators/c1/opt-ins').set('x-api-key', KEYS.admin).send({ affiliate: false }).expect(200);
    const after = h.tagger.tag({ product: p, credit: null, userRef: null, now: h.now() });
    expect(after.disclosure).toBe('Paid link: we may earn a commission.');
    const expected = 'https://shop.sjv.io/c/111/222/333?u=https%3A%2F%2Fshop.example%2Fp2';
    expect((await request(h.app).get(after.affiliateUrl).expect(302)).headers.location).toBe(expected);
    // The link made while the creator was opted in: checked at click time, it credits nobody.
    expect((await request(h.app).get(before.affiliateUrl).expect(302)).headers.location).toBe(expected);
    expect((await h.store.listClicks()).map((k) => k.creatorCode)).toEqual([null, null]);
  });
});

describe('scopes for every consent/affiliate route', () => {
  const routes = [
    { method: 'get', path: '/v1/users/u-adult/consents', scope: 'app' },
    { method: 'put', path: '/v1/users/u-adult/consents', scope: 'app' },
    { method: 'delete', path: '/v1/users/u-adult', scope: 'admin' },
    { method: 'patch', path: '/v1/creators/c1/opt-ins', scope: 'admin' },
    { method: 'get', path: '/v1/reports/clicks?groupBy=network', scope: 'reports' },
    { method: 'get', path: '/v1/reports/clicks?groupBy=merchant,day&format=csv', scope: 'reports' },
    { method: 'get', path: '/v1/reports/clicks?groupBy=creator&reveal=creator', scope: 'admin' },
    { method: 'get', path: '/v1/admin/creator-codes', scope: 'admin' },
  ] as const;
  it.each(routes)('$method $path needs $scope', async ({ method, path, scope }) => {
    await request(h.app)[method](path).expect(401);
    await request(h.app)[method](path).set('x-api-key', 'not-a-real-key').expect(401);
    // Each scope but admin is refused everywhere but its own routes (reveal=creator is admin-only on a reports route).
    for (const other of ['app', 'reports'] as const) {
      const res = await request(h.app)[method](path).set('Authorization', `Bearer ${KEYS[other]}`);
      if (scope === other) expect([401, 403]).not.toContain(res.status);
      else expect(res.status).toBe(403);
    }
    const asAdmin = await request(h.app)[method](path).set('x-api-key', KEYS.admin);
    expect([401, 403]).not.toContain(asAdmin.status);
  });

  it('GET /r/:token is public (an invalid token is 400, not 401)', async () => {
    expect((await request(h.app).get('/r/not-a-token').expect(400)).body.error.code).toBe('TOKEN_INVALID');
  });
});
