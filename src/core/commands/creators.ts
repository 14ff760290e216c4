/**
 * Creator writes: profile upserts, opt-in changes and removal. Each drops every cached profile
 * and list that drew on the creator, so the change applies to the very next request.
 * Remove order: store (creator, posts, post vectors, follows of them, their link code: one
 * transaction) → caches → post media. Links issued earlier stop crediting at once: the click
 * command looks the code up at click time and finds no creator.
 */
import { Creator, CreatorOptIns } from '../../domain/index.js';
import { AppError } from '../../errors.js';
import { okResult, type ItemResult } from '../../ingest/item-result.js';
import { parseItem, type UnknownFieldRule } from '../../ingest/validate.js';
import type { CoreDeps } from '../deps.js';
import { creatorChanged, type CoreState } from '../state.js';

export function creatorCommands(deps: CoreDeps, state: CoreState) {
  const { store } = deps;
  return {
    /** @param unknownFields 'ignore' for world files (they carry evaluation-only fields); the API refuses them. */
    async upsertCreators(items: unknown[], unknownFields: UnknownFieldRule = 'refuse'): Promise<ItemResult[]> {
      const results: ItemResult[] = [];
      const good: Creator[] = [];
      for (const [k, item] of items.entries()) {
        const parsed = parseItem(Creator, item, k, unknownFields);
        results.push(parsed.ok ? okResult(parsed.value.id) : parsed.result);
        if (parsed.ok) good.push(parsed.value);
      }
      await store.upsertCreators(good);
      for (const c of good) creatorChanged(state, c.id);
      return results;
    },

    /** @throws AppError NOT_FOUND when there is no such creator. */
    async setCreatorOptIns(id: string, patch: Partial<CreatorOptIns>): Promise<Creator> {
      const creator = await store.getCreator(id);
      if (!creator) throw new AppError('NOT_FOUND', `No creator with id "${id}".`);
      const updated = { ...creator, optIns: { ...creator.optIns, ...patch } };
      await store.upsertCreators([updated]);
      creatorChanged(state, id);
      return updated;
    },

    /** @throws AppError NOT_FOUND when there is no such creator. */
    async removeCreator(id: string): Promise<void> {
      const posts = await store.listPosts([id]);
      if (!(await store.deleteCreator(id))) throw new AppError('NOT_FOUND', `No creator with id "${id}".`);
      creatorChanged(state, id);
      await Promise.all(posts.map((p) => deps.media.remove('post', p.id)));
    },
  };
}
