/**
 * The "Following" section: each creator the shopper follows with a strip of their recent posts.
 * A post doubles as a shop-the-look query ("pick a post"), which is the quickest way for a
 * stakeholder to see the image search work.
 */
import { api } from './api.js';
import { at, fill, h } from './dom.js';
import { describeError, notice } from './notice.js';
import type { CreatorDetail, CreatorPost, Shopper } from './types.js';

const POSTS_PER_CREATOR = 6;

/** A stable hue per creator, so the same creator's avatar keeps its colour across shoppers. */
function hue(id: string): number {
  let h = 0;
  for (const ch of id) h = (h * 31 + ch.charCodeAt(0)) % 360;
  return h;
}

function followIds(shopper: Shopper): string[] {
  return shopper.follows;
}

function postButton(creator: CreatorDetail, post: CreatorPost, onPick: (post: CreatorPost, creator: CreatorDetail) => void): HTMLElement {
  return h(
    'li',
    {},
    h(
      'button',
      {
        type: 'button',
        class: 'post-thumb',
        title: 'Shop this look',
        'aria-label': `Shop the look of ${at(creator.handle)}'s post: ${post.caption || 'outfit photo'}`,
        onclick: () => onPick(post, creator),
      },
      h('img', { src: post.imageUrl, alt: `${at(creator.handle)}: ${post.caption || 'outfit photo'}`, width: 96, height: 96 }),
    ),
  );
}

/** The creator's initial on their hue, set through CSSOM: the page's CSP refuses style attributes. */
function avatar(creator: CreatorDetail): HTMLElement {
  const el = h('span', { class: 'avatar', 'aria-hidden': 'true' }, (creator.displayName || creator.handle).replace(/^@/, '').slice(0, 1).toUpperCase());
  el.style.setProperty('--hue', String(hue(creator.id)));
  return el;
}

function creatorRow(creator: CreatorDetail, onPick: (post: CreatorPost, creator: CreatorDetail) => void): HTMLElement {
  const posts = (creator.posts ?? []).slice(0, POSTS_PER_CREATOR);
  return h(
    'li',
    { class: 'creator', 'data-testid': 'followed-creator', 'data-creator-id': creator.id },
    h(
      'div',
      { class: 'creator-head' },
      avatar(creator),
      h(
        'div',
        {},
        h('p', { class: 'creator-handle' }, at(creator.handle)),
        h('p', { class: 'creator-meta' }, [creator.displayName, ...(creator.aesthetics ?? [])].filter(Boolean).join(' · ')),
      ),
    ),
    posts.length
      ? h('ul', { class: 'post-strip', 'aria-label': `Recent posts by ${at(creator.handle)}` }, ...posts.map((p) => postButton(creator, p, onPick)))
      : h('p', { class: 'muted' }, 'No posts yet.'),
  );
}

/**
 * Renders the creators a shopper follows into `root`, returning them (the caller needs their ids
 * to check "Inspired by" against). A creator that fails to load is reported inline, not fatally.
 */
export async function renderFollowing(root: HTMLElement, shopper: Shopper, onPick: (post: CreatorPost, creator: CreatorDetail) => void): Promise<CreatorDetail[]> {
  const ids = followIds(shopper);
  if (ids.length === 0) {
    fill(root, notice('empty', `${shopper.displayName || shopper.id} follows nobody yet, so there is no creator style to learn from.`, 'following-empty'));
    return [];
  }
  fill(root, notice('loading', 'Loading the creators this shopper follows…'));
  const results = await Promise.allSettled(ids.map((id) => api.creator(id)));
  const creators = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failures = results.flatMap((r) => (r.status === 'rejected' ? [describeError(r.reason)] : []));
  fill(
    root,
    h('ul', { class: 'creators' }, ...creators.map((c) => creatorRow(c, onPick))),
    failures.length ? notice('error', `Some creators could not be loaded: ${failures[0]}`) : null,
  );
  return creators;
}
