/**
 * Loads a whole world folder (see `src/world/schema.ts` for the layout) through the same ingest
 * functions the API uses: creators, their posts, products, then shoppers (whose follows need the
 * creators). Items go in chunks so progress can be reported and memory stays flat; the indexes are
 * flushed once at the end.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '../errors.js';
import { ingestPosts, ingestProducts } from './catalog.js';
import { ingestCreators, ingestUsers } from './people.js';
import { failResult, type IngestDeps, type ItemResult } from './types.js';

export type WorldStage = 'creators' | 'posts' | 'products' | 'users';

export interface WorldProgress {
  stage: WorldStage;
  /** Items of this stage processed so far (ok or failed). */
  done: number;
  total: number;
}

export type WorldSummary = Record<WorldStage, { ok: number; failed: ItemResult[] }>;

/** Items per ingest call; each call embeds in `batchSize` batches and reports progress once. */
const CHUNK = 64;

/**
 * @example
 * const summary = await ingestWorld('fixtures', deps, (p) => bar.update(p.done, { stage: p.stage }));
 * console.log(summary.products.ok, summary.products.failed.length);
 */
export async function ingestWorld(worldDir: string, deps: IngestDeps, onProgress?: (p: WorldProgress) => void): Promise<WorldSummary> {
  const d: IngestDeps = { ...deps, deferFlush: true, config: { ...deps.config, worldDir } };
  // In order, so a folder that is not a world is reported by its first missing file.
  const creators = await readList(worldDir, 'creators.json');
  const posts = await readList(worldDir, 'posts.json');
  const products = await readList(worldDir, 'products.json');
  const users = await readList(worldDir, 'users.json');
  const summary = {} as WorldSummary;

  const run = async (stage: WorldStage, items: unknown[], ingest: (chunk: unknown[]) => Promise<ItemResult[]>) => {
    const s = (summary[stage] = { ok: 0, failed: [] as ItemResult[] });
    onProgress?.({ stage, done: 0, total: items.length });
    for (let i = 0; i < items.length; i += CHUNK) {
      for (const r of await ingest(items.slice(i, i + CHUNK))) {
        if (r.ok) s.ok++;
        else s.failed.push(r);
      }
      onProgress?.({ stage, done: Math.min(i + CHUNK, items.length), total: items.length });
    }
    if (s.failed.length > 0) d.log?.warn('world items rejected', { stage, failed: s.failed.length, first: s.failed[0] });
  };

  await run('creators', creators, (chunk) => ingestCreators(chunk, d));
  await run('posts', posts, async (chunk) => {
    // The API takes posts per creator; a world file mixes them, so group each chunk by owner.
    const byCreator = new Map<string, unknown[]>();
    for (const p of chunk) {
      const owner = String((p as { creatorId?: unknown } | null)?.creatorId ?? '');
      byCreator.set(owner, [...(byCreator.get(owner) ?? []), p]);
    }
    const out: ItemResult[] = [];
    for (const [owner, group] of byCreator) {
      try {
        out.push(...(await ingestPosts(owner, group, d)));
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        out.push(...group.map((p, k) => failResult(String((p as { id?: unknown } | null)?.id ?? `#${k}`), err.code, err.message)));
      }
    }
    return out;
  });
  await run('products', products, (chunk) => ingestProducts(chunk, d));
  await run('users', users, (chunk) => ingestUsers(chunk, d));
  await Promise.all([deps.productIndex.flush(), deps.postIndex?.flush()]);
  return summary;
}

async function readList(worldDir: string, file: string): Promise<unknown[]> {
  const path = join(worldDir, file);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new AppError('NOT_FOUND', `World file ${path} is missing: is "${worldDir}" a world folder?`, undefined, { cause });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new AppError('VALIDATION_FAILED', `World file ${path} is not valid JSON.`, undefined, { cause });
  }
  if (!Array.isArray(value)) throw new AppError('VALIDATION_FAILED', `World file ${path} must hold a JSON array.`);
  return value;
}
