/**
 * Reads the entity lists of a world folder (the documented format in fixtures/README.md): raw
 * JSON arrays, validated item by item by the write commands that load them, so a bad record is
 * reported with its file and position and never sinks the rest.
 *
 *   merchants.json (optional), creators.json, posts.json, products.json, users.json,
 *   events.json (optional: shoppers' feedback events with their times, `FeedbackRecord`)
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '../errors.js';

export interface WorldFiles {
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
  const events = await readList(worldDir, 'events.json', true);
  return { merchants, creators, posts, products, users, events };
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
