/**
 * Shoppers' feedback events in PostgreSQL: the same contract as sqlite-feedback.ts. Ids are one
 * bigserial sequence (never reused), so "after id X" pages stably while new events arrive; rows
 * go with the shopper (ON DELETE CASCADE), so an erasure leaves none behind.
 */
import type { FeedbackEvent, StoredFeedback } from '../domain/index.js';
import { AppError } from '../errors.js';
import { tx, type PgPools } from './pg-pool.js';
import type { FeedbackOps } from './areas.js';

interface Row { seq: string; type: FeedbackEvent['type']; product_id: string | null; post_id: string | null; at: string }

const toEvent = (r: Row): StoredFeedback => ({
  id: r.seq,
  type: r.type,
  ...(r.product_id !== null ? { productId: r.product_id } : { postId: r.post_id! }),
  at: r.at,
});

/** As SQLite's: page sizes above this are clamped. */
const MAX_PAGE = 10_000;
/** Ids are decimal sequence numbers; anything else matches no event (as SQLite's Number() does). */
const seqOf = (id: string) => (/^\d{1,18}$/.test(id) ? id : null);

export function pgFeedback({ primary: db }: PgPools): FeedbackOps {
  return {
    async appendFeedback(userId, events) {
      return tx(db, async (c) => {
        // FOR SHARE: an erasure cannot run between this check and the inserts.
        const u = await c.query('SELECT 1 FROM users WHERE id = $1 FOR SHARE', [userId]);
        if (u.rowCount === 0) throw new AppError('NOT_FOUND', `No shopper with id "${userId}".`);
        if (events.length === 0) return [];
        const at = events.map((e) => new Date(e.at).toISOString());
        // WITH ORDINALITY + ORDER BY: sequence numbers are drawn in input order.
        const { rows } = await c.query<Row & { ord: string }>(
          `INSERT INTO feedback_events (user_id, type, product_id, post_id, at)
           SELECT $1, type, product_id, post_id, at FROM unnest($2::text[], $3::text[], $4::text[], $5::text[]) WITH ORDINALITY AS t(type, product_id, post_id, at, ord)
           ORDER BY ord
           RETURNING seq::text AS seq, type, product_id, post_id, at`,
          [userId, events.map((e) => e.type), events.map((e) => e.productId ?? null), events.map((e) => e.postId ?? null), at],
        );
        return rows.sort((a, b) => (BigInt(a.seq) < BigInt(b.seq) ? -1 : 1)).map(toEvent);
      });
    },
    async listFeedback(userId, page) {
      const cols = 'SELECT seq::text AS seq, type, product_id, post_id, at FROM feedback_events WHERE user_id = $1';
      if (!page) return (await db.query<Row>(`${cols} ORDER BY seq`, [userId])).rows.map(toEvent);
      const after = page.after === undefined ? '0' : (seqOf(page.after) ?? '0');
      const limit = Math.min(Math.max(1, page.limit ?? MAX_PAGE), MAX_PAGE);
      return (await db.query<Row>(`${cols} AND seq > $2 ORDER BY seq LIMIT $3`, [userId, after, limit])).rows.map(toEvent);
    },
    async shopperActivity(userId, { userRef, feedback }) {
      // One statement: each subquery's constant condition ($2 null, $3 false) is a one-time
      // filter, so what the decision does not allow is not read at all.
      const { rows } = await db.query<{ clicked: string[]; feedback: Row[] }>(
        `SELECT ARRAY(SELECT DISTINCT product_id FROM clicks WHERE $2::text IS NOT NULL AND user_ref = $2) AS clicked,
                ARRAY(SELECT json_build_object('seq', seq::text, 'type', type, 'product_id', product_id, 'post_id', post_id, 'at', at)
                      FROM feedback_events WHERE $3::boolean AND user_id = $1 ORDER BY seq) AS feedback`,
        [userId, userRef, feedback],
      );
      return { clicked: new Set(rows[0]!.clicked), feedback: rows[0]!.feedback.map(toEvent) };
    },
    async deleteFeedback(userId, ids) {
      if (ids === undefined) return (await db.query('DELETE FROM feedback_events WHERE user_id = $1', [userId])).rowCount ?? 0;
      const seqs = ids.flatMap((id) => seqOf(id) ?? []);
      if (seqs.length === 0) return 0;
      return (await db.query('DELETE FROM feedback_events WHERE user_id = $1 AND seq = ANY($2::int8[])', [userId, seqs])).rowCount ?? 0;
    },
  };
}
