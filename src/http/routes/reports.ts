/**
 * `GET /v1/reports/clicks?groupBy=creator|product|network&from=&to=` (admin): click counts per
 * creator code, product or network over an optional time range. Creators appear only as opaque
 * codes; clicks that credited nobody are grouped under "(none)".
 */
import { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import type { Store } from '../../store/types.js';
import { parseOrThrow, type Scope } from './consent.js';

/** An ISO date ("2026-03-01") or date-time; a date-only `to` includes that whole day. */
const When = z.union([z.iso.date(), z.iso.datetime({ offset: true })]);

export const ClickReportQuery = z
  .object({
    groupBy: z.enum(['creator', 'product', 'network']),
    from: When.optional(),
    to: When.optional(),
  })
  .strict()
  .refine((q) => !q.from || !q.to || Date.parse(q.from) <= Date.parse(q.to.length === 10 ? `${q.to}T23:59:59.999Z` : q.to), {
    message: '"from" must not be after "to"',
    path: ['from'],
  });

export interface ReportsRouterDeps {
  store: Store;
  requireScope: (scope: Scope) => RequestHandler;
}

/** @example app.use(createReportsRouter({ store, requireScope })); */
export function createReportsRouter({ store, requireScope }: ReportsRouterDeps): Router {
  const router = Router();
  router.get('/v1/reports/clicks', requireScope('admin'), async (req, res) => {
    const q = parseOrThrow(ClickReportQuery, req.query, 'query');
    const rows = await store.clickReport(q.groupBy, { from: q.from, to: q.to });
    res.json({
      groupBy: q.groupBy,
      from: q.from ?? null,
      to: q.to ?? null,
      total: rows.reduce((n, r) => n + r.clicks, 0),
      rows,
    });
  });
  return router;
}
