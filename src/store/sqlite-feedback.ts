/**
 * Shoppers' feedback events in SQLite. Ids are the table's AUTOINCREMENT sequence (never reused),
 * so "after id X" pages stably while new events arrive. Rows go with the shopper
 * (ON DELETE CASCADE): erasure leaves none behind.
 */
import type Database from 'better-sqlite3';
import type { FeedbackEvent, StoredFeedback } from '../domain/index.js';
import { AppError } from '../errors.js';
import type { FeedbackOps } from './areas.js';

interface Row { seq: number; type: FeedbackEvent['type']; product_id: string | null; post_id: string | null; at: string }

const toEvent = (r: Row): StoredFeedback => ({
  id: String(r.seq),
  type: r.type,
  ...(r.product_id !== null ? { productId: r.product_id } : { postId: r.post_id! }),
  at: r.at,
});

/** Page sizes above this are clamped: one call never materialises an unbounded history twice. */
const MAX_PAGE = 10_000;

export function sqliteFeedback(db: Database.Database): FeedbackOps {
  const s = {
    userExists: db.prepare<[string], { one: number }>('SELECT 1 AS one FROM users WHERE id = ?'),
    insert: db.prepare<{ userId: string; type: string; productId: string | null; postId: string | null; at: string }>(
      'INSERT INTO feedback_events (user_id, type, product_id, post_id, at) VALUES (@userId, @type, @productId, @postId, @at)',
    ),
    page: db.prepare<[string, number, number], Row>('SELECT seq, type, product_id, post_id, at FROM feedback_events WHERE user_id = ? AND seq > ? ORDER BY seq LIMIT ?'),
    all: db.prepare<[string], Row>('SELECT seq, type, product_id, post_id, at FROM feedback_events WHERE user_id = ? ORDER BY seq'),
    deleteAll: db.prepare<[string]>('DELETE FROM feedback_events WHERE user_id = ?'),
    deleteSome: db.prepare<[string, string]>('DELETE FROM feedback_events WHERE user_id = ? AND seq IN (SELECT value FROM json_each(?))'),
    clicked: db.prepare<[string], string>('SELECT DISTINCT product_id FROM clicks WHERE user_ref = ?').pluck(),
  };
  // One snapshot, as a server backend's single statement gives.
  const activity = db.transaction((userId: string, userRef: string | null, feedback: boolean) => ({
    clicked: new Set(userRef === null ? [] : s.clicked.all(userRef)),
    feedback: feedback ? s.all.all(userId).map(toEvent) : [],
  }));

  const append = db.transaction((userId: string, events: FeedbackEvent[]): StoredFeedback[] => {
    if (!s.userExists.get(userId)) throw new AppError('NOT_FOUND', `No shopper with id "${userId}".`);
    return events.map((e) => {
      const at = new Date(e.at).toISOString();
      const { lastInsertRowid } = s.insert.run({ userId, type: e.type, productId: e.productId ?? null, postId: e.postId ?? null, at });
      return { id: String(lastInsertRowid), type: e.type, ...(e.productId !== undefined ? { productId: e.productId } : { postId: e.postId! }), at };
    });
  });

  return {
    async appendFeedback(userId, events) {
      return append(userId, events);
    },
    async listFeedback(userId, page) {
      if (!page) return s.all.all(userId).map(toEvent);
      const after = page.after === undefined ? 0 : Number(page.after);
      const limit = Math.min(Math.max(1, page.limit ?? MAX_PAGE), MAX_PAGE);
      return s.page.all(userId, Number.isFinite(after) ? after : 0, limit).map(toEvent);
    },
    async shopperActivity(userId, { userRef, feedback }) {
      return activity(userId, userRef, feedback);
    },
    async deleteFeedback(userId, ids) {
      if (ids === undefined) return s.deleteAll.run(userId).changes;
      if (ids.length === 0) return 0;
      return s.deleteSome.run(userId, JSON.stringify(ids.map(Number))).changes;
    },
  };
}
