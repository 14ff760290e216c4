/**
 * Shoppers: upsert, read, list, and the set of creators they follow. A follow change drops the
 * shopper's cached profile before answering. Consents and erasure live in `consent.ts`.
 */
import { z } from 'zod';
import type { Core } from '../../recommend/core.js';
import { AppError } from '../../errors.js';
import type { Store } from '../../store/types.js';
import { route } from '../route.js';
import { FollowsBody, IdParams, UserBody, UserView } from '../schemas.js';

export function userRoutes({ store, core }: { store: Store; core: Core }) {
  const view = async (id: string) => {
    const user = await store.getUser(id);
    if (!user) throw new AppError('NOT_FOUND', `No shopper with id "${id}".`);
    return { ...user, follows: await store.getFollows(id) };
  };
  return [
    route({
      method: 'get', path: '/v1/users', tag: 'users', summary: 'List shoppers',
      response: z.object({ items: UserView.omit({ follows: true }).array() }),
      handle: () => store.listUsers().then((users) => ({ items: users })),
    }),
    route({
      method: 'put', path: '/v1/users/:id', tag: 'users', summary: 'Create or update a shopper (region and age band drive the consent rules)',
      params: IdParams, body: UserBody, response: UserView,
      handle: async ({ params, body }) => {
        const prev = await store.getUser(params.id);
        await store.upsertUser({ id: params.id, displayName: body.displayName ?? prev?.displayName ?? '', region: body.region, ageBand: body.ageBand });
        core.userChanged(params.id); // the age band can make them a minor: no cached profile survives
        return view(params.id);
      },
    }),
    route({
      method: 'get', path: '/v1/users/:id', tag: 'users', summary: 'A shopper and the creators they follow',
      params: IdParams, response: UserView,
      handle: ({ params }) => view(params.id),
    }),
    route({
      method: 'put', path: '/v1/users/:id/follows', tag: 'users', summary: 'Replace the set of creators a shopper follows',
      params: IdParams, body: FollowsBody, response: UserView,
      handle: async ({ params, body }) => {
        if (!(await store.getUser(params.id))) throw new AppError('NOT_FOUND', `No shopper with id "${params.id}".`);
        const ids = [...new Set(body.creatorIds)];
        const known = await Promise.all(ids.map((id) => store.getCreator(id)));
        const unknown = ids.flatMap((id, i) => (known[i] ? [] : [{ path: `creatorIds.${body.creatorIds.indexOf(id)}`, message: `no creator with id "${id}"` }]));
        if (unknown.length) throw new AppError('VALIDATION_FAILED', 'Some followed creators do not exist.', unknown);
        await store.setFollows(params.id, ids);
        core.userChanged(params.id);
        return view(params.id);
      },
    }),
  ];
}
