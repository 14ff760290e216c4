/**
 * Feedback events of a shopper (both app scope): record a batch (stored only under the
 * shopper's personalization consent, never for minors) and list what is stored.
 */
import type { Core } from '../../core/core.js';
import { FeedbackBody, FeedbackList, FeedbackResult, PageQuery } from '../../core/schemas.js';
import { route, type RouteSpec } from '../route.js';
import { IdParams } from '../schemas.js';

export function feedbackRoutes({ core }: { core: Core }): RouteSpec[] {
  return [
    route({
      method: 'post', path: '/v1/users/:id/events', operationId: 'recordFeedback', tag: 'users',
      summary: 'Record what a shopper viewed, clicked, saved, added to the cart, bought, hid or was not interested in (kept only with personalization consent)',
      params: IdParams, body: FeedbackBody, response: FeedbackResult,
      handle: ({ params, body }) => core.commands.recordFeedback(params.id, body.events),
    }),
    route({
      method: 'get', path: '/v1/users/:id/events', operationId: 'listFeedback', tag: 'users', summary: "A shopper's recorded feedback events, oldest first (paged)",
      params: IdParams, query: PageQuery, response: FeedbackList,
      handle: ({ params, query }) => core.listFeedback(params.id, query),
    }),
  ];
}
