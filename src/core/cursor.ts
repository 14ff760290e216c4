/**
 * Opaque cursors for every list: a cursor is base64url(JSON [list, position]), where `list` names
 * the list it came from, so a cursor of one list handed to another is refused instead of silently
 * paging the wrong thing. Clients must treat it as opaque; the position format may change.
 */
import type { z } from 'zod';
import { AppError } from '../errors.js';

export function encodeCursor(list: string, position: unknown): string {
  return Buffer.from(JSON.stringify([list, position])).toString('base64url');
}

/** @throws AppError VALIDATION_FAILED (path "query.cursor") for a cursor that is not one of this list's. */
export function decodeCursor<T>(list: string, cursor: string, position: z.ZodType<T>): T {
  const refuse = () =>
    new AppError('VALIDATION_FAILED', 'The cursor is not valid for this list: pass back the `next` value of a previous page unchanged.', [
      { path: 'query.cursor', message: 'not a cursor of this list' },
    ]);
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw refuse();
  }
  if (!Array.isArray(decoded) || decoded.length !== 2 || decoded[0] !== list) throw refuse();
  const parsed = position.safeParse(decoded[1]);
  if (!parsed.success) throw refuse();
  return parsed.data;
}

/** A page of a list: the items and the cursor of the next page (null on the last one). */
export interface Page<T> {
  items: T[];
  next: string | null;
}

/**
 * Pages a list that is already in order: `limit + 1` were fetched, so whether a next page exists
 * is known without a second query; `positionOf` says where the last item of this page stands.
 */
export function pageOf<T>(list: string, fetched: T[], limit: number, positionOf: (last: T) => unknown): Page<T> {
  const items = fetched.slice(0, limit);
  const more = fetched.length > limit && items.length > 0;
  return { items, next: more ? encodeCursor(list, positionOf(items[items.length - 1]!)) : null };
}
