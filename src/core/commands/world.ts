/**
 * Loads a whole world folder (the documented format, fixtures/README.md) through the same commands
 * the API uses: categories (optional), merchants, creators, their posts, products, then shoppers
 * (whose follows need the creators), then the shoppers' feedback events when the world has them.
 * Items go in chunks so progress can be reported and memory stays flat; the index is
 * flushed once at the end.
 */
import { AppError } from '../../errors.js';
import { failResult, type ItemResult } from '../../ingest/item-result.js';
import { itemId } from '../../ingest/validate.js';
import { readWorldFiles } from '../../ingest/world-files.js';
import type { CoreDeps } from '../deps.js';
import type { categoryCommands } from './categories.js';
import type { clickCommands } from './clicks.js';
import type { creatorCommands } from './creators.js';
import type { feedbackCommands } from './feedback.js';
import type { merchantCommands } from './merchants.js';
import type { postCommands } from './posts.js';
import type { productCommands } from './products.js';
import type { shopperCommands } from './shoppers.js';

export type WorldStage = 'categories' | 'merchants' | 'creators' | 'posts' | 'products' | 'users' | 'events';

export interface WorldProgress {
  stage: WorldStage;
  /** Items of this stage processed so far (ok or failed). */
  done: number;
  total: number;
}

export type WorldSummary = Record<WorldStage, { ok: number; failed: ItemResult[] }>;

/** Items per command call; each call embeds in batches and reports progress once. */
const CHUNK = 64;

/** The commands a world load goes through (everything but itself). */
type Writes = ReturnType<typeof categoryCommands> & ReturnType<typeof merchantCommands> & ReturnType<typeof productCommands> &
  ReturnType<typeof creatorCommands> & ReturnType<typeof postCommands> & ReturnType<typeof shopperCommands> &
  ReturnType<typeof clickCommands> & ReturnType<typeof feedbackCommands>;

export function worldCommands(deps: CoreDeps, commands: Writes) {
  return {
    /**
     * @example
     * const summary = await commands.loadWorld('fixtures', (p) => bar.update(p.done, { stage: p.stage }));
     * console.log(summary.products.ok, summary.products.failed.length);
     */
    async loadWorld(worldDir: string, onProgress?: (p: WorldProgress) => void): Promise<WorldSummary> {
      const files = await readWorldFiles(worldDir);
      // World files carry evaluation-only fields (attributes, items, heldOut): ignored, not refused.
      const write = { flush: false, worldDir, unknownFields: 'ignore' as const };
      const summary = {} as WorldSummary;
      const run = async (stage: WorldStage, items: unknown[], load: (chunk: unknown[]) => Promise<ItemResult[]>) => {
        const s = (summary[stage] = { ok: 0, failed: [] as ItemResult[] });
        onProgress?.({ stage, done: 0, total: items.length });
        for (let i = 0; i < items.length; i += CHUNK) {
          for (const r of await load(items.slice(i, i + CHUNK))) {
            if (r.ok) s.ok++;
            else s.failed.push(r);
          }
          onProgress?.({ stage, done: Math.min(i + CHUNK, items.length), total: items.length });
        }
        if (s.failed.length > 0) deps.log.warn('world items rejected', { stage, failed: s.failed.length, first: s.failed[0] });
      };

      // The taxonomy first: products and posts are checked against it.
      await run('categories', files.categories, (chunk) => commands.upsertCategories(chunk));
      await run('merchants', files.merchants, (chunk) => commands.upsertMerchants(chunk, 'ignore'));
      await run('creators', files.creators, (chunk) => commands.upsertCreators(chunk, 'ignore'));
      await run('posts', files.posts, async (chunk) => {
        // The API takes posts per creator; a world file mixes them, so group each chunk by owner.
        const byCreator = new Map<string, Array<{ item: unknown; k: number }>>();
        chunk.forEach((item, k) => {
          const owner = String((item as { creatorId?: unknown } | null)?.creatorId ?? '');
          byCreator.set(owner, [...(byCreator.get(owner) ?? []), { item, k }]);
        });
        const out: ItemResult[] = [];
        for (const [owner, group] of byCreator) {
          try {
            out.push(...(await commands.upsertPosts(owner, group.map((g) => g.item), write)));
          } catch (err) {
            if (!(err instanceof AppError)) throw err;
            out.push(...group.map((g) => failResult(itemId(g.item, g.k), err.code, err.message)));
          }
        }
        return out;
      });
      await run('products', files.products, (chunk) => commands.upsertProducts(chunk, write));
      // A world folder is synthetic (fixtures, generated worlds): its shoppers are the demo's personas.
      await run('users', files.users, (chunk) => commands.importShoppers(chunk, { demo: true }));
      // Feedback events last: they need their shoppers and their consent (kept only under personalization).
      await run('events', files.events, (chunk) => commands.importFeedback(chunk));
      await deps.productIndex.flush();
      return summary;
    },
  };
}
