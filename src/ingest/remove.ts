/**
 * Removals that undo everything ingest wrote: the stored entity and its vectors, the index entry
 * and the media copy (so a deleted creator's photos stop being served at /media/posts/:id).
 */
import { removeMedia } from './media.js';
import type { IngestDeps } from './types.js';

type RemoveDeps = Pick<IngestDeps, 'store' | 'productIndex' | 'postIndex'> & { config: Pick<IngestDeps['config'], 'mediaDir'> };

/** @returns false when there was no such product. */
export async function removeProduct(id: string, deps: RemoveDeps): Promise<boolean> {
  deps.productIndex.remove(id); // first: no search can return it between the two removals
  const existed = await deps.store.deleteProduct(id);
  await removeMedia(deps.config.mediaDir, 'product', id);
  return existed;
}

/** Removes a creator, their posts (store, post index, media) and every follow of them. */
export async function removeCreator(id: string, deps: RemoveDeps): Promise<boolean> {
  const posts = await deps.store.listPosts([id]);
  for (const p of posts) deps.postIndex?.remove(p.id);
  const existed = await deps.store.deleteCreator(id);
  await Promise.all(posts.map((p) => removeMedia(deps.config.mediaDir, 'post', p.id)));
  return existed;
}
