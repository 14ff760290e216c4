/**
 * Shoppers, follows, the append-only consent ledger and erasure (GDPR Art. 17) in PostgreSQL:
 * the same contract as sqlite-people.ts. Everything here decides consent or linking, so every
 * read goes to the primary, never to a lagging replica. The ledger's append-only rule is a
 * trigger (pg-migrations.ts); an erasure lifts it for its own transaction and user only.
 */
import { randomBytes } from 'node:crypto';
import type { ConsentEvent, Shopper } from '../domain/index.js';
import { AppError } from '../errors.js';
import { tx, type PgPools } from './pg-pool.js';
import { subjectHash } from './sqlite-people.js';
import type { PeopleOps } from './areas.js';

interface UserRow { id: string; display_name: string; region: string; age_band: Shopper['ageBand']; demo: boolean }
/** A ledger entry as shopperReadSet's json_build_object spells it: already the domain shape. */
type ConsentJson = ConsentEvent;
const toUser = (r: UserRow): Shopper => ({ id: r.id, displayName: r.display_name, region: r.region, ageBand: r.age_band, demo: r.demo });

export function pgPeople({ primary: db, read }: PgPools, salt: string): PeopleOps {
  const requireUser = async (c: { query: typeof db.query }, userId: string) => {
    // FOR SHARE: an erasure cannot run between this check and the write that depends on it.
    const r = await c.query('SELECT 1 FROM users WHERE id = $1 FOR SHARE', [userId]);
    if (r.rowCount === 0) throw new AppError('NOT_FOUND', `No user with id "${userId}".`);
  };

  return {
    async upsertUser(user) {
      await tx(db, async (c) => {
        await c.query(
          // demo: undefined (NULL) keeps what is stored; a new shopper is not a persona.
          `INSERT INTO users (id, display_name, region, age_band, demo) VALUES ($1, $2, $3, $4, COALESCE($5::boolean, false))
           ON CONFLICT (id) DO UPDATE SET display_name = excluded.display_name, region = excluded.region, age_band = excluded.age_band,
             demo = COALESCE($5::boolean, users.demo)`,
          [user.id, user.displayName, user.region, user.ageBand, user.demo ?? null],
        );
        await c.query('INSERT INTO link_refs (ref, user_id) VALUES ($1, $2) ON CONFLICT (user_id) DO NOTHING', [randomBytes(16).toString('base64url'), user.id]);
      });
    },
    async getUser(id) {
      const { rows } = await db.query<UserRow>('SELECT * FROM users WHERE id = $1', [id]);
      return rows[0] ? toUser(rows[0]) : undefined;
    },
    async listUsers(page) {
      if (!page) return (await read.query<UserRow>('SELECT * FROM users ORDER BY id COLLATE "C"')).rows.map(toUser);
      // Keyset paging in byte order, as SQLite's: "after" is the last id of the previous page.
      const { rows } = await read.query<UserRow>('SELECT * FROM users WHERE id COLLATE "C" > $1 ORDER BY id COLLATE "C" LIMIT $2', [page.after ?? '', page.limit]);
      return rows.map(toUser);
    },
    async linkRefOf(userId) {
      return (await db.query<{ ref: string }>('SELECT ref FROM link_refs WHERE user_id = $1', [userId])).rows[0]?.ref;
    },
    async userOfLinkRef(ref) {
      return (await db.query<{ user_id: string }>('SELECT user_id FROM link_refs WHERE ref = $1', [ref])).rows[0]?.user_id;
    },
    async setFollows(userId, creatorIds) {
      const ids = [...new Set(creatorIds)];
      await tx(db, async (c) => {
        await requireUser(c, userId);
        const { rows } = await c.query<{ id: string }>('SELECT id FROM creators WHERE id = ANY($1) FOR SHARE', [ids]);
        const known = new Set(rows.map((r) => r.id));
        const unknown = ids.flatMap((id, i) => (known.has(id) ? [] : [{ path: `creatorIds.${i}`, message: `No creator with id "${id}".` }]));
        if (unknown.length > 0) throw new AppError('VALIDATION_FAILED', 'Some followed creators do not exist.', unknown);
        await c.query('DELETE FROM follows WHERE user_id = $1', [userId]);
        if (ids.length > 0) {
          await c.query(
            'INSERT INTO follows (user_id, creator_id, position) SELECT $1, id, ord - 1 FROM unnest($2::text[]) WITH ORDINALITY AS t(id, ord)',
            [userId, ids],
          );
        }
      });
    },
    async addFollow(userId, creatorId) {
      return tx(db, async (c) => {
        // FOR NO KEY UPDATE: concurrent follows of one shopper take positions one after another
        // (and an erasure cannot run between this check and the insert).
        const u = await c.query('SELECT 1 FROM users WHERE id = $1 FOR NO KEY UPDATE', [userId]);
        if (u.rowCount === 0) throw new AppError('NOT_FOUND', `No user with id "${userId}".`);
        const cr = await c.query('SELECT 1 FROM creators WHERE id = $1 FOR SHARE', [creatorId]);
        if (cr.rowCount === 0) throw new AppError('NOT_FOUND', `No creator with id "${creatorId}".`);
        const r = await c.query(
          `INSERT INTO follows (user_id, creator_id, position)
           SELECT $1, $2, COALESCE(max(position) + 1, 0) FROM follows WHERE user_id = $1
           ON CONFLICT (user_id, creator_id) DO NOTHING`,
          [userId, creatorId],
        );
        return (r.rowCount ?? 0) > 0;
      });
    },
    async removeFollow(userId, creatorId) {
      return ((await db.query('DELETE FROM follows WHERE user_id = $1 AND creator_id = $2', [userId, creatorId])).rowCount ?? 0) > 0;
    },
    async getFollows(userId) {
      return (await db.query<{ creator_id: string }>('SELECT creator_id FROM follows WHERE user_id = $1 ORDER BY position', [userId])).rows.map((r) => r.creator_id);
    },
    async shopperReadSet(userId) {
      // One statement, so one round trip and one snapshot: what recommend/search/similar read
      // per request (each was its own round trip before). json_agg keeps ledger and follow order.
      const { rows } = await db.query<UserRow & { consents: ConsentJson[]; follows: string[]; link_ref: string | null }>(
        `SELECT u.id, u.display_name, u.region, u.age_band, u.demo,
           (SELECT coalesce(json_agg(json_build_object('purpose', e.purpose, 'granted', e.granted, 'at', e.at, 'source', e.source, 'policyVersion', e.policy_version)
              ORDER BY e.seq), '[]') FROM consent_events e WHERE e.user_id = u.id) AS consents,
           (SELECT coalesce(json_agg(f.creator_id ORDER BY f.position), '[]') FROM follows f WHERE f.user_id = u.id) AS follows,
           (SELECT r.ref FROM link_refs r WHERE r.user_id = u.id) AS link_ref
         FROM users u WHERE u.id = $1`,
        [userId],
      );
      const r = rows[0];
      if (!r) return undefined;
      return { user: toUser(r), consents: r.consents, follows: r.follows, linkRef: r.link_ref ?? undefined };
    },
    async eraseUser(userId) {
      return tx(db, async (c) => {
        // Feedback events go with the user row (ON DELETE CASCADE, PG migration 6).
        await c.query('UPDATE clicks SET user_ref = NULL WHERE user_ref = (SELECT ref FROM link_refs WHERE user_id = $1)', [userId]);
        await c.query('DELETE FROM link_refs WHERE user_id = $1', [userId]);
        const existed = ((await c.query('DELETE FROM users WHERE id = $1', [userId])).rowCount ?? 0) > 0;
        await c.query(
          `INSERT INTO consent_proofs (subject_hash, purpose, granted, at, policy_version)
           SELECT $1, purpose, granted, at, policy_version FROM consent_events WHERE user_id = $2 ORDER BY seq`,
          [subjectHash(salt, userId), userId],
        );
        // The trigger lets exactly this user's events go, in this transaction only.
        await c.query("SELECT set_config('app.erasing', $1, true)", [userId]);
        await c.query('DELETE FROM consent_events WHERE user_id = $1', [userId]);
        return existed;
      });
    },
    async appendConsents(userId, events) {
      await tx(db, async (c) => {
        await requireUser(c, userId);
        for (const e of events) {
          await c.query(
            'INSERT INTO consent_events (user_id, purpose, granted, at, source, policy_version) VALUES ($1, $2, $3, $4, $5, $6)',
            [userId, e.purpose, e.granted, new Date(e.at).toISOString(), e.source, e.policyVersion],
          );
        }
      });
    },
    async listConsents(userId) {
      const { rows } = await db.query<{ purpose: ConsentEvent['purpose']; granted: boolean; at: string; source: string; policy_version: string }>(
        'SELECT purpose, granted, at, source, policy_version FROM consent_events WHERE user_id = $1 ORDER BY seq', [userId],
      );
      return rows.map((r) => ({ purpose: r.purpose, granted: r.granted, at: r.at, source: r.source, policyVersion: r.policy_version }));
    },
    async listConsentProofs() {
      const { rows } = await db.query<{ subject_hash: string; purpose: ConsentEvent['purpose']; granted: boolean; at: string; policy_version: string }>(
        'SELECT subject_hash, purpose, granted, at, policy_version FROM consent_proofs ORDER BY seq',
      );
      return rows.map((r) => ({ subjectHash: r.subject_hash, purpose: r.purpose, granted: r.granted, at: r.at, policyVersion: r.policy_version }));
    },
  };
}
