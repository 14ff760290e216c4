/**
 * A tiny element builder. Every piece of API data reaches the page through `textContent` or an
 * attribute set here, never through `innerHTML`, so product titles and captions cannot inject markup.
 */

type Attrs = Record<string, string | number | boolean | null | undefined | EventListener>;
type Child = Node | string | null | undefined | false;

/** Builds an element: `h('a', { href: '/x', class: 'btn' }, 'Buy')`. `on*` attributes become listeners. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (typeof value === 'function') el.addEventListener(name.slice(2).toLowerCase(), value);
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child);
  }
  return el;
}

/** The element with this id, or a clear error naming the missing id (the HTML and code drifted). */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`demo page: #${id} is missing from index.html`);
  return el as T;
}

/** Replaces an element's children in one go. */
export function fill(el: Element, ...children: Child[]): void {
  el.replaceChildren(...children.filter((c): c is Node | string => Boolean(c)));
}

/** "€59.00" in the shopper's locale. Falls back to a plain number for an unknown currency code. */
export function formatPrice(price: number, currency: string): string {
  try {
    return new Intl.NumberFormat(undefined, { style: 'currency', currency }).format(price);
  } catch {
    return `${price.toFixed(2)} ${currency}`;
  }
}

/** Similarity in [-1, 1] as a whole percentage clamped to [0, 100], for a "77% match" badge. */
export function percent(similarity: number): number {
  return Math.round(Math.max(0, Math.min(1, similarity)) * 100);
}

/** "@handle", whether or not the API already put the @ in front. */
export function at(handle: string): string {
  return handle.startsWith('@') ? handle : `@${handle}`;
}
