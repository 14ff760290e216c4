/** Embedding jobs: progress and per-item errors of a queued product batch. */
import type { Core } from '../../core/core.js';
import { JobView } from '../../core/jobs.js';
import { route } from '../route.js';
import { IdParams } from '../schemas.js';

export function jobRoutes({ core }: { core: Core }) {
  return [
    route({
      method: 'get', path: '/v1/jobs/:id', operationId: 'getJob', tag: 'catalog', errors: ['NOT_FOUND'], summary: 'Progress of an embedding job (a large product batch queued for the workers), with each failed item\'s error',
      params: IdParams, response: JobView,
      handle: ({ params }) => core.job(params.id),
    }),
  ];
}
