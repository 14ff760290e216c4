/**
 * Issue 14 item 11: the right of access and portability (GDPR Art. 15/20). After a scripted history
 * through the HTTP API (profile, follows, consents with sources, recommendations, clicks, a
 * withdrawal, a creator opt-out), `GET /v1/users/:id/export` must equal what the store holds about
 * that shopper, show the creators and posts that shape their profile today, and contain nothing
 * about another shopper who did the same things.
 *
 * Fails on the old code: there was no export route (404).
 */
import request from 'supertest';
import { beforeEach, describe, expect, it } from 'vitest';
import { ShopperExport } from '../../src/core/schemas.js';
import { ADMIN, APP, buildTestApp } from '../http/harness.js';

let t: Awaited<ReturnType<typeof buildTestApp>>;
beforeEach(async () => {
  t = await buildTestApp();
});

const A = { id: 'alice-5e1f', name: 'Alice Exportwell', source: 'onboarding-alice-only' };
const B = { id: 'bruno-77c2', name: 'Bruno Otherperson', source: 'settings-bruno-only' };

/** The same history for both shoppers, so a leak of one into the other's export would show. */
async function history(s: typeof A, clicks: number) {
  await request(t.app).put(`/v1/users/${s.id}`).set(APP).send({ displayName: s.name, region: 'FR', ageBand: '25-34' }).expect(200);
  await request(t.app).put(`/v1/users/${s.id}/follows`).set(APP).send({ creatorIds: ['c-red', 'c-blue', 'c-green'] }).expect(200);
  const grant = (purpose: string, granted = true) => ({ purpose, granted, source: s.source });
  await request(t.app).put(`/v1/users/${s.id}/consents`).set(APP).send({ events: [grant('personalization'), grant('clickTracking'), grant('health')] }).expect(200);
  const recs = await request(t.app).get(`/v1/users/${s.id}/recommendations?limit=${clicks}`).set(APP).expect(200);
  for (const item of recs.body.items) await request(t.app).get(item.affiliateUrl).expect(302);
  // Same server time as the grant: the ledger order decides, so the withdrawal wins.
  await request(t.app).put(`/v1/users/${s.id}/consents`).set(APP).send({ events: [grant('health', false)] }).expect(200);
}

describe('GET /v1/users/:id/export', () => {
  it('holds exactly what the store holds about the shopper, and nothing about anyone else', async () => {
    await history(A, 3);
    await history(B, 2);
    await request(t.app).patch('/v1/creators/c-blue/opt-ins').set(ADMIN).send({ styleSource: false }).expect(200);

    const res = await request(t.app).get(`/v1/users/${A.id}/export`).set(APP).expect(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['content-disposition']).toContain(`shopper-${A.id}.json`);
    const doc = ShopperExport.parse(res.body); // documented, machine-readable: the schema in /openapi.json
    const store = t.w.store;

    expect(doc).toMatchObject({ format: 'creator-style-recommender/shopper-export', version: 1 });
    expect(doc.shopper).toEqual(await store.getUser(A.id));
    expect(doc.follows.map((f) => f.creatorId)).toEqual(await store.getFollows(A.id));
    expect(doc.follows.find((f) => f.creatorId === 'c-blue')!.optIns).toEqual({ styleSource: false, affiliate: false });
    // The full ledger, with sources, and the decision applied today.
    expect(doc.consent.history).toEqual(await store.listConsents(A.id));
    expect(doc.consent.history).toHaveLength(4);
    expect(doc.consent.current).toEqual({ personalization: true, clickTracking: true, health: false });
    expect(doc.consent.decision).toMatchObject({ personalization: true, clickTracking: true, health: false, minor: false, applied: ['personalization', 'clickTracking'] });
    // Clicks: exactly those linked to the shopper's pseudonym.
    const ref = (await store.linkRefOf(A.id))!;
    expect(doc.linkPseudonym).toBe(ref);
    const linked = (await store.listClicks()).filter((c) => c.userRef === ref).map(({ userRef: _r, ...c }) => c);
    expect(linked).toHaveLength(3);
    expect(doc.clicks).toEqual(linked);
    // What shapes the profile today: c-red only (c-blue opted out as a style source, c-green never was).
    expect(doc.profile.personalized).toBe(true);
    expect(doc.profile.creators.map((c) => c.creatorId)).toEqual(['c-red']);
    expect(doc.profile.posts.map((p) => p.postId).sort()).toEqual(['c-red-p0', 'c-red-p1', 'c-red-p2']);
    expect(doc.profile.posts.every((p) => p.creatorId === 'c-red' && p.weight > 0 && p.health === false)).toBe(true);
    expect(doc.feedback).toEqual([]);

    // Nothing about the other shopper: not their id, name, consent source, pseudonym or clicks.
    const text = JSON.stringify(res.body);
    const bRef = (await store.linkRefOf(B.id))!;
    for (const needle of [B.id, B.name, B.source, bRef]) expect(text, needle).not.toContain(needle);
    expect((await store.listClicks()).filter((c) => c.userRef === bRef)).toHaveLength(2);
  });

  it("a minor's export shows everything held and that no profile is built; an erased shopper has none", async () => {
    await request(t.app).put('/v1/users/teen').set(APP).send({ displayName: 'Teen', region: 'DE', ageBand: '13-15' }).expect(200);
    await request(t.app).put('/v1/users/teen/follows').set(APP).send({ creatorIds: ['c-red'] }).expect(200);
    await request(t.app).put('/v1/users/teen/consents').set(APP).send({ events: [{ purpose: 'personalization', granted: true }] }).expect(200);
    const doc = (await request(t.app).get('/v1/users/teen/export').set(APP).expect(200)).body;
    expect(doc.consent.current.personalization).toBe(true); // what they chose is held and shown
    expect(doc.consent.decision).toMatchObject({ minor: true, applied: [] }); // what is applied
    expect(doc.profile).toMatchObject({ personalized: false, creators: [], posts: [], reason: expect.stringContaining('under 16') });
    expect(doc.follows.map((f: { creatorId: string }) => f.creatorId)).toEqual(['c-red']);

    await request(t.app).delete('/v1/users/teen').set(ADMIN).expect(200);
    await request(t.app).get('/v1/users/teen/export').set(APP).expect(404);
  });

  it('needs an app (or admin) key', async () => {
    await request(t.app).put('/v1/users/u1').set(APP).send({ region: 'DE', ageBand: '25-34' }).expect(200);
    await request(t.app).get('/v1/users/u1/export').expect(401);
    await request(t.app).get('/v1/users/u1/export').set(ADMIN).expect(200);
  });
});
