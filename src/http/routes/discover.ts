/** Recommendations and shop-the-look search: thin adapters over the core. */
import type { Core } from '../../core/core.js';
import { RecommendationResponse, RecommendQuery, SearchRequest, SearchResponse } from '../../core/schemas.js';
import { clientGone } from '../client-gone.js';
import { route } from '../route.js';
import { IdParams } from '../schemas.js';

export function discoverRoutes({ core }: { core: Core }) {
  return [
    route({
      method: 'get', path: '/v1/users/:id/recommendations', operationId: 'recommend', tag: 'discover',
      summary: 'Products in the style of the creators a shopper follows, each with the post that inspired it (consent-aware)',
      params: IdParams, query: RecommendQuery, response: RecommendationResponse,
      handle: ({ params, query }) => core.recommend(params.id, query),
    }),
    route({
      method: 'post', path: '/v1/search', operationId: 'search', tag: 'discover', errors: ['IMAGE_UNREADABLE', 'IMAGE_HOST_NOT_ALLOWED', 'MODEL_UNAVAILABLE'],
      summary: 'Shop the look: text, image, or both ("this photo, but in red"); `userId` applies that shopper\'s consent decision',
      body: SearchRequest, response: SearchResponse,
      handle: ({ body, res }) => core.search(body, { signal: clientGone(res) }),
    }),
  ];
}
