/**
 * Shop the look: free text, an uploaded photo, or a followed creator's post, sent to
 * `POST /v1/search`. Images are shrunk in the browser first: the model sees small images anyway,
 * and a phone photo as a data: URL would blow the request body limit.
 */
import { api } from './api.js';
import { productCard, skeletonCards } from './cards.js';
import { byId, fill, h } from './dom.js';
import { describeError, notice } from './notice.js';

const MAX_SIDE = 320;
const RESULT_LIMIT = 8;

/** Decodes any image blob and re-encodes it as a JPEG data: URL no larger than MAX_SIDE. */
async function toSmallDataUrl(blob: Blob): Promise<string> {
  const bitmap = await createImageBitmap(blob).catch(() => {
    throw new Error('That file is not an image the browser can read. Try a JPEG or PNG.');
  });
  const scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, Math.round(bitmap.width * scale));
  canvas.height = Math.max(1, Math.round(bitmap.height * scale));
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('This browser cannot prepare images for search.');
  ctx.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  bitmap.close();
  return canvas.toDataURL('image/jpeg', 0.9);
}

export type SearchQuery = Parameters<typeof api.search>[0];

/** Runs one search and shows its results (also used by the more/less-like-this steering). */
export async function runSearch(query: SearchQuery, label: string): Promise<void> {
  const results = byId('search-results');
  const status = byId('search-status');
  results.setAttribute('aria-busy', 'true');
  fill(results, ...skeletonCards(4));
  fill(status, notice('loading', `Searching ${label}…`));
  try {
    const { items } = await api.search({ ...query, limit: RESULT_LIMIT });
    fill(status, items.length ? notice('info', `${items.length} products for ${label}.`, 'search-summary') : notice('empty', `Nothing matched ${label}. Try other words or another photo.`, 'search-empty'));
    fill(results, ...items.map((it) => productCard(it, 'search')));
  } catch (err) {
    fill(status, notice('error', `Search failed: ${describeError(err)}`, 'search-error'));
    fill(results);
  } finally {
    results.removeAttribute('aria-busy');
  }
}

function showQueryImage(src: string | null, alt: string): void {
  const preview = byId('search-preview');
  if (!src) {
    fill(preview);
    preview.hidden = true;
    return;
  }
  fill(preview, h('img', { src, alt, width: 72, height: 72 }), h('span', {}, 'Searching with this image'));
  preview.hidden = false;
}

/** Searches by a post image already on the page (the "pick a post" path). */
export async function searchByPost(post: { imageUrl: string; caption: string }, handle: string): Promise<void> {
  byId('search').scrollIntoView({ behavior: 'smooth', block: 'start' });
  showQueryImage(post.imageUrl, `${handle}'s post`);
  try {
    const blob = await (await fetch(post.imageUrl)).blob();
    await runSearch({ image: await toSmallDataUrl(blob) }, `the look of ${handle}'s post`);
  } catch (err) {
    fill(byId('search-status'), notice('error', `Search failed: ${describeError(err)}`, 'search-error'));
  }
}

/** Wires the text form and the file input. */
export function wireSearch(): void {
  const form = byId<HTMLFormElement>('search-form');
  const text = byId<HTMLInputElement>('search-text');
  const file = byId<HTMLInputElement>('search-file');
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const q = text.value.trim();
    if (!q) {
      fill(byId('search-status'), notice('error', 'Type what you are looking for, e.g. "striped linen shirt".', 'search-error'));
      text.focus();
      return;
    }
    showQueryImage(null, '');
    void runSearch({ text: q }, `“${q}”`);
  });
  file.addEventListener('change', async () => {
    const picked = file.files?.[0];
    if (!picked) return;
    try {
      const dataUrl = await toSmallDataUrl(picked);
      showQueryImage(dataUrl, `Your photo ${picked.name}`);
      const q = text.value.trim();
      // Text and image together ("like this photo, but in red") when both are given.
      await runSearch(q ? { image: dataUrl, text: q } : { image: dataUrl }, q ? `your photo + “${q}”` : 'your photo');
    } catch (err) {
      fill(byId('search-status'), notice('error', describeError(err), 'search-error'));
    } finally {
      file.value = '';
    }
  });
}
