import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signToken, verifyToken, type TokenClaims } from '../../src/affiliate/token.js';
import { AppError } from '../../src/errors.js';

const key = { kid: 'k1', secret: 'test-secret-0123456789' };
const keys = [key];
const now = new Date('2026-05-01T12:00:00.000Z');
const issuedAt = Math.floor(now.getTime() / 1000);
const claims: TokenClaims = { productId: 'p00042', creatorCode: '0123456789abcdef', userRef: 'u0001', issuedAt };

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return e instanceof AppError ? e.code : 'not-an-AppError';
  }
  return undefined;
}

describe('redirect tokens', () => {
  it('round-trips the claims', () => {
    expect(verifyToken(signToken(claims, key), keys, 3600, now)).toEqual(claims);
    const anonymous = { ...claims, creatorCode: null, userRef: null };
    expect(verifyToken(signToken(anonymous, key), keys, 3600, now)).toEqual(anonymous);
  });

  it('is base64url only (safe in a path segment) and carries no URL', () => {
    const token = signToken(claims, key);
    expect(token).toMatch(/^k1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(Buffer.from(token.split('.')[1]!, 'base64url').toString()).not.toContain('http');
  });

  it('flipping any single character gives TOKEN_INVALID', () => {
    const token = signToken(claims, key);
    const codes = new Set<string | undefined>();
    for (let i = 0; i < token.length; i++) {
      const c = token[i]!;
      const flipped = c === 'A' ? 'B' : c === '.' ? '_' : 'A';
      // A flip in the key id or its dot names another key (or the key-less legacy form), which is
      // not configured: retired, never accepted.
      const expected = i <= 2 ? 'TOKEN_RETIRED' : 'TOKEN_INVALID';
      codes.add(`${expected}=${codeOf(() => verifyToken(token.slice(0, i) + flipped + token.slice(i + 1), keys, 3600, now))}`);
    }
    expect([...codes].sort()).toEqual(['TOKEN_INVALID=TOKEN_INVALID', 'TOKEN_RETIRED=TOKEN_RETIRED']);
  });

  it('a token signed with another secret is TOKEN_INVALID', () => {
    expect(codeOf(() => verifyToken(signToken(claims, { kid: 'k1', secret: 'another-secret-987654321' }), keys, 3600, now))).toBe('TOKEN_INVALID');
  });

  it.each(['', 'abc', 'a.b', '../../etc/passwd', 'x'.repeat(5000), `${'a'.repeat(20)}.${'b'.repeat(43)}`])(
    'garbage %# is TOKEN_INVALID',
    (token) => {
      expect(codeOf(() => verifyToken(token, [...keys, { kid: 'k0', secret: 'legacy-secret-0123456789' }], 3600, now))).toBe('TOKEN_INVALID');
    },
  );

  it('expires after the TTL (TOKEN_EXPIRED), not before', () => {
    const token = signToken(claims, key);
    expect(codeOf(() => verifyToken(token, keys, 3600, new Date(now.getTime() + 3600_000)))).toBeUndefined();
    expect(codeOf(() => verifyToken(token, keys, 3600, new Date(now.getTime() + 3601_000)))).toBe('TOKEN_EXPIRED');
  });

  it('a token issued far in the future is TOKEN_INVALID', () => {
    const token = signToken({ ...claims, issuedAt: issuedAt + 3600 }, key);
    expect(codeOf(() => verifyToken(token, keys, 7200, now))).toBe('TOKEN_INVALID');
  });
});

describe('link key rotation', () => {
  const oldKey = { kid: 'k1', secret: 'old-secret-0123456789' };
  const newKey = { kid: 'k2', secret: 'new-secret-0123456789' };

  it('signs with the first key and names it; every listed key verifies', () => {
    const fresh = signToken(claims, newKey);
    expect(fresh.startsWith('k2.')).toBe(true);
    const old = signToken(claims, oldKey);
    expect(verifyToken(fresh, [newKey, oldKey], 3600, now)).toEqual(claims);
    expect(verifyToken(old, [newKey, oldKey], 3600, now)).toEqual(claims);
  });

  it('a token whose key was retired is TOKEN_RETIRED, not TOKEN_INVALID', () => {
    const old = signToken(claims, oldKey);
    expect(codeOf(() => verifyToken(old, [newKey], 3600, now))).toBe('TOKEN_RETIRED');
  });

  it('the key id is signed: relabelling a token with another listed key id does not verify', () => {
    const old = signToken(claims, oldKey);
    expect(codeOf(() => verifyToken(`k2${old.slice(2)}`, [newKey, oldKey], 3600, now))).toBe('TOKEN_INVALID');
  });

  it('tokens from before key ids (payload.signature) verify with key "k0" only', () => {
    const payload = Buffer.from(JSON.stringify({ v: 1, p: claims.productId, c: claims.creatorCode, u: claims.userRef, t: issuedAt })).toString('base64url');
    const legacySecret = 'legacy-secret-0123456789';
    const legacy = `${payload}.${createHmac('sha256', legacySecret).update(payload).digest('base64url')}`;
    expect(verifyToken(legacy, [newKey, { kid: 'k0', secret: legacySecret }], 3600, now)).toEqual(claims);
    expect(codeOf(() => verifyToken(legacy, [newKey], 3600, now))).toBe('TOKEN_RETIRED');
  });
});
