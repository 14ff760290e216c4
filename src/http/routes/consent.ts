/**
 * Consent and erasure routes (a thin adapter over `src/consent/ledger.ts`):
 * - `PUT    /v1/users/:id/consents`   (app)   append consent events; the server stamps the time
 * - `GET    /v1/users/:id/consents`   (app)   current choices, applied decision, full history
 * - `DELETE /v1/users/:id`            (admin) erasure (GDPR Art. 17), minimal consent proof kept
 * - `PATCH  /v1/creators/:id/opt-ins` (admin) a creator's styleSource / affiliate opt-ins
 * Scopes are enforced by the app's one access table (`src/http/auth.ts`). Every change calls the
 * matching hook before answering, so the very next request already sees it.
 */
import type { Router } from 'express';
import { z } from 'zod';
import { consentState, recordConsents } from '../../consent/ledger.js';
import type { ConsentPolicy } from '../../consent/policy.js';
import { AppError } from '../../errors.js';
import type { Store } from '../../store/types.js';
import { AgeBand, ConsentEvent, ConsentPurpose, Creator, CreatorOptIns } from '../../world/schema.js';
import { mountRoutes, route, type RouteSpec } from '../route.js';
import { IdParams } from '../schemas.js';

export interface ConsentRouteDeps {
  store: Store;
  consentPolicy: ConsentPolicy;
  /** Called after a shopper's consents change or they are erased: drop cached profiles. */
  onConsentChange?: (userId: string) => void | Promise<void>;
  /** Called after a creator's opt-ins change: drop the profiles of their followers. */
  onCreatorOptInChange?: (creatorId: string) => void | Promise<void>;
  now?: () => Date;
}

export const ConsentChangeBody = z.strictObject({
  events: z
    .array(
      z.strictObject({
        purpose: ConsentPurpose,
        granted: z.boolean(),
        source: z.string().min(1).max(100).optional().describe('Where the choice was made; defaults to the policy\'s source ("api").'),
        policyVersion: z.string().min(1).max(50).optional().describe('Privacy-policy version shown; defaults to POLICY_VERSION.'),
      }),
    )
    .min(1)
    .max(20),
});

export const OptInPatchBody = CreatorOptIns.partial()
  .strict()
  .refine((b) => b.styleSource !== undefined || b.affiliate !== undefined, { message: 'send at least one of styleSource, affiliate' });

const Purposes = z.object({ personalization: z.boolean(), clickTracking: z.boolean(), health: z.boolean() });
export const ConsentDecisionView = Purposes.extend({
  minor: z.boolean(),
  applied: z.array(ConsentPurpose),
  reason: z.string().nullable().describe('A sentence the UI can show when personalization is off.'),
});
export const ConsentStateView = z.object({
  userId: z.string(),
  region: z.string(),
  ageBand: AgeBand,
  current: Purposes.describe('What the shopper chose (latest event per purpose).'),
  minor: z.boolean(),
  decision: ConsentDecisionView.describe('What the service applies now (minors: nothing).'),
  history: z.array(ConsentEvent),
});
export const ErasureView = z.object({ userId: z.string(), erased: z.literal(true), retained: z.string() });

/** The route specs (mounted by the app and documented in /openapi.json). */
export function consentRoutes(deps: ConsentRouteDeps): RouteSpec[] {
  const { store, consentPolicy } = deps;
  const now = deps.now ?? (() => new Date());
  return [
    route({
      method: 'get', path: '/v1/users/:id/consents', tag: 'consent', summary: 'A shopper\'s consent choices, the decision applied, and the full history',
      params: IdParams, response: ConsentStateView,
      handle: ({ params }) => consentState({ store, consentPolicy }, params.id, now()),
    }),
    route({
      method: 'put', path: '/v1/users/:id/consents', tag: 'consent', summary: 'Grant or withdraw purposes (append-only; effective on the next request)',
      params: IdParams, body: ConsentChangeBody, response: ConsentStateView,
      handle: async ({ params, body }) => {
        const at = now();
        await recordConsents({ store, consentPolicy }, params.id, body.events, at);
        await deps.onConsentChange?.(params.id);
        return consentState({ store, consentPolicy }, params.id, at);
      },
    }),
    route({
      method: 'delete', path: '/v1/users/:id', tag: 'consent', summary: 'Erase a shopper (keeps only a pseudonymised proof of consent events)',
      params: IdParams, response: ErasureView,
      handle: async ({ params }) => {
        if (!(await store.eraseUser(params.id))) throw new AppError('NOT_FOUND', `No shopper with id "${params.id}".`);
        await deps.onConsentChange?.(params.id);
        return {
          userId: params.id,
          erased: true,
          retained:
            'A minimal, pseudonymised proof of past consent events (purpose, granted, time, policy version), as GDPR Art. 7(1) and 17(3)(e) allow.',
        };
      },
    }),
    route({
      method: 'patch', path: '/v1/creators/:id/opt-ins', tag: 'consent', summary: 'Change a creator\'s styleSource / affiliate opt-ins (effective at once)',
      params: IdParams, body: OptInPatchBody, response: Creator,
      handle: async ({ params, body }) => {
        const creator = await store.getCreator(params.id);
        if (!creator) throw new AppError('NOT_FOUND', `No creator with id "${params.id}".`);
        const updated = { ...creator, optIns: { ...creator.optIns, ...body } };
        await store.upsertCreators([updated]);
        await deps.onCreatorOptInChange?.(params.id);
        return updated;
      },
    }),
  ];
}

/**
 * @example app.use(createConsentRouter({ store, consentPolicy, onConsentChange: (id) => core.userChanged(id) }));
 */
export function createConsentRouter(deps: ConsentRouteDeps): Router {
  return mountRoutes(consentRoutes(deps));
}
