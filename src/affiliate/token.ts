/**
 * Signed redirect tokens: `<payload>.<signature>`, both base64url. The payload is the JSON of the
 * product id, creator code, optional user ref and issue time; the signature is HMAC-SHA256 over the
 * encoded payload. No URL is ever inside a token: the redirect target is rebuilt server-side.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
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
const SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/;

function sign(payload: string, secret: string): string {
  return createHmac('sha256', secret).update(payload).digest('base64url');
}

/** Encodes and signs claims. */
export function signToken(claims: TokenClaims, secret: string): string {
  const payload = Buffer.from(
    JSON.stringify({ v: 1, p: claims.productId, c: claims.creatorCode, u: claims.userRef, t: claims.issuedAt }),
  ).toString('base64url');
  return `${payload}.${sign(payload, secret)}`;
}

/**
 * Verifies signature (constant-time) then age. Throws `TOKEN_INVALID` for anything malformed or
 * tampered, `TOKEN_EXPIRED` when older than `ttlSeconds`.
 */
export function verifyToken(token: string, secret: string, ttlSeconds: number, now: Date): TokenClaims {
  if (token.length > MAX_TOKEN_LENGTH || !SHAPE.test(token)) throw new AppError('TOKEN_INVALID');
  const [payload, signature] = token.split('.') as [string, string];
  // Compare the canonical encodings, not decoded bytes: base64url's spare low bits would otherwise
  // let a flipped final character decode to the same signature.
  const expected = Buffer.from(sign(payload, secret));
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
