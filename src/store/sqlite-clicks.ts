/**
 * Affiliate click log in SQLite. Timestamps are normalised to ISO-8601 UTC with milliseconds on
 * write, so range filters can compare strings. A date-only `to` ("2026-03-31") includes that day.
 */
import type Database from 'better-sqlite3';
import type { Click } from '../domain/index.js';
import type { ClickReportRow } from './types.js';
import { clickReportSql } from './click-report-sql.js';
import type { ClickOps } from './areas.js';

interface ClickRow { at: string; product_id: string; merchant: string; network: string; creator_code: string | null; user_ref: string | null }

export function sqliteClicks(db: Database.Database): ClickOps {
  const range = 'at >= @from AND at <= @to';
  const s = {
    insert: db.prepare(
      `INSERT INTO clicks (at, product_id, merchant, network, creator_code, user_ref, dedupe_key)
       VALUES (@at, @productId, @merchant, @network, @creatorCode, @userRef, @dedupeKey)
       ON CONFLICT (dedupe_key) DO NOTHING`,
    ),
    list: db.prepare<{ from: string; to: string }, ClickRow>(`SELECT * FROM clicks WHERE ${range} ORDER BY at, seq`),
    clicked: db.prepare<[string], { product_id: string }>('SELECT DISTINCT product_id FROM clicks WHERE user_ref = ?'),
    byRef: db.prepare<[string], ClickRow>('SELECT * FROM clicks WHERE user_ref = ? ORDER BY at, seq'),
  };
  // One statement per grouping, prepared on first use (ten groupings, most never asked for).
  const reports = new Map<string, Database.Statement<{ from: string; to: string }, ClickReportRow>>();
  const report = (groupBy: Parameters<ClickOps['clickReport']>[0], byDay: boolean) => {
    const k = `${groupBy}:${byDay}`;
    if (!reports.has(k)) reports.set(k, db.prepare(clickReportSql(groupBy, byDay, range)));
    return reports.get(k)!;
  };
  const toClick = (r: ClickRow): Click => ({
    at: r.at, productId: r.product_id, merchant: r.merchant, network: r.network as Click['network'], creatorCode: r.creator_code, userRef: r.user_ref,
  });

  return {
    async recordClick(c, options) {
      return s.insert.run({ ...c, at: new Date(c.at).toISOString(), dedupeKey: options?.dedupeKey ?? null }).changes > 0;
    },
    async listClicks(filter) {
      return s.list.all(bounds(filter)).map(toClick);
    },
    async clickReport(groupBy, filter) {
      return report(groupBy, filter?.byDay ?? false).all(bounds(filter)).map((r) => ({ ...r }));
    },
    async clickedProducts(userRef) {
      return new Set(s.clicked.all(userRef).map((r) => r.product_id));
    },
    async clicksByUserRef(userRef) {
      return s.byRef.all(userRef).map(toClick);
    },
  };
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

export function bounds(filter?: { from?: string; to?: string }): { from: string; to: string } {
  const from = filter?.from ? new Date(filter.from).toISOString() : '';
  let to = '\uffff';
  if (filter?.to) to = DATE_ONLY.test(filter.to) ? `${filter.to}T23:59:59.999Z` : new Date(filter.to).toISOString();
  return { from, to };
}
