/**
 * Click reports and the admin-only mapping from creator codes back to creators.
 *
 * Rows are aggregates computed by the store; a page is cut from the whole report with a keyset on
 * the report's own order (most clicked first, or key then day for time series), so paging stays
 * stable while clicks arrive. Nothing here reads a shopper's pseudonym: a report cannot single out
 * a shopper, erased or not (erasure nulls the click's pseudonym; the aggregate counts remain).
 */
import { z } from 'zod';
import type { ClickGroupBy as StoreGroupBy, ClickReportRow as StoreRow } from '../../store/types.js';
import type { Creator } from '../../domain/index.js';
import type { CoreDeps } from '../deps.js';
import { decodeCursor, pageOf, type Page } from '../cursor.js';
import type { ClickGroupBy, ClickReport, ClickReportRow, PageQuery } from '../schemas.js';

const ReportPosition = z.object({ clicks: z.number(), key: z.string(), day: z.string().nullable().default(null) });
type Position = z.infer<typeof ReportPosition>;

export interface ClickReportQuery {
  groupBy: ClickGroupBy;
  from?: string;
  to?: string;
  /** Add who each creator code belongs to (the caller checked the admin scope). */
  reveal?: boolean;
}

const byteOrder = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The report's order, as the store sorts it; used to find the rows after a cursor. */
function comparator(timeSeries: boolean) {
  return (a: Position, b: Position) =>
    timeSeries ? byteOrder(a.key, b.key) || byteOrder(a.day ?? '', b.day ?? '') : b.clicks - a.clicks || byteOrder(a.key, b.key);
}

const creatorRef = (c: Creator) => ({ id: c.id, handle: c.handle, displayName: c.displayName });

export function createReportReads({ store }: Pick<CoreDeps, 'store'>) {
  return {
    /** Click counts over a range, a page at a time. @throws VALIDATION_FAILED for a cursor of another report */
    async clickReport(q: ClickReportQuery, page: PageQuery): Promise<ClickReport> {
      const [key, split] = q.groupBy.split(',') as [StoreGroupBy, string?];
      const byDay = split === 'day';
      const all = await store.clickReport(key, { from: q.from, to: q.to, byDay });
      const list = `clicks:${q.groupBy}`;
      const after = page.cursor ? decodeCursor(list, page.cursor, ReportPosition) : undefined;
      const cmp = comparator(key === 'day' || byDay);
      const rest = after ? all.filter((r) => cmp(r, after) > 0) : all;
      const { items, next } = pageOf(list, rest.slice(0, page.limit + 1), page.limit, (r) => ({ clicks: r.clicks, key: r.key, day: r.day }));
      const creators = q.reveal ? await store.creatorsByCodes(items.map((r) => r.key)) : undefined;
      const row = (r: StoreRow): ClickReportRow => ({
        ...r, uncredited: r.clicks - r.credited, ...(creators ? { creator: creatorOf(creators.get(r.key)) } : {}),
      });
      return {
        groupBy: q.groupBy, from: q.from ?? null, to: q.to ?? null,
        total: all.reduce((n, r) => n + r.clicks, 0), credited: all.reduce((n, r) => n + r.credited, 0),
        rows: items.map(row), next,
      };
    },

    /** Every creator's link code, by creator id, a page at a time (admin only: see the route). */
    async creatorCodes(page: PageQuery): Promise<Page<{ code: string; creator: ReturnType<typeof creatorRef> }>> {
      const after = page.cursor ? decodeCursor('creator-codes', page.cursor, z.string()) : undefined;
      const found = pageOf('creator-codes', await store.listCreators({ after, limit: page.limit + 1 }), page.limit, (c) => c.id);
      const codes = await store.creatorCodes(found.items.map((c) => c.id));
      return { next: found.next, items: found.items.flatMap((c) => (codes.has(c.id) ? [{ code: codes.get(c.id)!, creator: creatorRef(c) }] : [])) };
    },
  };
}

const creatorOf = (c: Creator | undefined) => (c ? creatorRef(c) : null);

export type ReportReads = ReturnType<typeof createReportReads>;
