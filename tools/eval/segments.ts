/**
 * Shopper segments the evaluation reports separately, because methods fail in different places:
 * one followed creator vs three or more, no purchase history (cold start) vs some (short, rich),
 * and shoppers who follow creators with few vs many posts.
 */
import type { User } from '../world/schema.js';
import type { EvalWorld } from './world.js';

export interface Segment {
  id: string;
  label: string;
  /** For chart axes. */
  short: string;
  /** Indices into the evaluated shoppers. */
  members: number[];
}

/** Purchases before the reference date at which a history counts as rich. */
export const RICH_HISTORY = 8;

/** The k-th smallest of xs at quantile q (nearest rank). */
function quantile(xs: readonly number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))] ?? 0;
}

export function segmentsOf(world: EvalWorld, evaluated: readonly User[]): Segment[] {
  const posts = new Map<string, number>(world.creators.map((c) => [c.id, 0]));
  for (const p of world.posts) posts.set(p.creatorId, (posts.get(p.creatorId) ?? 0) + 1);
  const counts = [...posts.values()];
  const few = quantile(counts, 1 / 3);
  const many = quantile(counts, 2 / 3);
  const meanPosts = (u: User) => u.follows.reduce((s, c) => s + (posts.get(c) ?? 0), 0) / Math.max(1, u.follows.length);
  const history = (u: User) => u.history?.length ?? 0;
  const where = (test: (u: User) => boolean) => evaluated.flatMap((u, i) => (test(u) ? [i] : []));
  return [
    { id: 'all', label: 'All scored shoppers', short: 'all', members: where(() => true) },
    { id: 'follows-1', label: 'Follow 1 creator', short: '1 creator', members: where((u) => u.follows.length === 1) },
    { id: 'follows-3plus', label: 'Follow 3+ creators', short: '3+ creators', members: where((u) => u.follows.length >= 3) },
    { id: 'cold-start', label: 'Cold start (no history)', short: 'cold start', members: where((u) => history(u) === 0) },
    { id: 'with-history', label: 'With history', short: 'history', members: where((u) => history(u) > 0) },
    { id: 'short-history', label: `Short history (1–${RICH_HISTORY - 1} purchases)`, short: 'short history', members: where((u) => history(u) > 0 && history(u) < RICH_HISTORY) },
    { id: 'rich-history', label: `Rich history (${RICH_HISTORY}+ purchases)`, short: 'rich history', members: where((u) => history(u) >= RICH_HISTORY) },
    { id: 'few-posts', label: `Creators with few posts (mean ≤ ${few})`, short: 'few posts', members: where((u) => meanPosts(u) <= few) },
    { id: 'many-posts', label: `Creators with many posts (mean ≥ ${many})`, short: 'many posts', members: where((u) => meanPosts(u) >= many) },
  ];
}
