/** Per-item schema validation: a failing item becomes a result, never an exception. */
import type { z } from 'zod';
import { isId } from '../domain/ids.js';
import { failResult, type ItemResult } from './item-result.js';

/**
 * The id to report for item `k`: its own id when it passes the id rule, else its position, so a
 * refused item's result never echoes a megabyte id or a lone surrogate back.
 */
export function itemId(item: unknown, k: number): string {
  const id = (item as { id?: unknown } | null)?.id;
  return isId(id) ? id : `#${k}`;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; result: ItemResult };

export function parseItem<S extends z.ZodType>(schema: S, item: unknown, k: number): Parsed<z.infer<S>> {
  const parsed = schema.safeParse(item);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issues = parsed.error.issues.map((i) => `items.${[k, ...i.path].join('.')}: ${i.message}`);
  return { ok: false, result: failResult(itemId(item, k), 'VALIDATION_FAILED', issues.join('; ')) };
}
