/**
 * Consent and erasure routes, thin adapters over the core:
 * - `PUT    /v1/users/:id/consents`   (app)   append consent events; the server stamps the time
 * - `GET    /v1/users/:id/consents`   (app)   current choices, applied decision, full history
 * - `GET    /v1/users/:id/export`     (app)   everything held about the shopper (GDPR Art. 15/20)
 * - `DELETE /v1/users/:id`            (admin) erasure (GDPR Art. 17), minimal consent proof kept
 * - `PATCH  /v1/creators/:id/opt-ins` (admin) a creator's styleSource / affiliate opt-ins
 * Scopes are enforced by the app's one access table (`src/http/auth.ts`).
 */
import { ConsentState } from '../../consent/ledger.js';
import type { Core } from '../../core/core.js';
import { ErasureView, ShopperExport } from '../../core/schemas.js';
import { Creator } from '../../domain/index.js';
import { route, type RouteSpec } from '../route.js';
import { ConsentChangeBody, IdParams, OptInPatchBody } from '../schemas.js';

export function consentRoutes({ core }: { core: Core }): RouteSpec[] {
  return [
    route({
      method: 'get', path: '/v1/users/:id/consents', operationId: 'getConsents', tag: 'consent', summary: 'A shopper\'s consent choices, the decision applied, and the full history',
      params: IdParams, response: ConsentState,
      handle: ({ params }) => core.consentState(params.id),
    }),
    route({
      method: 'put', path: '/v1/users/:id/consents', operationId: 'appendConsents', tag: 'consent', summary: 'Grant or withdraw purposes (append-only; effective on the next request)',
      params: IdParams, body: ConsentChangeBody, response: ConsentState,
      handle: ({ params, body }) => core.commands.appendConsents(params.id, body.events),
    }),
    route({
      method: 'get', path: '/v1/users/:id/export', operationId: 'exportShopper', tag: 'consent',
      summary: 'Everything held about a shopper as one JSON document (GDPR Art. 15 access, Art. 20 portability)',
      params: IdParams, response: ShopperExport,
      handle: ({ params, res }) => {
        // Personal data: never kept by a shared cache; offered as a file to save.
        res.setHeader('cache-control', 'no-store');
        res.setHeader('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(`shopper-${params.id}.json`)}`);
        return core.exportShopper(params.id);
      },
    }),
    route({
      method: 'delete', path: '/v1/users/:id', operationId: 'eraseShopper', tag: 'consent', summary: 'Erase a shopper (keeps only a pseudonymised proof of consent events)',
      params: IdParams, response: ErasureView,
      handle: ({ params }) => core.commands.eraseShopper(params.id),
    }),
    route({
      method: 'patch', path: '/v1/creators/:id/opt-ins', operationId: 'setCreatorOptIns', tag: 'consent', summary: 'Change a creator\'s styleSource / affiliate opt-ins (effective at once)',
      params: IdParams, body: OptInPatchBody, response: Creator,
      handle: ({ params, body }) => core.commands.setCreatorOptIns(params.id, body),
    }),
  ];
}
