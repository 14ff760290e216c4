import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { subjectHash } from '../../src/store/sqlite-people.js';
import { openSqliteStore } from '../../src/store/sqlite-store.js';
import type { Click } from '../../src/domain/index.js';

const user = { id: 'u1', displayName: 'Ana', region: 'DE', ageBand: '25-34' as const };
const grant = (purpose: 'personalization' | 'clickTracking' | 'health', granted: boolean, at: string) => ({
  purpose, granted, at, source: 'settings-page', policyVersion: '2026-01',
});

describe('consent ledger', () => {
  it('is append-only at the database level, and erasure keeps only minimal salted proof', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'consent-')), 'store.db');
    const s = openSqliteStore({ path, consentProofSalt: 'pepper' });
    await s.upsertUser(user);
    await expect(s.appendConsents('ghost', [grant('health', true, '2026-01-01T00:00:00Z')])).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await s.appendConsents('u1', [grant('personalization', true, '2026-01-01T00:00:00Z')]);
    await s.appendConsents('u1', [grant('personalization', false, '2026-01-02T00:00:00Z'), grant('health', true, '2026-01-03T00:00:00Z')]);
    expect((await s.listConsents('u1')).map((e) => [e.purpose, e.granted])).toEqual([
      ['personalization', true], ['personalization', false], ['health', true],
    ]);
    const ref = (await s.linkRefOf('u1'))!;
    await s.recordClick({ at: '2026-01-05T00:00:00Z', productId: 'p1', merchant: 'm', network: 'amazon', creatorCode: 'cc1', userRef: ref });
    await s.setFollows('u1', []);

    // Nothing, not even raw SQL through another connection, may rewrite or remove history.
    const raw = new Database(path);
    expect(() => raw.prepare("UPDATE consent_events SET granted = 0").run()).toThrow(/append-only/);
    expect(() => raw.prepare('DELETE FROM consent_events').run()).toThrow(/append-only/);

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
    expect(() => raw.prepare('DELETE FROM consent_proofs').run()).toThrow(/append-only/);
    const leftovers = raw.prepare("SELECT COUNT(*) AS n FROM consent_events WHERE user_id = 'u1'").get() as { n: number };
    expect(leftovers.n).toBe(0);
    raw.close();
    await s.close();
  });
});

describe('clicks', () => {
  const click = (at: string, productId: string, network: Click['network'], creatorCode: string | null, userRef: string | null): Click => ({
    at, productId, merchant: `m-${network}`, network, creatorCode, userRef,
  });

  it('groups by creator, product or network within an inclusive date range', async () => {
    const s = openSqliteStore({ path: ':memory:' });
    await s.recordClick(click('2026-01-01T09:00:00Z', 'p1', 'amazon', 'cc1', 'u1'));
    await s.recordClick(click('2026-01-15T09:00:00Z', 'p1', 'amazon', 'cc1', null));
    await s.recordClick(click('2026-01-31T23:00:00Z', 'p2', 'cj', null, 'u1'));
    await s.recordClick(click('2026-02-01T00:00:00Z', 'p3', 'cj', 'cc2', 'u2'));

    expect(await s.clickReport('creator')).toEqual([
      { key: 'cc1', clicks: 2 }, { key: '(none)', clicks: 1 }, { key: 'cc2', clicks: 1 },
    ]);
    expect(await s.clickReport('network', { from: '2026-01-10', to: '2026-01-31' })).toEqual([
      { key: 'amazon', clicks: 1 }, { key: 'cj', clicks: 1 },
    ]);
    expect(await s.clickReport('product', { from: '2026-01-31T00:00:00Z' })).toEqual([
      { key: 'p2', clicks: 1 }, { key: 'p3', clicks: 1 },
    ]);
    expect((await s.listClicks({ to: '2026-01-15T09:00:00Z' })).map((c) => c.productId)).toEqual(['p1', 'p1']);
    expect(await s.clickedProducts('u1')).toEqual(new Set(['p1', 'p2']));
    await s.close();
  });
});
