/**
 * pgvector's text format ("[1,2.5,-3]") <-> Float32Array. pgvector prints float4 values with the
 * shortest text that round-trips, so a vector read back is bit-identical to the one written; a
 * float4 widened to a JavaScript number prints (shortest round-trip) a decimal that PostgreSQL
 * parses back to the same float4.
 *
 * Both directions are ours: the `pgvector` npm package's `toSql` is exactly
 * `JSON.stringify(numbers)`, and its 0.3.x (the only release with these helpers) declares Node
 * >= 22, which `npm ci` warns about on the Node 20 this service runs on. The reader skips the
 * number[] its `fromSql` builds (bulk loads parse 100k vectors at start-up).
 */
import { AppError } from '../errors.js';

export function vectorSql(v: Float32Array): string {
  return JSON.stringify(Array.from(v));
}

export function parseVector(text: string): Float32Array {
  if (text.length < 2 || text[0] !== '[' || text[text.length - 1] !== ']') {
    throw new AppError('STORE_UNAVAILABLE', `Not a pgvector value: ${text.slice(0, 40)}`);
  }
  if (text.length === 2) return new Float32Array(0);
  const parts = text.slice(1, -1).split(',');
  const out = new Float32Array(parts.length);
  for (let i = 0; i < parts.length; i++) out[i] = Number(parts[i]);
  return out;
}
