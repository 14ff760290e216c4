/**
 * `GET /media/products/:id` and `GET /media/posts/:id` (public): the image bytes stored at write
 * time, so data: URLs and fetched images are served like world files, and only for entities that
 * exist. Ids are only used as lookup keys, never as paths.
 */
import type { Core } from '../../core/core.js';
import type { MediaKind } from '../../core/core.js';
import { RAW, route } from '../route.js';
import { IdParams } from '../schemas.js';

export function mediaRoutes({ core }: { core: Core }) {
  const serve = (kind: MediaKind) =>
    route({
      method: 'get', path: `/media/${kind}s/:id`, tag: 'media', summary: `The image of a ${kind}`,
      params: IdParams,
      handle: async ({ params, res }) => {
        const media = await core.media(kind, params.id);
        res.type(media.contentType).set('cache-control', 'public, max-age=300').send(Buffer.from(media.bytes));
        return RAW;
      },
    });
  return [serve('product'), serve('post')];
}
