/** Per-item schema validation: a failing item becomes a result, never an exception. */
import type { z } from 'zod';
import { isId } from '../domain/ids.js';
import { failResult, type ItemResult } from './item-result.js';
import { unknownFields } from './unknown-fields.js';

/**
 * The id to report for item `k`: its own id when it passes the id rule, else its position, so a
 * refused item's result never echoes a megabyte id or a lone surrogate back.
 */
export function itemId(item: unknown, k: number): string {
  const id = (item as { id?: unknown } | null)?.id;
  return isId(id) ? id : `#${k}`;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; result: ItemResult };

/** What to do with fields the schema does not know: refuse them (the API's rule) or drop them (world files). */
export type UnknownFieldRule = 'refuse' | 'ignore';

export function parseItem<S extends z.ZodType>(schema: S, item: unknown, k: number, unknown: UnknownFieldRule = 'refuse'): Parsed<z.infer<S>> {
  const parsed = schema.safeParse(item);
  if (parsed.success) {
    const extra = unknown === 'refuse' ? unknownFields(item, parsed.data) : [];
    if (extra.length === 0) return { ok: true, value: parsed.data };
    const issues = extra.map((f) => `items.${k}.${f}: unknown field "${f.split('.').at(-1)}"`);
    return { ok: false, result: failResult(itemId(item, k), 'VALIDATION_FAILED', issues.join('; ')) };
  }
  const issues = parsed.error.issues.map((i) => `items.${[k, ...i.path].join('.')}: ${i.message}`);
  return { ok: false, result: failResult(itemId(item, k), 'VALIDATION_FAILED', issues.join('; ')) };
}
