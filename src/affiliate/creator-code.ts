/**
 * Opaque creator codes. Affiliate networks forbid personal data in sub-ids, and a handle is
 * personal data, so a creator is credited by a keyed hash of their id: stable (the same creator
 * always gets the same code, so reports add up), not reversible without the secret, and free of
 * handle, name or email.
 */
import { createHmac } from 'node:crypto';

/** Hex characters kept: 64 bits, ample for any creator roster, short enough for every network's sub-id. */
const CODE_LENGTH = 16;

/**
 * @example creatorCode('c007', secret) // → "3f9a0c1d2e4b5a69" (lower-case hex, 16 characters)
 */
export function creatorCode(creatorId: string, secret: string): string {
  return createHmac('sha256', secret).update(`creator:${creatorId}`).digest('hex').slice(0, CODE_LENGTH);
}
