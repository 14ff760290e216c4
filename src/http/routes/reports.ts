/**
 * `GET /v1/reports/clicks?groupBy=creator|product|network&from=&to=` (admin): click counts per
 * creator code, product or network over an optional time range. Creators appear only as opaque
 * codes; clicks that credited nobody are grouped under "(none)".
 */
import type { Router } from 'express';
import { z } from 'zod';
import type { Store } from '../../store/types.js';
import { mountRoutes, route, type RouteSpec } from '../route.js';

/** An ISO date ("2026-03-01") or date-time; a date-only `to` includes that whole day. */
const When = z.union([z.iso.date(), z.iso.datetime({ offset: true })]);
const endOf = (to: string) => Date.parse(to.length === 10 ? `${to}T23:59:59.999Z` : to);

export const ClickReportQuery = z
  .strictObject({
    groupBy: z.enum(['creator', 'product', 'network']),
    from: When.optional(),
    to: When.optional(),
  })
  .refine((q) => !q.from || !q.to || Date.parse(q.from) <= endOf(q.to), { message: '"from" must not be after "to"', path: ['from'] });

export const ClickReportView = z.object({
  groupBy: z.enum(['creator', 'product', 'network']),
  from: z.string().nullable(),
  to: z.string().nullable(),
  total: z.number().int(),
  rows: z.array(z.object({ key: z.string(), clicks: z.number().int() })),
});

export function reportRoutes({ store }: { store: Store }): RouteSpec[] {
  return [
    route({
      method: 'get', path: '/v1/reports/clicks', tag: 'affiliate', summary: 'Affiliate clicks grouped by creator code, product or network',
      query: ClickReportQuery, response: ClickReportView,
      handle: async ({ query }) => {
        const rows = await store.clickReport(query.groupBy, { from: query.from, to: query.to });
        return { groupBy: query.groupBy, from: query.from ?? null, to: query.to ?? null, total: rows.reduce((n, r) => n + r.clicks, 0), rows };
      },
    }),
  ];
}

/** @example app.use(createReportsRouter({ store })); */
export function createReportsRouter(deps: { store: Store }): Router {
  return mountRoutes(reportRoutes(deps));
}
