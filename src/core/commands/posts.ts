/**
 * Post writes: a creator's posts are embedded like products (image + caption) but not indexed;
 * they shape the profiles of the creator's followers, which are dropped after every change.
 * Upsert order: image → embedding → media staged → store (post + vector + media version) → media
 * promoted → caches. Remove order: store (post + vector) → caches → media; /media/posts/:id serves
 * only posts that exist.
 */
import { Post } from '../../domain/index.js';
import { AppError } from '../../errors.js';
import { failResult, type ItemResult } from '../../ingest/item-result.js';
import { itemId, parseItem } from '../../ingest/validate.js';
import type { CoreDeps } from '../deps.js';
import { creatorChanged, type CoreState } from '../state.js';
import { writeEmbedded } from './embedded.js';
import type { WriteOptions } from './products.js';
import { postCategoryProblem, storedPost } from './taxonomy-rules.js';

export function postCommands(deps: CoreDeps, state: CoreState) {
  const { store } = deps;
  return {
    /**
     * Upserts posts of one creator; a post's `creatorId` may be omitted (the path names the creator).
     * @throws AppError NOT_FOUND when the creator does not exist.
     */
    async upsertPosts(creatorId: string, items: unknown[], options: WriteOptions = {}): Promise<ItemResult[]> {
      if (!(await store.getCreator(creatorId))) throw new AppError('NOT_FOUND', `No creator with id "${creatorId}".`);
      const { results } = await writeEmbedded(items, deps, {
        kind: 'post',
        parse: (item, k) => {
          const given = (item as { creatorId?: unknown } | null)?.creatorId;
          if (given !== undefined && given !== creatorId) {
            return { ok: false, result: failResult(itemId(item, k), 'VALIDATION_FAILED', `items.${k}.creatorId: must be "${creatorId}", the creator in the path`) };
          }
          const parsed = parseItem(Post, typeof item === 'object' && item !== null ? { ...item, creatorId } : item, k, options.unknownFields);
          if (!parsed.ok) return parsed;
          const problem = postCategoryProblem(state.taxonomy, parsed.value, k);
          if (problem) return { ok: false, result: failResult(parsed.value.id, 'VALIDATION_FAILED', problem) };
          return { ok: true, value: storedPost(parsed.value) };
        },
        text: (p) => p.caption,
        save: (rows) => store.upsertPosts(creatorId, rows, deps.embedder.modelId),
        publish: async () => creatorChanged(state, creatorId),
      }, options.worldDir);
      return results;
    },

    /** @throws AppError NOT_FOUND when the creator has no such post. */
    async removePost(creatorId: string, postId: string): Promise<void> {
      if (!(await store.deletePost(creatorId, postId))) throw new AppError('NOT_FOUND', `Creator "${creatorId}" has no post with id "${postId}".`);
      creatorChanged(state, creatorId);
      await deps.media.remove('post', postId);
    },
  };
}
