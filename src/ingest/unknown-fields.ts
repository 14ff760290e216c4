/**
 * The ONE rule for fields a schema does not know, on every route and every bulk item: they are
 * refused, naming the field, so a typo ("limt", "categroy") never passes silently. zod's plain
 * objects drop unknown keys while parsing; comparing what went in with what came out finds them
 * without making every schema strict (a world folder's records carry evaluation-only fields, and
 * loading a world is allowed to ignore them).
 */

import { z } from 'zod';

/** Deeper than any schema of the API nests. */
const MAX_DEPTH = 32;

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);

/**
 * Paths of keys present in `input` that parsing dropped.
 * @example unknownFields({ limt: 5, filters: { colr: 'red' } }, { filters: {} }) // ['limt', 'filters.colr']
 */
export function unknownFields(input: unknown, output: unknown, at: string[] = []): string[] {
  // The same value came out (z.unknown(), a passthrough): nothing in it was dropped. Hostile
  // nesting stops at MAX_DEPTH instead of growing the stack (a deep body must be a 400, never a 500).
  if (input === output || at.length >= MAX_DEPTH) return [];
  if (Array.isArray(input) && Array.isArray(output) && input.length === output.length) {
    return input.flatMap((v, i) => unknownFields(v, output[i], [...at, String(i)]));
  }
  if (!isPlainObject(input) || !isPlainObject(output)) return [];
  const out: string[] = [];
  for (const key of Object.keys(input)) {
    if (!Object.prototype.hasOwnProperty.call(output, key)) out.push([...at, key].join('.'));
    else out.push(...unknownFields(input[key], output[key], [...at, key]));
  }
  return out;
}

/**
 * Top-level keys of `input` that `schema` (an object schema, possibly piped, optional or
 * defaulted) does not declare. For a request that fails validation anyway: the typo is named
 * alongside what is missing ("creatorIDs" next to "creatorIds: required").
 */
export function undeclaredKeys(schema: z.ZodType, input: unknown): string[] {
  const shape = objectShape(schema);
  if (!shape || !isPlainObject(input)) return [];
  return Object.keys(input).filter((k) => !Object.prototype.hasOwnProperty.call(shape, k));
}

function objectShape(schema: z.ZodType): Record<string, unknown> | undefined {
  if (schema instanceof z.ZodObject) return schema.shape;
  if (schema instanceof z.ZodPipe) return objectShape(schema.in as z.ZodType);
  if (schema instanceof z.ZodOptional || schema instanceof z.ZodNullable || schema instanceof z.ZodDefault) return objectShape(schema.unwrap() as z.ZodType);
  return undefined;
}
