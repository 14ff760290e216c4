/**
 * Signed redirect tokens: `<kid>.<payload>.<signature>`, all base64url-safe. The key id names the
 * link key (LINK_SECRETS) that signed it; the payload is the JSON of the product id, creator code,
 * optional link pseudonym and issue time; the signature is HMAC-SHA256 over `<kid>.<payload>`, so
 * the key id cannot be swapped without breaking it. No URL is ever inside a token: the redirect
 * target is rebuilt server-side.
 *
 * Key rotation: new tokens are signed with the first key, any listed key verifies. A token whose
 * key is no longer listed is TOKEN_RETIRED (410). Tokens from before key ids existed
 * (`<payload>.<signature>`) are verified with key "k0", which is what LINK_SECRET alone is called.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { LEGACY_KID, type LinkKey } from '../config.js';
import { AppError } from '../errors.js';

export interface TokenClaims {
  productId: string;
  /** Opaque creator code, or null when no opted-in creator is credited. */
  creatorCode: string | null;
  /** Pseudonymous user ref, present only if the shopper allowed click tracking when the link was made. */
  userRef: string | null;
  /** Issue time, whole seconds since the epoch. */
  issuedAt: number;
}

const Payload = z.object({
  v: z.literal(1),
  p: z.string().min(1),
  c: z.string().nullable(),
  u: z.string().nullable(),
  t: z.number().int().nonnegative(),
});

/** Tokens longer than this are refused before any work: no legitimate token comes close. */
const MAX_TOKEN_LENGTH = 1024;
/** Clock skew tolerated for tokens that claim to be issued in the future (multi-instance deploys). */
const FUTURE_SKEW_SECONDS = 300;
const SHAPE = /^(?:([A-Za-z0-9_-]{1,16})\.)?([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]{43})$/;

function sign(signed: string, secret: string): string {
  return createHmac('sha256', secret).update(signed).digest('base64url');
}

/** Encodes and signs claims with `key` (the first of the configured link keys). */
export function signToken(claims: TokenClaims, key: LinkKey): string {
  const payload = Buffer.from(
    JSON.stringify({ v: 1, p: claims.productId, c: claims.creatorCode, u: claims.userRef, t: claims.issuedAt }),
  ).toString('base64url');
  const signed = `${key.kid}.${payload}`;
  return `${signed}.${sign(signed, key.secret)}`;
}

/**
 * Verifies the key, the signature (constant-time) and then the age. Throws `TOKEN_INVALID` for
 * anything malformed or tampered, `TOKEN_RETIRED` when its key is not among `keys` any more,
 * `TOKEN_EXPIRED` when older than `ttlSeconds`.
 */
export function verifyToken(token: string, keys: readonly LinkKey[], ttlSeconds: number, now: Date): TokenClaims {
  const shape = token.length > MAX_TOKEN_LENGTH ? null : SHAPE.exec(token);
  if (!shape) throw new AppError('TOKEN_INVALID');
  const [, kid, payload, signature] = shape as unknown as [string, string | undefined, string, string];
  const key = keys.find((k) => k.kid === (kid ?? LEGACY_KID));
  if (!key) throw new AppError('TOKEN_RETIRED');
  // Compare the canonical encodings, not decoded bytes: base64url's spare low bits would otherwise
  // let a flipped final character decode to the same signature.
  const expected = Buffer.from(sign(kid === undefined ? payload : `${kid}.${payload}`, key.secret));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw new AppError('TOKEN_INVALID');

  let parsed: z.infer<typeof Payload>;
  try {
    parsed = Payload.parse(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')));
  } catch (cause) {
    // Only reachable with a leaked secret or a format change: the signature already matched.
    throw new AppError('TOKEN_INVALID', undefined, undefined, { cause });
  }
  const nowSeconds = Math.floor(now.getTime() / 1000);
  if (parsed.t > nowSeconds + FUTURE_SKEW_SECONDS) throw new AppError('TOKEN_INVALID');
  if (nowSeconds - parsed.t > ttlSeconds) throw new AppError('TOKEN_EXPIRED');
  return { productId: parsed.p, creatorCode: parsed.c, userRef: parsed.u, issuedAt: parsed.t };
}
