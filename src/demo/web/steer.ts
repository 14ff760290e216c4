/**
 * "More like this / less like this": every card has the two buttons; each click adds the product
 * to the positive or negative examples and re-runs shop the look with them
 * (`POST /v1/search` with `positive` / `negative`, Qdrant's average_vector strategy), so a
 * shopper can steer the results a few clicks at a time. A chip row shows what steers the search
 * now, with a way to drop one example or clear them all.
 */
import { byId, fill, h } from './dom.js';
import { runSearch } from './search.js';

const RESULT_LIMIT = 8;

interface Example {
  productId: string;
  title: string;
}

const steer = { more: [] as Example[], less: [] as Example[] };

function titleOf(button: HTMLElement): string {
  return button.closest('.card')?.querySelector('.title')?.textContent ?? button.dataset.productId ?? '';
}

function label(): string {
  const parts = [steer.more.length ? `${steer.more.length} more like` : '', steer.less.length ? `${steer.less.length} less like` : ''].filter(Boolean);
  return `your picks (${parts.join(', ')})`;
}

function renderChips(): void {
  const box = byId('search-steer');
  const chip = (e: Example, dir: 'more' | 'less') =>
    h(
      'span',
      { class: `chip chip-${dir}`, 'data-testid': `steer-${dir}` },
      `${dir === 'more' ? 'More like' : 'Less like'} ${e.title} `,
      h('button', { type: 'button', class: 'chip-x', 'aria-label': `Stop steering by ${e.title}`, onclick: () => void remove(e.productId) }, '×'),
    );
  const chips = [...steer.more.map((e) => chip(e, 'more')), ...steer.less.map((e) => chip(e, 'less'))];
  box.hidden = chips.length === 0;
  fill(box, ...chips, chips.length ? h('button', { type: 'button', class: 'btn btn-ghost btn-small', 'data-testid': 'steer-clear', onclick: () => clear() }, 'Clear') : null);
}

async function rerun(): Promise<void> {
  renderChips();
  if (steer.more.length === 0) {
    // Steering needs something to be like: with only "less like" picks, say what to do.
    fill(byId('search-results'));
    return;
  }
  byId('search').scrollIntoView({ behavior: 'smooth', block: 'start' });
  await runSearch(
    {
      positive: steer.more.map((e) => ({ productId: e.productId })),
      negative: steer.less.map((e) => ({ productId: e.productId })),
      limit: RESULT_LIMIT,
    },
    label(),
  );
}

async function remove(productId: string): Promise<void> {
  steer.more = steer.more.filter((e) => e.productId !== productId);
  steer.less = steer.less.filter((e) => e.productId !== productId);
  await rerun();
}

function clear(): void {
  steer.more = [];
  steer.less = [];
  renderChips();
}

/** Listens for every card's steering buttons, wherever the card is. */
export function wireSteering(): void {
  document.addEventListener('click', (ev) => {
    const button = (ev.target as HTMLElement | null)?.closest<HTMLElement>('[data-steer]');
    const productId = button?.dataset.productId;
    if (!button || !productId) return;
    const dir = button.dataset.steer === 'less' ? 'less' : 'more';
    // A product is either a positive or a negative example, never both.
    steer.more = steer.more.filter((e) => e.productId !== productId);
    steer.less = steer.less.filter((e) => e.productId !== productId);
    steer[dir].push({ productId, title: titleOf(button) });
    void rerun();
  });
}
