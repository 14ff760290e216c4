/**
 * Consent and erasure routes (a thin adapter over `src/consent/ledger.ts`):
 * - `PUT  /v1/users/:id/consents`   (app)   append consent events; the server stamps the time
 * - `GET  /v1/users/:id/consents`   (app)   current choices, applied decision, full history
 * - `DELETE /v1/users/:id`          (admin) erasure (GDPR Art. 17), minimal consent proof kept
 * - `PATCH /v1/creators/:id/opt-ins` (admin) a creator's styleSource / affiliate opt-ins
 * Every change calls the matching hook before answering, so the next request already sees it.
 */
import { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import { consentState, recordConsents } from '../../consent/ledger.js';
import type { ConsentPolicy } from '../../consent/policy.js';
import { AppError } from '../../errors.js';
import type { Store } from '../../store/types.js';
import { ConsentPurpose, CreatorOptIns } from '../../world/schema.js';

export type Scope = 'admin' | 'app';

export interface ConsentRouterDeps {
  store: Store;
  consentPolicy: ConsentPolicy;
  /** Auth middleware for a scope (the app's `requireScope`). */
  requireScope: (scope: Scope) => RequestHandler;
  /** Called after a shopper's consents change or they are erased: drop cached profiles. */
  onConsentChange?: (userId: string) => void | Promise<void>;
  /** Called after a creator's opt-ins change: drop the profiles of their followers. */
  onCreatorOptInChange?: (creatorId: string) => void | Promise<void>;
  now?: () => Date;
}

export const ConsentChangeBody = z
  .object({
    events: z
      .array(
        z.strictObject({
          purpose: ConsentPurpose,
          granted: z.boolean(),
          source: z.string().min(1).max(100).optional(),
          policyVersion: z.string().min(1).max(50).optional(),
        }),
      )
      .min(1)
      .max(20),
  })
  .strict();

export const OptInPatchBody = CreatorOptIns.partial()
  .strict()
  .refine((b) => b.styleSource !== undefined || b.affiliate !== undefined, {
    message: 'send at least one of styleSource, affiliate',
  });

const Id = z.string().min(1).max(200);

/** Parses `value` or throws VALIDATION_FAILED with field paths under `where` ("body", "params"). */
export function parseOrThrow<T extends z.ZodType>(schema: T, value: unknown, where: string): z.infer<T> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  throw new AppError(
    'VALIDATION_FAILED',
    undefined,
    r.error.issues.map((i) => ({ path: [where, ...i.path].join('.'), message: i.message })),
  );
}

/**
 * @example app.use(createConsentRouter({ store, consentPolicy, requireScope, onConsentChange: (id) => profiles.drop(id) }));
 */
export function createConsentRouter(deps: ConsentRouterDeps): Router {
  const { store, consentPolicy, requireScope } = deps;
  const now = deps.now ?? (() => new Date());
  const router = Router();

  router.get('/v1/users/:id/consents', requireScope('app'), async (req, res) => {
    const id = parseOrThrow(Id, req.params.id, 'params.id');
    res.json(await consentState({ store, consentPolicy }, id, now()));
  });

  router.put('/v1/users/:id/consents', requireScope('app'), async (req, res) => {
    const id = parseOrThrow(Id, req.params.id, 'params.id');
    const body = parseOrThrow(ConsentChangeBody, req.body, 'body');
    const at = now();
    await recordConsents({ store, consentPolicy }, id, body.events, at);
    await deps.onConsentChange?.(id);
    res.json(await consentState({ store, consentPolicy }, id, at));
  });

  router.delete('/v1/users/:id', requireScope('admin'), async (req, res) => {
    const id = parseOrThrow(Id, req.params.id, 'params.id');
    if (!(await store.eraseUser(id))) throw new AppError('NOT_FOUND', `No user with id "${id}".`);
    await deps.onConsentChange?.(id);
    res.json({
      userId: id,
      erased: true,
      retained: 'A minimal, pseudonymised proof of past consent events (purpose, granted, time, policy version), as GDPR Art. 7(1) and 17(3)(e) allow.',
    });
  });

  router.patch('/v1/creators/:id/opt-ins', requireScope('admin'), async (req, res) => {
    const id = parseOrThrow(Id, req.params.id, 'params.id');
    const patch = parseOrThrow(OptInPatchBody, req.body, 'body');
    const creator = await store.getCreator(id);
    if (!creator) throw new AppError('NOT_FOUND', `No creator with id "${id}".`);
    const updated = { ...creator, optIns: { ...creator.optIns, ...patch } };
    await store.upsertCreators([updated]);
    await deps.onCreatorOptInChange?.(id);
    res.json(updated);
  });

  return router;
}
