/**
 * Issue 14 item 2: region codes. The EU's own codes (EL for Greece, UK for the United Kingdom) and
 * ISO 3166-1 alpha-2 codes are accepted alike and stored as ISO; an unknown code is a 400 naming it.
 *
 * Fails on the old code: `EL` was stored as is and treated as outside the EU, so a Greek
 * 15-year-old was profiled; `XX` was accepted as "rest of the world".
 */
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { consentAge } from '../../src/consent/decide.js';
import { ISO_3166_ALPHA2, normaliseRegion } from '../../src/domain/index.js';
import { ADMIN, APP, buildTestApp } from '../http/harness.js';
import { configPolicy } from './harness.js';

const everything = ['personalization', 'clickTracking', 'health'].map((purpose) => ({ purpose, granted: true }));

describe('region codes', () => {
  it('a Greek 15-year-old sent as EL (the EU code) is stored as GR, a minor, and never profiled', async () => {
    const t = await buildTestApp();
    const put = await request(t.app).put('/v1/users/gr15').set(APP).send({ displayName: 'Eleni', region: 'EL', ageBand: '13-15' }).expect(200);
    expect(put.body.region).toBe('GR');
    await request(t.app).put('/v1/users/gr15/follows').set(APP).send({ creatorIds: ['c-red'] }).expect(200);
    const consents = await request(t.app).put('/v1/users/gr15/consents').set(APP).send({ events: everything }).expect(200);
    expect(consents.body.decision).toMatchObject({ minor: true, personalization: false, applied: [] });
    const recs = await request(t.app).get('/v1/users/gr15/recommendations').set(APP).expect(200);
    expect(recs.body).toMatchObject({ personalized: false, consent: { minor: true, personalization: false } });
    expect(recs.body.reason).toContain('under 16');
  });

  it('accepts ISO codes in any case and the EU codes alike, and refuses unknown codes with a 400 naming them', async () => {
    const t = await buildTestApp();
    for (const [sent, stored] of [['uk', 'GB'], ['Gb', 'GB'], ['el', 'GR'], ['de', 'DE'], ['XK', 'XK'], ['jp', 'JP']] as const) {
      const res = await request(t.app).put('/v1/users/u1').set(APP).send({ region: sent, ageBand: '25-34' }).expect(200);
      expect(res.body.region, sent).toBe(stored);
    }
    for (const bad of ['XX', 'EU', 'ZZ', 'D', 'DEU', '12']) {
      const res = await request(t.app).put('/v1/users/u2').set(APP).send({ region: bad, ageBand: '25-34' }).expect(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
      expect(res.body.error.details).toEqual([{ path: 'region', message: expect.stringContaining(`unknown region code "${bad}"`) }]);
    }
    await request(t.app).get('/v1/users/u2').set(ADMIN).expect(404); // nothing was stored
  });

  it('world files and imports go through the same rule, per item', async () => {
    const t = await buildTestApp();
    const base = { displayName: 'x', ageBand: '13-15', follows: [], consents: [] };
    const results = await t.w.commands.importShoppers([{ ...base, id: 'a', region: 'EL' }, { ...base, id: 'b', region: 'XX' }]);
    expect(results[0]).toEqual({ id: 'a', ok: true });
    expect(results[1]).toMatchObject({ id: 'b', ok: false, error: { code: 'VALIDATION_FAILED', message: expect.stringContaining('unknown region code "XX"') } });
    expect((await t.w.store.getUser('a'))!.region).toBe('GR');
  });

  it('CONSENT_MIN_AGE_OVERRIDES takes the same codes and refuses unknown ones', () => {
    expect(loadConfig({ CONSENT_MIN_AGE_OVERRIDES: 'EL:15,uk:13' }).CONSENT_MIN_AGE_OVERRIDES).toEqual({ GR: 15, GB: 13 });
    expect(() => loadConfig({ CONSENT_MIN_AGE_OVERRIDES: 'XX:14' })).toThrow(/CONSENT_MIN_AGE_OVERRIDES: unknown region code "XX"/);
  });

  it('the list is ISO 3166-1 (249 assigned codes); a stored unknown code gets the strictest age', () => {
    expect(ISO_3166_ALPHA2.size).toBe(249);
    for (const code of ['DE', 'GR', 'GB', 'US', 'AX', 'SS', 'CW', 'BQ']) expect(normaliseRegion(code)).toBe(code);
    expect(normaliseRegion(' el ')).toBe('GR');
    expect(normaliseRegion('YU')).toBeUndefined(); // withdrawn (Yugoslavia)
    const policy = configPolicy();
    expect(consentAge('EL', policy)).toBe(16); // EU
    expect(consentAge('UK', policy)).toBe(13);
    expect(consentAge('QQ', policy)).toBe(16); // data from before codes were checked: strictest, not "elsewhere"
  });
});
