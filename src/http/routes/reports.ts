/**
 * `GET /v1/reports/clicks` (reports scope): affiliate clicks grouped by creator code, product,
 * merchant, network or UTC day, optionally split by day, as JSON or CSV, a page at a time; and
 * `GET /v1/admin/creator-codes` (admin): who each creator code belongs to.
 */
import { z } from 'zod';
import type { Core } from '../../core/core.js';
import { ClickGroupBy, ClickReport, CreatorCodeList, PageQuery, pageFields, type ClickReportRow } from '../../core/schemas.js';
import { AppError } from '../../errors.js';
import { sendCsv } from '../csv.js';
import { route, type RouteSpec } from '../route.js';

/** An ISO date ("2026-03-01") or date-time; a date-only `to` includes that whole (UTC) day. */
const When = z.union([z.iso.date(), z.iso.datetime({ offset: true })]);
const endOf = (to: string) => Date.parse(to.length === 10 ? `${to}T23:59:59.999Z` : to);

export const ClickReportQuery = z
  .strictObject({
    groupBy: ClickGroupBy,
    from: When.optional().describe('Earliest click (inclusive). A date means 00:00 UTC of that day.'),
    to: When.optional().describe('Latest click (inclusive). A date includes that whole UTC day.'),
    format: z.enum(['json', 'csv']).default('json').describe('csv: the same rows as text/csv with a header row (a download); the next page is in the `Link` header.'),
    reveal: z.literal('creator').optional().describe('Admin scope only: adds who each creator code belongs to (groupBy creator or creator,day). Other keys get 403.'),
    ...pageFields,
  })
  .refine((q) => !q.from || !q.to || Date.parse(q.from) <= endOf(q.to), { message: '"from" must not be after "to"', path: ['from'] })
  .refine((q) => !q.reveal || q.groupBy.startsWith('creator'), { message: 'reveal=creator needs groupBy=creator or creator,day', path: ['reveal'] });

const DESCRIPTION = `Clicks on affiliate links over an optional range, one row per key (and per UTC calendar day with "<key>,day"; groupBy=day alone is a daily series). Rows are ordered most clicked first, or by key then day for day groupings; \`total\` and \`credited\` cover the whole range, every page.

Creators appear as opaque codes: the code is what shopper-side links carry, so a link seen by a third party (a merchant, a network, whoever the shopper forwards it to) does not name the creator it pays, and exported reports do not disclose who earns what. Only the admin scope maps codes back (\`reveal=creator\`, or GET /v1/admin/creator-codes). A removed creator's code is retired with them and maps to nobody.

No row refers to a shopper: reports are counts, and an erased shopper's clicks stay in them only as anonymous counts (erasure removes the click's pseudonym).`;

const CSV_COLUMNS = ['key', 'day', 'clicks', 'credited', 'uncredited', 'products'] as const;
const CREATOR_COLUMNS = ['creatorId', 'creatorHandle', 'creatorName'] as const;

function csvRows(rows: ClickReportRow[], reveal: boolean) {
  return rows.map((r) => [
    ...CSV_COLUMNS.map((c) => r[c]),
    ...(reveal ? [r.creator?.id ?? null, r.creator?.handle ?? null, r.creator?.displayName ?? null] : []),
  ]);
}

export function reportRoutes({ core }: { core: Core }): RouteSpec[] {
  return [
    route({
      method: 'get', path: '/v1/reports/clicks', operationId: 'clickReport', tag: 'affiliate',
      summary: 'Affiliate clicks grouped by creator code, product, merchant, network or UTC day; JSON or CSV',
      description: DESCRIPTION, query: ClickReportQuery, response: ClickReport, errors: ['FORBIDDEN'],
      alternatives: { 'text/csv': 'with format=csv, the same rows with a header row, as a download' },
      handle: async ({ query, req, res }) => {
        const reveal = query.reveal === 'creator';
        if (reveal && res.locals.scope !== 'admin') throw new AppError('FORBIDDEN', 'reveal=creator needs an API key with the "admin" scope: creator codes are opaque to every other key.');
        const report = await core.clickReport({ groupBy: query.groupBy, from: query.from, to: query.to, reveal }, query);
        if (query.format === 'json') return report;
        const name = ['clicks', query.groupBy.replace(',', '-by-'), query.from?.slice(0, 10), query.to?.slice(0, 10)].filter(Boolean).join('_');
        return sendCsv(req, res, { filename: `${name}.csv`, columns: [...CSV_COLUMNS, ...(reveal ? CREATOR_COLUMNS : [])], rows: csvRows(report.rows, reveal), next: report.next });
      },
    }),
    route({
      method: 'get', path: '/v1/admin/creator-codes', operationId: 'listCreatorCodes', tag: 'affiliate',
      summary: 'Who each creator code in the click reports belongs to (admin only)',
      description: 'Every current creator with the opaque code their links and click reports carry, by creator id, a page at a time. Admin scope only: the mapping is what reveals which creator earns from which clicks. Removed creators are absent: their codes were retired with them.',
      query: PageQuery, response: CreatorCodeList,
      handle: ({ query }) => core.creatorCodes(query),
    }),
  ];
}
