import { describe, expect, it } from 'vitest';
import { createTagger, type ProductLookup } from '../../src/affiliate/tagger.js';
import { AMAZON_STATEMENT } from '../../src/affiliate/disclosure.js';
import { AppError } from '../../src/errors.js';
import type { Product } from '../../src/world/schema.js';
import { SECRET, creator, merchants, product } from './fixtures.js';

const now = new Date('2026-05-01T12:00:00.000Z');
const tagger = createTagger({ merchants, secret: SECRET, tokenTtlSeconds: 3600 });
const both = creator('c1', { styleSource: true, affiliate: true });
const styleOnly = creator('c2', { styleSource: true, affiliate: false });
const affiliateOnly = creator('c3', { styleSource: false, affiliate: true });
const lookup = (...products: Product[]): ProductLookup => ({
  getProduct: async (id) => products.find((p) => p.id === id),
});
const tokenOf = (affiliateUrl: string) => affiliateUrl.replace(/^\/r\//, '');

describe('tag + resolve', () => {
  const code = tagger.creatorCode('c1');
  const cases = [
    { p: product('p1', 'm-amz', 'https://www.amazon.co.uk/dp/B01'), url: 'https://www.amazon.co.uk/dp/B01?tag=ourstore-21', network: 'amazon' },
    { p: product('p2', 'm-imp', 'https://shop.example/p2'), url: `https://shop.sjv.io/c/111/222/333?u=https%3A%2F%2Fshop.example%2Fp2&subId1=${code}`, network: 'impact' },
    { p: product('p3', 'm-rak', 'https://rak.example/p3'), url: `https://click.linksynergy.com/deeplink?id=PUB1&mid=4242&murl=https%3A%2F%2Frak.example%2Fp3&u1=${code}`, network: 'rakuten' },
    { p: product('p4', 'm-cj', 'https://cj.example/p4'), url: `https://www.anrdoezrs.net/click-555-666?sid=${code}&url=https%3A%2F%2Fcj.example%2Fp4`, network: 'cj' },
    { p: product('p5', 'm-utm', 'https://boutique.example/p5'), url: `https://boutique.example/p5?utm_source=creatorstyle&utm_medium=affiliate&ref=${code}`, network: 'utm' },
  ] as const;

  it.each(cases)('$network: /r/ link resolves to the exact network URL', async ({ p, url, network }) => {
    const tagged = tagger.tag({ product: p, creator: both, userRef: 'u0001', now });
    expect(tagged.affiliateUrl).toMatch(/^\/r\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    const resolved = await tagger.resolve(tokenOf(tagged.affiliateUrl), now, lookup(p));
    expect(resolved).toEqual({ url, productId: p.id, creatorCode: code, userRef: 'u0001', network, merchant: p.merchant });
  });

  it('the creator code is opaque: no id, handle or name in the link or token', async () => {
    const p = cases[1].p;
    const tagged = tagger.tag({ product: p, creator: both, userRef: null, now });
    const decoded = Buffer.from(tokenOf(tagged.affiliateUrl).split('.')[0]!, 'base64url').toString();
    const { url } = await tagger.resolve(tokenOf(tagged.affiliateUrl), now, lookup(p));
    for (const text of [decoded, url]) {
      expect(text).not.toContain('c1.style');
      expect(text).not.toContain('Creator c1');
      expect(text).not.toMatch(/[?&=]c1\b/);
    }
    expect(code).toMatch(/^[0-9a-f]{16}$/);
    expect(tagger.creatorCode('c1')).toBe(code);
    expect(tagger.creatorCode('c2')).not.toBe(code);
  });

  it('a separate creator-code secret changes the code, not the token secret', () => {
    const other = createTagger({ merchants, secret: SECRET, tokenTtlSeconds: 3600, creatorCodeSecret: 'another-creator-secret' });
    expect(other.creatorCode('c1')).not.toBe(code);
  });
});

describe('creator attribution and disclosure', () => {
  const imp = product('p2', 'm-imp', 'https://shop.example/p2');
  const amz = product('p1', 'm-amz', 'https://www.amazon.co.uk/dp/B01');
  it.each([
    { who: 'opted-in creator', c: both, named: true },
    { who: 'creator without affiliate opt-in', c: styleOnly, named: false },
    { who: 'creator without styleSource (cannot have inspired)', c: affiliateOnly, named: false },
    { who: 'no creator', c: null, named: false },
  ])('$who', async ({ c, named }) => {
    const tagged = tagger.tag({ product: imp, creator: c, userRef: null, now });
    const resolved = await tagger.resolve(tokenOf(tagged.affiliateUrl), now, lookup(imp));
    if (named && c) {
      expect(tagged.disclosure).toBe(`Paid link: we and ${c.handle} may earn a commission.`);
      expect(resolved.creatorCode).toBe(tagger.creatorCode(c.id));
      expect(resolved.url).toContain(`subId1=${tagger.creatorCode(c.id)}`);
    } else {
      expect(tagged.disclosure).toBe('Paid link: we may earn a commission.');
      expect(tagged.disclosure).not.toContain('@');
      expect(resolved.creatorCode).toBeNull();
      expect(resolved.url).not.toContain('subId1');
    }
    expect(tagged.disclosure).not.toMatch(/affiliate link/i);
  });

  it('Amazon items add the Associates statement; others do not', () => {
    expect(tagger.tag({ product: amz, creator: both, userRef: null, now }).disclosure).toBe(
      `Paid link: we and @c1.style may earn a commission. ${AMAZON_STATEMENT}`,
    );
    expect(tagger.tag({ product: imp, creator: both, userRef: null, now }).disclosure).not.toContain('Amazon');
  });
});

describe('failure modes', () => {
  const p = product('p2', 'm-imp', 'https://shop.example/p2');
  const tagged = tagger.tag({ product: p, creator: null, userRef: null, now });

  it('expired → TOKEN_EXPIRED; unknown product → NOT_FOUND; tampered → TOKEN_INVALID', async () => {
    await expect(tagger.resolve(tokenOf(tagged.affiliateUrl), new Date(now.getTime() + 3601_000), lookup(p))).rejects.toMatchObject({ code: 'TOKEN_EXPIRED' });
    await expect(tagger.resolve(tokenOf(tagged.affiliateUrl), now, lookup())).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(tagger.resolve(`${tokenOf(tagged.affiliateUrl)}x`, now, lookup(p))).rejects.toBeInstanceOf(AppError);
  });

  it('a product whose stored URL is not http(s) never redirects', async () => {
    const bad = product('p9', 'm-utm', 'javascript:alert(1)');
    const t = tagger.tag({ product: bad, creator: null, userRef: null, now });
    await expect(tagger.resolve(tokenOf(t.affiliateUrl), now, lookup(bad))).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('an unconfigured merchant falls back to a UTM link on the stored URL', async () => {
    const orphan = product('p8', 'm-nowhere', 'https://orphan.example/p8');
    const t = tagger.tag({ product: orphan, creator: both, userRef: null, now });
    const r = await tagger.resolve(tokenOf(t.affiliateUrl), now, lookup(orphan));
    expect(r.url).toBe(`https://orphan.example/p8?utm_source=creatorstyle&utm_medium=affiliate&subid=${tagger.creatorCode('c1')}`);
    expect(r.network).toBe('utm');
  });

  it('refuses a short secret, a bad TTL and a misconfigured merchant at construction', () => {
    expect(() => createTagger({ merchants, secret: 'short', tokenTtlSeconds: 60 })).toThrow(/16 characters/);
    expect(() => createTagger({ merchants, secret: SECRET, tokenTtlSeconds: 0 })).toThrow(/positive/);
    expect(() =>
      createTagger({ merchants: [{ id: 'm-x', name: 'X', network: 'rakuten', settings: { siteId: 'PUB' } }], secret: SECRET, tokenTtlSeconds: 60 }),
    ).toThrow(/merchant "m-x" \(rakuten\) is misconfigured: settings\.mid/);
  });
});

describe("the world generator's merchants", () => {
  it('every merchant validates and every network builds a link on its own tracking host', async () => {
    const { MERCHANTS, toMerchant } = await import('../../src/world/merchants.js');
    const world = MERCHANTS.map(toMerchant);
    const t = createTagger({ merchants: world, secret: SECRET, tokenTtlSeconds: 60 });
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
