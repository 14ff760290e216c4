/**
 * Shoppers, follows, the append-only consent ledger and erasure (GDPR Art. 17) in SQLite.
 *
 * Every shopper gets a random link pseudonym when created (`link_refs`): links and clicks carry
 * that, never the id. Erasure deletes the user row (follows and the pseudonym cascade), nulls the
 * user link of their clicks, and moves each consent event into `consent_proofs` as { salted hash
 * of the id, purpose, granted, at, policyVersion }: Art. 7(1) requires us to be able to
 * demonstrate consent, nothing more. With `secure_delete` on and a TRUNCATE checkpoint after each
 * erasure, none of it stays readable in store.db, its WAL or SHM. A new shopper created later with the same id gets a new
 * pseudonym, so a link issued before the erasure can never be credited to them.
 */
import { createHash, randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { ConsentEvent, Shopper } from '../domain/index.js';
import { AppError } from '../errors.js';
import type { ConsentProof } from './types.js';
import type { PeopleOps } from './areas.js';

interface UserRow { id: string; display_name: string; region: string; age_band: Shopper['ageBand']; demo: number }
interface ConsentRow { purpose: ConsentEvent['purpose']; granted: number; at: string; source: string; policy_version: string }

const toUser = (r: UserRow): Shopper => ({ id: r.id, displayName: r.display_name, region: r.region, ageBand: r.age_band, demo: r.demo === 1 });
const toConsent = (r: ConsentRow): ConsentEvent => ({ purpose: r.purpose, granted: r.granted === 1, at: r.at, source: r.source, policyVersion: r.policy_version });

/** `salt` keeps proof hashes from being reversed by hashing candidate user ids. */
export function sqlitePeople(db: Database.Database, salt: string): PeopleOps {
  const s = {
    upsertUser: db.prepare(
      `INSERT INTO users (id, display_name, region, age_band, demo) VALUES (@id, @displayName, @region, @ageBand, COALESCE(@demo, 0))
       ON CONFLICT(id) DO UPDATE SET display_name = excluded.display_name, region = excluded.region, age_band = excluded.age_band,
         demo = COALESCE(@demo, users.demo)`,
    ),
    getUser: db.prepare<[string], UserRow>('SELECT * FROM users WHERE id = ?'),
    newRef: db.prepare('INSERT OR IGNORE INTO link_refs (ref, user_id) VALUES (?, ?)'),
    refOf: db.prepare<[string], { ref: string }>('SELECT ref FROM link_refs WHERE user_id = ?'),
    userOfRef: db.prepare<[string], { user_id: string }>('SELECT user_id FROM link_refs WHERE ref = ?'),
    listUsers: db.prepare<[], UserRow>('SELECT * FROM users ORDER BY id'),
    pageUsers: db.prepare<[string, number], UserRow>('SELECT * FROM users WHERE id > ? ORDER BY id LIMIT ?'),
    nextPosition: db.prepare<[string], { next: number }>('SELECT COALESCE(MAX(position) + 1, 0) AS next FROM follows WHERE user_id = ?'),
    removeFollow: db.prepare('DELETE FROM follows WHERE user_id = ? AND creator_id = ?'),
    deleteUser: db.prepare('DELETE FROM users WHERE id = ?'),
    clearFollows: db.prepare('DELETE FROM follows WHERE user_id = ?'),
    addFollow: db.prepare('INSERT OR IGNORE INTO follows (user_id, creator_id, position) VALUES (?, ?, ?)'),
    getFollows: db.prepare<[string], { creator_id: string }>('SELECT creator_id FROM follows WHERE user_id = ? ORDER BY position'),
    creatorExists: db.prepare<[string], { one: number }>('SELECT 1 AS one FROM creators WHERE id = ?'),
    appendConsent: db.prepare(
      `INSERT INTO consent_events (user_id, purpose, granted, at, source, policy_version)
       VALUES (@userId, @purpose, @granted, @at, @source, @policyVersion)`,
    ),
    listConsents: db.prepare<[string], ConsentRow>(
      'SELECT purpose, granted, at, source, policy_version FROM consent_events WHERE user_id = ? ORDER BY seq',
    ),
    guard: db.prepare('INSERT OR IGNORE INTO erasure_guard (user_id) VALUES (?)'),
    unguard: db.prepare('DELETE FROM erasure_guard WHERE user_id = ?'),
    moveToProofs: db.prepare(
      `INSERT INTO consent_proofs (subject_hash, purpose, granted, at, policy_version)
       SELECT ?, purpose, granted, at, policy_version FROM consent_events WHERE user_id = ? ORDER BY seq`,
    ),
    dropConsents: db.prepare('DELETE FROM consent_events WHERE user_id = ?'),
    unlinkClicks: db.prepare('UPDATE clicks SET user_ref = NULL WHERE user_ref = (SELECT ref FROM link_refs WHERE user_id = ?)'),
    listProofs: db.prepare<[], { subject_hash: string } & Omit<ConsentRow, 'source'>>(
      'SELECT subject_hash, purpose, granted, at, policy_version FROM consent_proofs ORDER BY seq',
    ),
  };

  const requireUser = (userId: string) => {
    if (!s.getUser.get(userId)) throw new AppError('NOT_FOUND', `No user with id "${userId}".`);
  };

  const setFollows = db.transaction((userId: string, creatorIds: string[]) => {
    requireUser(userId);
    const unknown = creatorIds.flatMap((id, i) => (s.creatorExists.get(id) ? [] : [{ path: `creatorIds.${i}`, message: `No creator with id "${id}".` }]));
    if (unknown.length > 0) throw new AppError('VALIDATION_FAILED', 'Some followed creators do not exist.', unknown);
    s.clearFollows.run(userId);
    creatorIds.forEach((id, i) => s.addFollow.run(userId, id, i));
  });

  const addFollow = db.transaction((userId: string, creatorId: string): boolean => {
    requireUser(userId);
    if (!s.creatorExists.get(creatorId)) throw new AppError('NOT_FOUND', `No creator with id "${creatorId}".`);
    return s.addFollow.run(userId, creatorId, s.nextPosition.get(userId)!.next).changes > 0;
  });

  const appendConsents = db.transaction((userId: string, events: ConsentEvent[]) => {
    requireUser(userId);
    for (const e of events) {
      s.appendConsent.run({ userId, purpose: e.purpose, granted: e.granted ? 1 : 0, at: new Date(e.at).toISOString(), source: e.source, policyVersion: e.policyVersion });
    }
  });

  const upsertUser = db.transaction((user: Shopper) => {
    // demo: undefined keeps what is stored (a new shopper is not a persona).
    s.upsertUser.run({ id: user.id, displayName: user.displayName, region: user.region, ageBand: user.ageBand, demo: user.demo === undefined ? null : user.demo ? 1 : 0 });
    s.newRef.run(randomBytes(16).toString('base64url'), user.id); // ignored when the shopper has one
  });

  const eraseUser = db.transaction((userId: string) => {
    s.unlinkClicks.run(userId); // before the pseudonym goes with the user row
    const existed = s.deleteUser.run(userId).changes > 0;
    s.guard.run(userId);
    s.moveToProofs.run(subjectHash(salt, userId), userId);
    s.dropConsents.run(userId);
    s.unguard.run(userId);
    return existed;
  });

  // One synchronous read on the store's only connection: no write can come between its parts.
  const readSet = db.transaction((userId: string) => {
    const u = s.getUser.get(userId);
    if (!u) return undefined;
    return {
      user: toUser(u),
      consents: s.listConsents.all(userId).map(toConsent),
      follows: s.getFollows.all(userId).map((r) => r.creator_id),
      linkRef: s.refOf.get(userId)?.ref,
    };
  });

  const checkpoint = () => {
    const [result] = db.pragma('wal_checkpoint(TRUNCATE)') as Array<{ busy: number; log: number; checkpointed: number }>;
    // Busy only while another connection reads an older snapshot; the store owns its only connection.
    if (result && result.busy !== 0) throw new AppError('STORE_UNAVAILABLE', 'The erasure is committed, but the write-ahead log still holds the old pages; send the DELETE again to empty it.');
  };

  return {
    async upsertUser(user) {
      upsertUser(user);
    },
    async linkRefOf(userId) {
      return s.refOf.get(userId)?.ref;
    },
    async userOfLinkRef(ref) {
      return s.userOfRef.get(ref)?.user_id;
    },
    async getUser(id) {
      const r = s.getUser.get(id);
      return r ? toUser(r) : undefined;
    },
    async listUsers(page) {
      return (page ? s.pageUsers.all(page.after ?? '', page.limit) : s.listUsers.all()).map(toUser);
    },
    async addFollow(userId, creatorId) {
      return addFollow(userId, creatorId);
    },
    async removeFollow(userId, creatorId) {
      return s.removeFollow.run(userId, creatorId).changes > 0;
    },
    async setFollows(userId, creatorIds) {
      setFollows(userId, [...new Set(creatorIds)]);
    },
    async getFollows(userId) {
      return s.getFollows.all(userId).map((r) => r.creator_id);
    },
    async eraseUser(userId) {
      const existed = eraseUser(userId);
      // The committed transaction zeroed the rows in the database pages (secure_delete), but the
      // WAL still holds the old page images: copy it back and truncate it to zero bytes, so the
      // erased id, name, region, age band, consent sources and pseudonym are in no file at all.
      checkpoint(); // also on a repeated DELETE, which is how a caller retries a failed checkpoint
      return existed;
    },
    async appendConsents(userId, events) {
      appendConsents(userId, events);
    },
    async listConsents(userId) {
      return s.listConsents.all(userId).map(toConsent);
    },
    async shopperReadSet(userId) {
      return readSet(userId);
    },
    async listConsentProofs(): Promise<ConsentProof[]> {
      return s.listProofs.all().map((r) => ({
        subjectHash: r.subject_hash, purpose: r.purpose, granted: r.granted === 1, at: r.at, policyVersion: r.policy_version,
      }));
    },
  };
}

/** Salted SHA-256 of a user id, as kept in consent proofs. */
export function subjectHash(salt: string, userId: string): string {
  return createHash('sha256').update(salt).update('\0').update(userId).digest('hex');
}
