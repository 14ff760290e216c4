/**
 * `GET /media/products/:id` and `GET /media/posts/:id` (public): the image bytes stored at write
 * time (re-encoded by the service: never a client's bytes), only for entities that exist, typed by
 * the bytes themselves, with `nosniff` and a sandboxing CSP, so nothing served here can run in the
 * service's origin. Ids are only used as lookup keys, never as paths.
 */
import type { Core } from '../../core/core.js';
import type { MediaKind } from '../../core/core.js';
import { RAW, route } from '../route.js';
import { asMedia } from '../security-headers.js';
import { IdParams } from '../schemas.js';

export function mediaRoutes({ core }: { core: Core }) {
  const serve = (kind: MediaKind) =>
    route({
      method: 'get', path: `/media/${kind}s/:id`, operationId: kind === 'product' ? 'getProductImage' : 'getPostImage', tag: 'media', summary: `The image of a ${kind}`,
      raw: { status: 200, description: 'The image, as re-encoded by the service when it was written', contentTypes: ['image/jpeg', 'image/png'] },
      params: IdParams,
      handle: async ({ params, res }) => {
        const media = await core.media(kind, params.id);
        asMedia(res).type(media.contentType).set('cache-control', 'public, max-age=300').send(Buffer.from(media.bytes));
        return RAW;
      },
    });
  return [serve('product'), serve('post')];
}
