/**
 * The one id rule for every entity the service stores (products, merchants, creators, posts,
 * shoppers): checked at the edge by every schema that takes an id, in bodies and in paths alike,
 * so an id that a PUT accepts is always reachable by GET and DELETE.
 *
 * An id is 1-128 characters from RFC 3986's "unreserved" set (A-Z a-z 0-9 . _ ~ -) and starts with
 * a letter or digit. Such an id reads the same in a URL path whether escaped or not, can never be
 * a dot segment, a path separator, a control character or half a surrogate pair, and is never used
 * as a file name (media files are named by a hash of kind + id, `src/store/media-files.ts`).
 */
import { z } from 'zod';

export const MAX_ID_LENGTH = 128;

/** The id rule as a regular expression (also what /openapi.json shows as the id `pattern`). */
export const ID_PATTERN = new RegExp(`^[A-Za-z0-9][A-Za-z0-9._~-]{0,${MAX_ID_LENGTH - 1}}$`);

const RULE = `1-${MAX_ID_LENGTH} characters from A-Z a-z 0-9 . _ ~ -, starting with a letter or digit`;

export const Id = z
  .string()
  .min(1, { error: 'must not be empty' })
  .max(MAX_ID_LENGTH, { error: `must be at most ${MAX_ID_LENGTH} characters` })
  .regex(ID_PATTERN, { error: `must be ${RULE}` })
  .describe(`An id: ${RULE}.`);

/** True when `value` is a string that passes the id rule (for reporting refused items by their id). */
export const isId = (value: unknown): value is string => typeof value === 'string' && ID_PATTERN.test(value);
