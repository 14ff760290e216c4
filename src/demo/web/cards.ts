/**
 * Product cards for the recommendation grid and the shop-the-look results. The point of the demo
 * is that the style link is visible at a glance, so a personalised card shows the inspiring post
 * and the product side by side, with the similarity between them as a badge.
 */
import { at, formatPrice, h, percent } from './dom.js';
import type { InspiredBy, ProductCard } from './types.js';

export interface CardInput {
  rank: number;
  score: number;
  product: ProductCard;
  inspiredBy?: InspiredBy | null;
  affiliateUrl: string;
  disclosure: string;
}

function productFigure(product: ProductCard): HTMLElement {
  return h(
    'figure',
    { class: 'pic pic-product' },
    h('img', {
      src: product.imageUrl,
      alt: `${product.title} by ${product.brand}`,
      width: 320,
      height: 320,
    }),
  );
}

function inspirationFigure(inspo: InspiredBy): HTMLElement {
  return h(
    'figure',
    { class: 'pic pic-post' },
    h('img', {
      src: inspo.postImageUrl,
      alt: `Post by ${at(inspo.handle)}: ${inspo.caption || 'outfit photo'}`,
      width: 320,
      height: 320,
    }),
    h('figcaption', { class: 'pic-label' }, at(inspo.handle)),
  );
}

/** The per-item half of "Why am I seeing this?": how close the product is to the inspiring post. */
function whyThis(item: CardInput): HTMLElement {
  const inspo = item.inspiredBy;
  const lines = inspo
    ? [
        h('p', {}, `Style similarity to ${at(inspo.handle)}'s post: `, h('strong', {}, `${percent(inspo.similarity)}%`), ` (cosine ${inspo.similarity.toFixed(2)}).`),
        inspo.caption ? h('p', { class: 'caption' }, `“${inspo.caption}”`) : null,
        h('p', {}, `Rank ${item.rank}, overall score ${item.score.toFixed(2)}.`),
      ]
    : [h('p', {}, `Rank ${item.rank}, score ${item.score.toFixed(2)}. Not based on your profile.`)];
  return h('details', { class: 'why-item' }, h('summary', {}, 'Why this?'), ...lines);
}

/**
 * "More like this" / "Less like this": plain buttons carrying the product id; `steer.ts` listens
 * for them on the whole page (event delegation), so cards stay simple markup.
 */
function steerButtons(product: ProductCard): HTMLElement {
  return h(
    'div',
    { class: 'steer', role: 'group', 'aria-label': `Steer shop the look with ${product.title}` },
    h('button', { type: 'button', class: 'btn btn-ghost btn-small', 'data-steer': 'more', 'data-product-id': product.id, 'data-testid': 'more-like', 'aria-label': `More like ${product.title}` }, 'More like this'),
    h('button', { type: 'button', class: 'btn btn-ghost btn-small', 'data-steer': 'less', 'data-product-id': product.id, 'data-testid': 'less-like', 'aria-label': `Less like ${product.title}` }, 'Less like this'),
  );
}

/** One product card. `variant: 'search'` drops the inspiration half (search results have none). */
export function productCard(item: CardInput, variant: 'rec' | 'search' = 'rec'): HTMLElement {
  const { product, inspiredBy } = item;
  const visual = inspiredBy
    ? h(
        'div',
        { class: 'visual visual-pair' },
        inspirationFigure(inspiredBy),
        productFigure(product),
        h('span', { class: 'match', title: 'Style similarity between the post and this product' }, `${percent(inspiredBy.similarity)}% match`),
      )
    : h('div', { class: 'visual visual-single' }, productFigure(product));

  const inspiredLine = inspiredBy
    ? h(
        'p',
        { class: 'inspired', 'data-testid': 'inspired-by', 'data-creator-id': inspiredBy.creatorId },
        'Inspired by ',
        h('strong', {}, at(inspiredBy.handle)),
      )
    : variant === 'rec'
      ? h('p', { class: 'inspired muted' }, 'Popular pick')
      : null;

  return h(
    'article',
    { class: 'card', 'data-testid': variant === 'rec' ? 'rec-card' : 'search-card', 'data-product-id': product.id },
    visual,
    h(
      'div',
      { class: 'card-body' },
      inspiredLine,
      h('h3', { class: 'title' }, product.title),
      h('p', { class: 'maker' }, `${product.brand} · ${product.category}`),
      h('p', { class: 'price' }, formatPrice(product.price, product.currency)),
      variant === 'rec' ? whyThis(item) : null,
      steerButtons(product),
    ),
    h(
      'div',
      { class: 'buy' },
      h('p', { class: 'disclosure', 'data-testid': 'disclosure' }, item.disclosure),
      h(
        'a',
        {
          class: 'btn btn-buy',
          href: item.affiliateUrl,
          rel: 'sponsored noopener',
          'data-testid': 'buy',
          'aria-label': `Buy ${product.title} (paid link)`,
        },
        'Buy',
      ),
    ),
  );
}

/** Grey placeholder cards shown while a list loads, so the layout does not jump. */
export function skeletonCards(n: number): HTMLElement[] {
  return Array.from({ length: n }, () =>
    h('div', { class: 'card skeleton', 'aria-hidden': 'true' }, h('div', { class: 'visual' }), h('div', { class: 'card-body' }, h('span'), h('span'))),
  );
}
