/**
 * The write-side half of the category taxonomy: a product or post is accepted only in categories
 * the taxonomy knows, and a client's `sensitive` flag is a claim that must agree with it. What is
 * stored carries no flag of its own (health status is read from the taxonomy), so marking or
 * un-marking a category later changes every product and post in it at once.
 *
 * Contradictions are refused, not ignored: "health" on a product whose category is not a health
 * category means the client and the taxonomy disagree about special-category data, and silently
 * picking one would either leak a health item or hide a mistake.
 */
import { SENSITIVE_HEALTH, type CategoryTaxonomy, type Post, type Product } from '../../domain/index.js';

const addFirst = (taxonomy: CategoryTaxonomy) => `known categories: ${taxonomy.describeKnown()}; add a new one first with PUT /v1/categories`;
const healthList = (taxonomy: CategoryTaxonomy) => taxonomy.healthIds().join(', ') || 'none yet';

/** A problem with item `k`'s category ("items.k.field: ..."), or null. */
export function productCategoryProblem(taxonomy: CategoryTaxonomy, p: Product, k: number): string | null {
  const category = taxonomy.get(p.category);
  if (!category) return `items.${k}.category: unknown category "${p.category}"; ${addFirst(taxonomy)}`;
  if (p.sensitive === SENSITIVE_HEALTH && category.sensitive !== SENSITIVE_HEALTH) {
    return `items.${k}.sensitive: "${p.category}" is not a health category, so a product in it cannot be marked health; put it in a health category (${healthList(taxonomy)}) or mark "${p.category}" as health with PUT /v1/categories`;
  }
  return null;
}

/** A problem with post `k`'s categories, or null. */
export function postCategoryProblem(taxonomy: CategoryTaxonomy, post: Post, k: number): string | null {
  const categories = post.categories ?? [];
  const unknown = categories.flatMap((c, i) => (taxonomy.get(c) ? [] : [`items.${k}.categories.${i}: unknown category "${c}"`]));
  if (unknown.length > 0) return `${unknown.join('; ')}; ${addFirst(taxonomy)}`;
  if (post.sensitive === SENSITIVE_HEALTH && !categories.some((c) => taxonomy.get(c)?.sensitive === SENSITIVE_HEALTH)) {
    return `items.${k}.sensitive: a post is health when it shows a health category; name it in "categories" (health categories: ${healthList(taxonomy)})`;
  }
  return null;
}

/** The product as stored: no client flag. */
export function storedProduct(p: Product): Product {
  const { sensitive: _claim, ...rest } = p;
  return rest;
}

/** The post as stored: no client flag, each category once. */
export function storedPost(post: Post): Post {
  const { sensitive: _claim, categories, ...rest } = post;
  return categories === undefined ? rest : { ...rest, categories: [...new Set(categories)] };
}
