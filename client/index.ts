/**
 * The typed TypeScript client: openapi-fetch over the paths and component schemas generated from
 * the service's OpenAPI document (`schema.ts`, written by `npm run api-types`), so every path,
 * parameter, body and response is checked by the compiler against what the server validates.
 * Runs wherever `fetch` does (Node 20+, browsers, edge runtimes); no other dependency.
 *
 * @example
 * const api = createRecommenderClient({ baseUrl: 'http://127.0.0.1:3000', apiKey: 'dev-app-key' });
 * const { data, error } = await api.GET('/v1/users/{id}/recommendations', { params: { path: { id: 'u1' }, query: { limit: 5 } } });
 * if (error) console.error(error.error.code); // typed: components['schemas']['Error']
 * else for (const item of data.items) console.log(item.product.title, item.disclosure);
 */
import createClient, { type Client } from 'openapi-fetch';
import type { components, paths } from './schema.js';

export type { components, paths } from './schema.js';
/** Component schemas by name, e.g. `Schemas['RecommendationResponse']`. */
export type Schemas = components['schemas'];
export type RecommenderClient = Client<paths>;

export interface ClientOptions {
  /** Where the service listens, e.g. http://127.0.0.1:3000 (no trailing /v1). */
  baseUrl: string;
  /** An app key (reads, recommendations, follows, consents) or an admin key (everything). */
  apiKey: string;
  /** A fetch to use instead of the global one (tests, proxies). */
  fetch?: typeof globalThis.fetch;
}

export function createRecommenderClient(options: ClientOptions): RecommenderClient {
  return createClient<paths>({
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    headers: { authorization: `Bearer ${options.apiKey}` },
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
}
