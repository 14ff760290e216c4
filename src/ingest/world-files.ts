/**
 * Reads the entity lists of a world folder (the documented format in fixtures/README.md): raw
 * JSON arrays, validated item by item by the write commands that load them, so a bad record is
 * reported with its file and position and never sinks the rest.
 *
 *   categories.json (optional), merchants.json (optional), creators.json, posts.json, products.json, users.json,
 *   events.json (optional: shoppers' feedback events with their times, `FeedbackRecord`)
 *
 * One translation from the world format: a world post lists what it shows in `items` (ground
 * truth with colour, pattern, category); a post that names no `categories` of its own gets the
 * categories of those items, since that is what decides whether the post is health data.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '../errors.js';

export interface WorldFiles {
  /** Extends or changes the category taxonomy before anything else loads (empty: the service's taxonomy as it is). */
  categories: unknown[];
  merchants: unknown[];
  creators: unknown[];
  posts: unknown[];
  products: unknown[];
  users: unknown[];
  events: unknown[];
}

/** @throws AppError NOT_FOUND for a missing required file, VALIDATION_FAILED for one that is not a JSON array. */
export async function readWorldFiles(worldDir: string): Promise<WorldFiles> {
  // In order, so a folder that is not a world is reported by its first missing file.
  const creators = await readList(worldDir, 'creators.json');
  const posts = await readList(worldDir, 'posts.json');
  const products = await readList(worldDir, 'products.json');
  const users = await readList(worldDir, 'users.json');
  const merchants = await readList(worldDir, 'merchants.json', true);
  const categories = await readList(worldDir, 'categories.json', true);
  const events = await readList(worldDir, 'events.json', true);
  return { categories, merchants, creators, posts: posts.map(withItemCategories), products, users, events };
}

/** A world post's categories: its own, else those of the items it shows (left as is when neither is usable). */
function withItemCategories(post: unknown): unknown {
  if (typeof post !== 'object' || post === null || 'categories' in post) return post;
  const items = (post as { items?: unknown }).items;
  if (!Array.isArray(items)) return post;
  const categories = items.map((i) => (i as { category?: unknown } | null)?.category).filter((c): c is string => typeof c === 'string');
  return categories.length > 0 ? { ...post, categories: [...new Set(categories)] } : post;
}

async function readList(worldDir: string, file: string, optional = false): Promise<unknown[]> {
  const path = join(worldDir, file);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    if (optional && (cause as NodeJS.ErrnoException).code === 'ENOENT') return [];
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
