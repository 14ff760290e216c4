/**
 * `GET /media/products/:id` and `GET /media/posts/:id` (public): the image bytes ingest copied
 * into DATA_DIR/media, so data: URLs and fetched images are served like world files. Ids are
 * only used as lookup keys, never as paths.
 */
import { AppError } from '../../errors.js';
import { RAW, route } from '../route.js';
import { IdParams } from '../schemas.js';

export type MediaKind = 'product' | 'post';
export type MediaReader = (kind: MediaKind, id: string) => Promise<{ bytes: Uint8Array; contentType: string } | undefined>;

export function mediaRoutes({ readMedia }: { readMedia: MediaReader }) {
  const serve = (kind: MediaKind) =>
    route({
      method: 'get', path: `/media/${kind}s/:id`, tag: 'media', summary: `The image of a ${kind}`,
      params: IdParams,
      handle: async ({ params, res }) => {
        const media = await readMedia(kind, params.id);
        if (!media) throw new AppError('NOT_FOUND', `No image for ${kind} "${params.id}".`);
        res.type(media.contentType).set('cache-control', 'public, max-age=300').send(Buffer.from(media.bytes));
        return RAW;
      },
    });
  return [serve('product'), serve('post')];
}
