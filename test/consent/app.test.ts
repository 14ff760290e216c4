/**
 * Consent and affiliate rules end to end through `createApp` (real consent policy, real tagger,
 * fixed-vector world from test/service/world.ts): what each response contains and must not.
 * The world: c-red (styleSource + affiliate), c-blue (styleSource only), c-green (no styleSource),
 * and h0, a health product right next to the red look.
 */
import request from 'supertest';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ConsentEvent } from '../../src/domain/index.js';
import { ADMIN, APP, buildTestApp } from '../http/harness.js';
import { grant } from '../service/world.js';

interface Item {
  product: { id: string };
  inspiredBy: { creatorId: string; handle: string } | null;
  affiliateUrl: string;
  disclosure: string;
}

let t: Awaited<ReturnType<typeof buildTestApp>>;
beforeEach(async () => {
  t = await buildTestApp();
});

async function shopper(id: string, o: { region?: string; ageBand?: '25-34' | '13-15' | 'under13'; follows?: string[]; events?: ConsentEvent[] }) {
  const [r] = await t.w.commands.importShoppers([{ id, displayName: id, region: o.region ?? 'DE', ageBand: o.ageBand ?? '25-34', follows: o.follows ?? ['c-red'], consents: o.events ?? [] }]);
  expect(r!.ok).toBe(true);
}
const recs = async (id: string) => (await request(t.app).get(`/v1/users/${id}/recommendations?limit=31&diversity=0`).set(APP).expect(200)).body;
const ids = (items: Item[]) => items.map((i) => i.product.id);
const tokenUserRef = (url: string) => JSON.parse(Buffer.from(url.slice(3).split('.')[0]!, 'base64url').toString()).u as string | null;

const P = grant('personalization');
const C = grant('clickTracking');
const H = grant('health');

