import { describe, expect, it } from 'vitest';
import { signToken, verifyToken, type TokenClaims } from '../../src/affiliate/token.js';
import { AppError } from '../../src/errors.js';

const secret = 'test-secret-0123456789';
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
    expect(verifyToken(signToken(claims, secret), secret, 3600, now)).toEqual(claims);
    const anonymous = { ...claims, creatorCode: null, userRef: null };
    expect(verifyToken(signToken(anonymous, secret), secret, 3600, now)).toEqual(anonymous);
  });

  it('is base64url only (safe in a path segment) and carries no URL', () => {
    const token = signToken(claims, secret);
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(Buffer.from(token.split('.')[0]!, 'base64url').toString()).not.toContain('http');
  });

  it('flipping any single character gives TOKEN_INVALID', () => {
    const token = signToken(claims, secret);
    const codes = new Set<string | undefined>();
    for (let i = 0; i < token.length; i++) {
      const c = token[i]!;
      const flipped = c === 'A' ? 'B' : c === '.' ? '_' : 'A';
      codes.add(codeOf(() => verifyToken(token.slice(0, i) + flipped + token.slice(i + 1), secret, 3600, now)));
    }
    expect([...codes]).toEqual(['TOKEN_INVALID']);
  });

  it('a token signed with another secret is TOKEN_INVALID', () => {
    expect(codeOf(() => verifyToken(signToken(claims, 'another-secret-987654321'), secret, 3600, now))).toBe('TOKEN_INVALID');
  });

  it.each(['', 'abc', 'a.b', '../../etc/passwd', 'x'.repeat(5000), `${'a'.repeat(20)}.${'b'.repeat(43)}`])(
    'garbage %# is TOKEN_INVALID',
    (token) => {
      expect(codeOf(() => verifyToken(token, secret, 3600, now))).toBe('TOKEN_INVALID');
    },
  );

  it('expires after the TTL (TOKEN_EXPIRED), not before', () => {
    const token = signToken(claims, secret);
    expect(codeOf(() => verifyToken(token, secret, 3600, new Date(now.getTime() + 3600_000)))).toBeUndefined();
    expect(codeOf(() => verifyToken(token, secret, 3600, new Date(now.getTime() + 3601_000)))).toBe('TOKEN_EXPIRED');
  });

  it('a token issued far in the future is TOKEN_INVALID', () => {
    const token = signToken({ ...claims, issuedAt: issuedAt + 3600 }, secret);
    expect(codeOf(() => verifyToken(token, secret, 7200, now))).toBe('TOKEN_INVALID');
  });
});
