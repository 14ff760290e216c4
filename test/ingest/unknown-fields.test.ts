/** The one unknown-field rule's walker: names dropped keys, and survives hostile nesting. */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { unknownFields } from '../../src/ingest/unknown-fields.js';

describe('unknownFields', () => {
  it('names keys parsing dropped, nested ones with their path', () => {
    const schema = z.object({ limit: z.number().optional(), filters: z.object({ colour: z.string().optional() }) });
    const input = { limt: 5, filters: { colr: 'red' } };
    expect(unknownFields(input, schema.parse(input))).toEqual(['limt', 'filters.colr']);
  });

  it('returns at once for values passed through unchanged, however deep (a 400 elsewhere, never a stack overflow)', () => {
    let deep: unknown = [];
    for (let i = 0; i < 200_000; i++) deep = [deep];
    const body = { items: [-1, deep] };
    const parsed = z.object({ items: z.array(z.unknown()) }).parse(body);
    expect(unknownFields(body, parsed)).toEqual([]);
    // A copy (not the same reference) of deep nesting stops at the depth cap.
    expect(unknownFields(deep, structuredCloneSafe(deep))).toEqual([]);
  });
});

/** Deep arrays rebuilt without recursion (structuredClone would itself overflow). */
function structuredCloneSafe(v: unknown): unknown {
  let depth = 0;
  for (let x = v; Array.isArray(x) && x.length === 1; x = x[0]) depth++;
  let out: unknown = [];
  for (let i = 1; i < depth; i++) out = [out];
  return out;
}
