/**
 * Issue 14 item 10: erasure leaves no readable trace in the files. A shopper with distinctive
 * strings as id, display name and consent source, a rarely used region and age band, follows,
 * consent events, a link pseudonym and linked clicks is erased through `DELETE /v1/users/:id`;
 * then the raw bytes of store.db, its WAL and its SHM are searched, while the service still runs
 * and again after it closed.
 *
 * Fails on the old code: the id, name and source were found in store.db and the WAL (no
 * secure_delete, no checkpoint after erasure).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { ADMIN, APP, buildTestApp } from '../http/harness.js';

const ID = 'erase-me-7f3a9c';
const NAME = 'Zebulon Quixotic-Vantablack';
const SOURCE = 'kiosk-zq-9931-consent-screen';
const KEEP_ID = 'keep-me-2b8d41';
const KEEP_NAME = 'Ottilie Keepwell';

function files(dataDir: string): Array<{ name: string; bytes: Buffer }> {
  return ['store.db', 'store.db-wal', 'store.db-shm']
    .map((name) => ({ name, path: join(dataDir, name) }))
    .filter((f) => existsSync(f.path))
    .map((f) => ({ name: f.name, bytes: readFileSync(f.path) }));
}

/** Every needle (as UTF-8 and, for safety, UTF-16LE) and the files that still contain it. */
function traces(dataDir: string, needles: string[]): string[] {
  const found: string[] = [];
  for (const f of files(dataDir)) {
    for (const n of needles) {
      if (f.bytes.includes(Buffer.from(n, 'utf8')) || f.bytes.includes(Buffer.from(n, 'utf16le'))) found.push(`${n} in ${f.name}`);
    }
  }
  return found;
}

describe('erasure leaves no readable trace in the files', () => {
  it('the id, name, region, age band, consent source, pseudonym and click link are gone from store.db, WAL and SHM', async () => {
    const t = await buildTestApp();
    const dataDir = t.config.DATA_DIR;
    // Two shoppers: the one erased, and one who stays (their data must survive, as a control).
    for (const [id, displayName] of [[ID, NAME], [KEEP_ID, KEEP_NAME]] as const) {
      await request(t.app).put(`/v1/users/${id}`).set(APP).send({ displayName, region: 'LU', ageBand: '55+' }).expect(200);
      await request(t.app).put(`/v1/users/${id}/follows`).set(APP).send({ creatorIds: ['c-red', 'c-blue'] }).expect(200);
      const events = ['personalization', 'clickTracking'].map((purpose) => ({ purpose, granted: true, source: `${SOURCE}-${id}` }));
      await request(t.app).put(`/v1/users/${id}/consents`).set(APP).send({ events }).expect(200);
      // A name change: the old value must not linger in a freed cell either.
      await request(t.app).put(`/v1/users/${id}`).set(APP).send({ displayName: `${displayName} Jr`, region: 'LU', ageBand: '55+' }).expect(200);
      const recs = await request(t.app).get(`/v1/users/${id}/recommendations?limit=3`).set(APP).expect(200);
      for (const item of recs.body.items) await request(t.app).get(item.affiliateUrl).expect(302);
    }
    const ref = (await t.w.store.linkRefOf(ID))!;
    const keepRef = (await t.w.store.linkRefOf(KEEP_ID))!;
    expect(ref).toEqual(expect.any(String));
    // The erased shopper's record as SQLite lays it out (name, region, age band side by side).
    const record = `${NAME} JrLU55+`;
    const needles = [ID, NAME, `${SOURCE}-${ID}`, ref, record];
    // Before: every one of them is in the files (so the search below can find what it looks for).
    for (const n of needles) expect(traces(dataDir, [n]), n).not.toEqual([]);

    await request(t.app).delete(`/v1/users/${ID}`).set(ADMIN).expect(200);

    expect(traces(dataDir, needles)).toEqual([]);
    // The control shopper is untouched, and their clicks are still linked.
    expect(traces(dataDir, [KEEP_ID, KEEP_NAME, `${SOURCE}-${KEEP_ID}`, keepRef]).length).toBeGreaterThan(0);
    const clicks = await t.w.store.listClicks();
    expect(clicks.filter((c) => c.userRef === keepRef)).toHaveLength(3);
    expect(clicks.filter((c) => c.userRef === null)).toHaveLength(3); // the erased shopper's, unlinked
    expect((await t.w.store.listConsentProofs()).length).toBe(2); // the minimal proof, under a salted hash

    // Writes after the erasure, and closing, bring nothing back.
    await request(t.app).put('/v1/users/later').set(APP).send({ region: 'DE', ageBand: '25-34' }).expect(200);
    await t.w.service.close();
    expect(traces(dataDir, needles)).toEqual([]);
  });
});
