import { describe, expect, it } from 'vitest';
import { createTagger, isCreditable, programmeIssues, type Credit } from '../../src/affiliate/tagger.js';
import { AMAZON_STATEMENT } from '../../src/affiliate/disclosure.js';
import { AppError } from '../../src/errors.js';
import { SECRET, creator, merchants, product } from './fixtures.js';

const now = new Date('2026-05-01T12:00:00.000Z');
const tagger = createTagger({ merchants, keys: [{ kid: 'k1', secret: SECRET }], tokenTtlSeconds: 3600 });
const code = '3f9a0c1d2e4b5a69';
const credit: Credit = { code, handle: '@c1.style' };
const tokenOf = (affiliateUrl: string) => affiliateUrl.replace(/^\/r\//, '');

describe('tag, verify, outbound', () => {
  const cases = [
    { p: product('p1', 'm-amz', 'https://www.amazon.co.uk/dp/B01'), url: 'https://www.amazon.co.uk/dp/B01?tag=ourstore-21', network: 'amazon' },
    { p: product('p2', 'm-imp', 'https://shop.example/p2'), url: `https://shop.sjv.io/c/111/222/333?u=https%3A%2F%2Fshop.example%2Fp2&subId1=${code}`, network: 'impact' },
    { p: product('p3', 'm-rak', 'https://rak.example/p3'), url: `https://click.linksynergy.com/deeplink?id=PUB1&mid=4242&murl=https%3A%2F%2Frak.example%2Fp3&u1=${code}`, network: 'rakuten' },
    { p: product('p4', 'm-cj', 'https://cj.example/p4'), url: `https://www.anrdoezrs.net/click-555-666?sid=${code}&url=https%3A%2F%2Fcj.example%2Fp4`, network: 'cj' },
    { p: product('p5', 'm-utm', 'https://boutique.example/p5'), url: `https://boutique.example/p5?utm_source=creatorstyle&utm_medium=affiliate&ref=${code}`, network: 'utm' },
  ] as const;

  it.each(cases)('$network: the token verifies to its claims and the outbound URL is exact', ({ p, url, network }) => {
    const tagged = tagger.tag({ product: p, credit, userRef: 'pseudonym-1', now });
    expect(tagged.affiliateUrl).toMatch(/^\/r\/k1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    const claims = tagger.verify(tokenOf(tagged.affiliateUrl), now);
    expect(claims).toEqual({ productId: p.id, creatorCode: code, userRef: 'pseudonym-1', issuedAt: Math.floor(now.getTime() / 1000) });
    expect(tagger.outbound(p, claims.creatorCode)).toEqual({ url, network });
  });

  it('the credit is the opaque code only: no handle or name in the token or the outbound URL', () => {
    const p = cases[1].p;
    const tagged = tagger.tag({ product: p, credit, userRef: null, now });
    const decoded = Buffer.from(tokenOf(tagged.affiliateUrl).split('.')[0]!, 'base64url').toString();
    for (const text of [decoded, tagger.outbound(p, code).url]) {
      expect(text).not.toContain('c1.style');
      expect(text).not.toContain('Creator c1');
    }
  });
});

describe('creator attribution and disclosure', () => {
  const imp = product('p2', 'm-imp', 'https://shop.example/p2');
  const amz = product('p1', 'm-amz', 'https://www.amazon.co.uk/dp/B01');

  it.each([
    { who: 'opted-in creator', c: creator('c1', { styleSource: true, affiliate: true }), creditable: true },
    { who: 'creator without affiliate opt-in', c: creator('c2', { styleSource: true, affiliate: false }), creditable: false },
    { who: 'creator without styleSource (cannot have inspired)', c: creator('c3', { styleSource: false, affiliate: true }), creditable: false },
    { who: 'no creator', c: null, creditable: false },
  ])('$who', ({ c, creditable }) => {
    expect(isCreditable(c)).toBe(creditable);
  });

  it('a credit names the creator in the disclosure and codes them in the link; none does neither', () => {
    const named = tagger.tag({ product: imp, credit, userRef: null, now });
    expect(named.disclosure).toBe('Paid link: we and @c1.style may earn a commission.');
    expect(tagger.verify(tokenOf(named.affiliateUrl), now).creatorCode).toBe(code);
    const plain = tagger.tag({ product: imp, credit: null, userRef: null, now });
    expect(plain.disclosure).toBe('Paid link: we may earn a commission.');
    expect(tagger.verify(tokenOf(plain.affiliateUrl), now).creatorCode).toBeNull();
    expect(tagger.outbound(imp, null).url).not.toContain('subId1');
    for (const d of [named.disclosure, plain.disclosure]) expect(d).not.toMatch(/affiliate link/i);
  });

  it('Amazon items add the Associates statement; others do not', () => {
    expect(tagger.tag({ product: amz, credit, userRef: null, now }).disclosure).toBe(`Paid link: we and @c1.style may earn a commission. ${AMAZON_STATEMENT}`);
    expect(tagger.tag({ product: imp, credit, userRef: null, now }).disclosure).not.toContain('Amazon');
  });
});

describe('failure modes', () => {
  const p = product('p2', 'm-imp', 'https://shop.example/p2');
  const tagged = tagger.tag({ product: p, credit: null, userRef: null, now });

  it('expired → TOKEN_EXPIRED; tampered → TOKEN_INVALID', () => {
    expect(() => tagger.verify(tokenOf(tagged.affiliateUrl), new Date(now.getTime() + 3601_000))).toThrow(expect.objectContaining({ code: 'TOKEN_EXPIRED' }));
    expect(() => tagger.verify(`${tokenOf(tagged.affiliateUrl)}x`, now)).toThrow(AppError);
  });

  it('a product whose stored URL is not http(s) never redirects', () => {
    const bad = product('p9', 'm-utm', 'javascript:alert(1)');
    expect(() => tagger.outbound(bad, null)).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
  });

  it('a merchant without a programme falls back to a UTM link on the stored URL', () => {
    const orphan = product('p8', 'm-nowhere', 'https://orphan.example/p8');
    expect(tagger.outbound(orphan, code)).toEqual({ url: `https://orphan.example/p8?utm_source=creatorstyle&utm_medium=affiliate&subid=${code}`, network: 'utm' });
  });

  it('refuses a short secret, a bad TTL and a misconfigured merchant at construction, with a code', () => {
    expect(() => createTagger({ merchants, keys: [{ kid: 'k1', secret: 'short' }], tokenTtlSeconds: 60 })).toThrow(/16 characters/);
    expect(() => createTagger({ merchants, keys: [{ kid: 'k1', secret: SECRET }], tokenTtlSeconds: 0 })).toThrow(/positive/);
    const bad = { id: 'm-x', name: 'X', network: 'rakuten' as const, settings: { siteId: 'PUB' } };
    expect(() => createTagger({ merchants: [bad], keys: [{ kid: 'k1', secret: SECRET }], tokenTtlSeconds: 60 })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID', message: expect.stringMatching(/merchant "m-x" \(rakuten\) is misconfigured: settings\.mid/i) }));
    expect(programmeIssues(bad)).toMatch(/^settings\.mid: /);
    expect(programmeIssues(merchants[0]!)).toBeNull();
  });

  it('setProgrammes replaces a merchant programme at run time', () => {
    const t = createTagger({ merchants: [], keys: [{ kid: 'k1', secret: SECRET }], tokenTtlSeconds: 60 });
    const amz = product('p1', 'm-amz', 'https://www.amazon.co.uk/dp/B01');
    expect(t.outbound(amz, null).network).toBe('utm');
    t.setProgrammes([merchants[0]!]);
    expect(t.outbound(amz, null)).toEqual({ url: 'https://www.amazon.co.uk/dp/B01?tag=ourstore-21', network: 'amazon' });
  });
});

describe("the world generator's merchants", () => {
  it('every merchant validates and every network builds a link on its own tracking host', async () => {
    const { MERCHANTS, toMerchant } = await import('../../tools/world/merchants.js');
    const world = MERCHANTS.map(toMerchant);
    const t = createTagger({ merchants: world, keys: [{ kid: 'k1', secret: SECRET }], tokenTtlSeconds: 60 });
    const networks = new Set<string>();
    for (const m of world) {
      const p = product(`p-${m.id}`, m.id, `https://${m.settings.domain}/p/x`, { network: m.network });
      const { url, network } = t.outbound(p, 'abc123');
      expect(network).toBe(m.network);
      expect(url.startsWith('https://')).toBe(true);
      if (m.settings.trackingDomain) expect(new URL(url).host).toBe(m.settings.trackingDomain);
      networks.add(network);
    }
    expect([...networks].sort()).toEqual(['amazon', 'cj', 'impact', 'rakuten', 'utm']);
  });
});
