/**
 * `GET /v1/reports/clicks?groupBy=creator|product|network&from=&to=` (admin): click counts per
 * creator code, product or network over an optional time range. Creators appear only as opaque
 * codes; clicks that credited nobody are grouped under "(none)".
 */
import { z } from 'zod';
import type { Core } from '../../core/core.js';
import { ClickGroupBy, ClickReport, pageFields } from '../../core/schemas.js';
import { route, type RouteSpec } from '../route.js';

/** An ISO date ("2026-03-01") or date-time; a date-only `to` includes that whole day. */
const When = z.union([z.iso.date(), z.iso.datetime({ offset: true })]);
const endOf = (to: string) => Date.parse(to.length === 10 ? `${to}T23:59:59.999Z` : to);

export const ClickReportQuery = z
  .strictObject({ groupBy: ClickGroupBy, from: When.optional(), to: When.optional(), ...pageFields })
  .refine((q) => !q.from || !q.to || Date.parse(q.from) <= endOf(q.to), { message: '"from" must not be after "to"', path: ['from'] });

export function reportRoutes({ core }: { core: Core }): RouteSpec[] {
  return [
    route({
      method: 'get', path: '/v1/reports/clicks', operationId: 'clickReport', tag: 'affiliate', summary: 'Affiliate clicks grouped by creator code, product or network',
      query: ClickReportQuery, response: ClickReport,
      handle: ({ query }) => core.clickReport(query.groupBy, { from: query.from, to: query.to }, query),
    }),
  ];
}