describe('recommendations under each consent case', () => {
  const cases = [
    { name: 'EU adult, nothing granted', region: 'DE', ageBand: '25-34', events: [], personalized: false, health: false, tracked: false, minor: false },
    { name: 'EU adult, personalization', region: 'DE', ageBand: '25-34', events: [P], personalized: true, health: false, tracked: false, minor: false },
    { name: 'EU adult, personalization + clickTracking', region: 'FR', ageBand: '25-34', events: [P, C], personalized: true, health: false, tracked: true, minor: false },
    { name: 'EU adult, personalization + health', region: 'DE', ageBand: '25-34', events: [P, H], personalized: true, health: true, tracked: false, minor: false },
    { name: 'EU adult, health without personalization', region: 'DE', ageBand: '25-34', events: [H, C], personalized: false, health: false, tracked: true, minor: false },
    { name: 'US adult, nothing granted', region: 'US', ageBand: '25-34', events: [], personalized: false, health: false, tracked: false, minor: false },
    { name: 'US adult, everything', region: 'US', ageBand: '25-34', events: [P, C, H], personalized: true, health: true, tracked: true, minor: false },
    { name: 'US adult, clickTracking only', region: 'US', ageBand: '25-34', events: [C], personalized: false, health: false, tracked: true, minor: false },
    { name: 'EU 15-year-old who granted everything', region: 'DE', ageBand: '13-15', events: [P, C, H], personalized: false, health: false, tracked: false, minor: true },
    { name: '12-year-old in the US who granted everything', region: 'US', ageBand: 'under13', events: [P, C, H], personalized: false, health: false, tracked: false, minor: true },
  ] as const;

  it.each(cases)('$name', async (c) => {
    await shopper('s', { region: c.region, ageBand: c.ageBand, events: [...c.events] });
    const body = await recs('s');
    const items = body.items as Item[];
    expect(items.length).toBeGreaterThan(0);
    expect(body.personalized).toBe(c.personalized);
    expect(body.consent).toMatchObject({ personalization: c.personalized, health: c.health, clickTracking: c.tracked, minor: c.minor });
    if (!c.personalized) expect(body.consent.applied).not.toContain('personalization');
    if (!c.health) expect(body.consent.applied).not.toContain('health');
    // Health items only with explicit health consent (and never for minors).
    if (c.health) expect(ids(items)).toContain('h0');
    else expect(ids(items)).not.toContain('h0');
    if (c.personalized) {
      expect(body.reason).toBeNull();
      expect(items.every((i) => i.inspiredBy?.creatorId === 'c-red')).toBe(true);
    } else {
      expect(body.reason).toEqual(expect.any(String));
      expect(body.reason.length).toBeGreaterThan(20);
      expect(items.every((i) => i.inspiredBy === null)).toBe(true);
      expect(items.every((i) => !i.disclosure.includes('@'))).toBe(true);
    }
    if (c.minor) expect(body.reason).toMatch(/minor/);
    // Every item: a signed /r/ link and a "Paid link" disclosure; a user ref only with clickTracking.
    for (const i of items) {
      expect(i.affiliateUrl).toMatch(/^\/r\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
      expect(i.disclosure).toMatch(/^Paid link: we (and @c-red )?may earn a commission\.$/);
      // The token carries the shopper's random link pseudonym, never their id.
      expect(tokenUserRef(i.affiliateUrl)).toBe(c.tracked ? ((await t.w.store.linkRefOf('s')) ?? 'missing') : null);
    }
    // Feedback events are profiling data: kept only when personalised, health items only with health.
    const fb = await request(t.app).post('/v1/users/s/events').set(APP).send({ events: [{ type: 'view', productId: 'r1' }, { type: 'save', productId: 'h0' }] }).expect(200);
    expect(fb.body.recorded).toBe((c.personalized ? 1 : 0) + (c.health ? 1 : 0));
    const kept = (await t.w.store.listFeedback('s')).map((e) => e.productId);
    expect(kept).toEqual([...(c.personalized ? ['r1'] : []), ...(c.health ? ['h0'] : [])]);
  });

  it('a click is linked to the shopper only with clickTracking, and never for a minor', async () => {
    await shopper('tracked', { events: [P, C] });
    await shopper('untracked', { events: [P] });
    await shopper('teen', { ageBand: '13-15', events: [P, C] });
    for (const id of ['tracked', 'untracked', 'teen']) {
      const [item] = (await recs(id)).items as Item[];
      await request(t.app).get(item!.affiliateUrl).expect(302);
    }
    const clicks = await t.w.store.listClicks();
    expect(clicks.map((c) => c.userRef)).toEqual([await t.w.store.linkRefOf('tracked'), null, null]);
  });
});

describe('creators', () => {
  it('a creator without styleSource is never cited, and alone gives a non-personalised list', async () => {
    await shopper('both', { follows: ['c-red', 'c-green'], events: [P] });
    const body = await recs('both');
    expect((body.items as Item[]).every((i) => i.inspiredBy?.creatorId === 'c-red')).toBe(true);
    await shopper('green', { follows: ['c-green'], events: [P] });
    const green = await recs('green');
    expect(green.personalized).toBe(false);
    expect(JSON.stringify(green)).not.toContain('c-green');
  });

  it('the affiliate opt-in decides whether the disclosure names the creator; revoking it applies at once', async () => {
    await shopper('fan', { follows: ['c-red', 'c-blue'], events: [P] });
    const items = (await recs('fan')).items as Item[];
    const red = items.find((i) => i.inspiredBy?.creatorId === 'c-red')!;
    const blue = items.find((i) => i.inspiredBy?.creatorId === 'c-blue')!;
    expect(red.disclosure).toBe('Paid link: we and @c-red may earn a commission.');
    expect(blue.disclosure).toBe('Paid link: we may earn a commission.'); // c-blue: styleSource but no affiliate
    await request(t.app).get(red.affiliateUrl).expect(302);
    expect((await t.w.store.listClicks())[0]!.creatorCode).toMatch(/^[0-9a-f]{16}$/);

    await request(t.app).patch('/v1/creators/c-red/opt-ins').set(ADMIN).send({ affiliate: false }).expect(200);
    const after = (await recs('fan')).items as Item[];
    expect(after.some((i) => i.inspiredBy?.creatorId === 'c-red')).toBe(true); // still a style source
    expect(after.every((i) => !i.disclosure.includes('@'))).toBe(true);
    const hop = after.find((i) => i.inspiredBy?.creatorId === 'c-red')!;
    await request(t.app).get(hop.affiliateUrl).expect(302);
    expect((await t.w.store.listClicks())[1]!.creatorCode).toBeNull();
  });

  it('revoking styleSource takes the creator out of the very next response', async () => {
    await shopper('fan', { follows: ['c-red', 'c-blue'], events: [P] });
    expect(((await recs('fan')).items as Item[]).some((i) => i.inspiredBy?.creatorId === 'c-red')).toBe(true);
    await request(t.app).patch('/v1/creators/c-red/opt-ins').set(ADMIN).send({ styleSource: false }).expect(200);
    const after = (await recs('fan')).items as Item[];
    expect(after.every((i) => i.inspiredBy?.creatorId === 'c-blue')).toBe(true);
  });
});

describe('withdrawal and erasure through the API', () => {
  it('withdrawing health mid-session removes health items from the next response', async () => {
    await shopper('s', { events: [P, H] });
    expect(ids((await recs('s')).items)).toContain('h0');
    await request(t.app).put('/v1/users/s/consents').set(APP).send({ events: [{ purpose: 'health', granted: false }] }).expect(200);
    const after = await recs('s');
    expect(after.personalized).toBe(true);
    expect(after.consent.health).toBe(false);
    expect(ids(after.items)).not.toContain('h0');
  });

  it('erasure: the shopper is gone, their clicks stay unlinked, consent proof remains', async () => {
    await shopper('s', { events: [P, C] });
    const [item] = (await recs('s')).items as Item[];
    await request(t.app).get(item!.affiliateUrl).expect(302);
    expect((await t.w.store.listClicks())[0]!.userRef).toBe(await t.w.store.linkRefOf('s'));
    await request(t.app).delete('/v1/users/s').set(ADMIN).expect(200);
    await request(t.app).get('/v1/users/s/recommendations').set(APP).expect(404);
    await request(t.app).get('/v1/users/s/consents').set(APP).expect(404);
    expect((await t.w.store.listClicks())[0]!.userRef).toBeNull();
    // A link made before the erasure still works but can no longer be linked to anyone.
    await request(t.app).get(item!.affiliateUrl).expect(302);
    expect((await t.w.store.listClicks()).map((c) => c.userRef)).toEqual([null, null]);
    expect((await t.w.store.listConsentProofs()).length).toBe(2);
  });
});
