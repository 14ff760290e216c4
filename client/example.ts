/**
 * A tiny program using the typed client: the service's health, the first page of shoppers, and
 * one shopper's recommendations with the post that inspired each item and its disclosure.
 *
 *   npm start                       # in another terminal (it holds that one)
 *   npm run client:example          # H=http://127.0.0.1:3000 KEY=dev-admin-key by default
 *
 * Listing shoppers needs the admin key; an app key can do the rest.
 */
import { createRecommenderClient, type RecommenderClient, type Schemas } from './index.js';

/** What the program prints, returned so a test can check it against a running server. */
export async function run(api: RecommenderClient, limit = 3): Promise<string[]> {
  const out: string[] = [];
  const health = await api.GET('/health');
  if (health.error) throw new Error(`health: ${health.error.error.message}`);
  out.push(`service up: ${health.data.counts.products} products, model ${health.data.model.id}`);

  const users = await api.GET('/v1/users', { params: { query: { limit: 1 } } });
  if (users.error) throw new Error(`users: ${users.error.error.code} ${users.error.error.message}`);
  const first = users.data.items[0];
  if (!first) return [...out, 'no shoppers yet'];

  const recs = await api.GET('/v1/users/{id}/recommendations', { params: { path: { id: first.id }, query: { limit } } });
  if (recs.error) throw new Error(`recommendations: ${recs.error.error.code} ${recs.error.error.message}`);
  out.push(`${first.id}: ${recs.data.personalized ? 'personalised' : `not personalised (${recs.data.reason})`}`);
  for (const item of recs.data.items) out.push(line(item));
  return out;
}

const line = (item: Schemas['RecommendationItem']) =>
  `#${item.rank} ${item.product.title} (${item.product.price} ${item.product.currency})${item.inspiredBy ? ` inspired by @${item.inspiredBy.handle}` : ''} - ${item.disclosure}`;

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  const api = createRecommenderClient({ baseUrl: process.env.H ?? 'http://127.0.0.1:3000', apiKey: process.env.KEY ?? 'dev-admin-key' });
  for (const l of await run(api)) console.log(l);
}
