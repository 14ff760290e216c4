import { describe, expect, it } from 'vitest';
import { LINK_BUILDERS } from '../../src/affiliate/networks/index.js';
import type { AffiliateNetwork } from '../../tools/world/schema.js';

interface Case {
  name: string;
  network: AffiliateNetwork;
  productUrl: string;
  settings: Record<string, string>;
  subId: string | null;
  expected: string;
}

const cases: Case[] = [
  {
    name: 'Amazon .com gets -20',
    network: 'amazon', productUrl: 'https://www.amazon.com/dp/B0C1234567', settings: { tag: 'ourstore' }, subId: 'abc123',
    expected: 'https://www.amazon.com/dp/B0C1234567?tag=ourstore-20',
  },
  {
    name: 'Amazon .co.uk gets -21 from the URL host, replacing a stale tag',
    network: 'amazon', productUrl: 'https://www.amazon.co.uk/dp/B0C1234567?tag=someoneelse-21&th=1', settings: { tag: 'ourstore' }, subId: null,
    expected: 'https://www.amazon.co.uk/dp/B0C1234567?tag=ourstore-21&th=1',
  },
  {
    name: 'Amazon .de via explicit marketplace',
    network: 'amazon', productUrl: 'https://www.amazon.de/dp/B0C1234567', settings: { tag: 'ourstore', marketplace: 'de' }, subId: null,
    expected: 'https://www.amazon.de/dp/B0C1234567?tag=ourstore-21',
  },
  {
    name: 'Amazon with a full tracking id keeps it',
    network: 'amazon', productUrl: 'https://www.amazon.co.jp/dp/B0C1234567', settings: { tag: 'ourstore-22' }, subId: null,
    expected: 'https://www.amazon.co.jp/dp/B0C1234567?tag=ourstore-22',
  },
  {
    name: 'Impact deep link with subId1',
    network: 'impact', productUrl: 'https://shop.example.com/p/linen-dress?colour=sage',
    settings: { trackingDomain: 'shop.sjv.io', mediaPartnerId: '1234567', adId: '89012', campaignId: '3456' }, subId: 'abc123',
    expected: 'https://shop.sjv.io/c/1234567/89012/3456?u=https%3A%2F%2Fshop.example.com%2Fp%2Flinen-dress%3Fcolour%3Dsage&subId1=abc123',
  },
  {
    name: 'Impact without a creator has no subId1',
    network: 'impact', productUrl: 'https://shop.example.com/p/1',
    settings: { trackingDomain: 'shop.sjv.io', mediaPartnerId: '1', adId: '2', campaignId: '3' }, subId: null,
    expected: 'https://shop.sjv.io/c/1/2/3?u=https%3A%2F%2Fshop.example.com%2Fp%2F1',
  },
  {
    name: 'Rakuten deeplink with murl and u1',
    network: 'rakuten', productUrl: 'https://www.example-store.com/item/42?size=m&ref=x y',
    settings: { siteId: 'AbCdEf12345', mid: '24285' }, subId: 'abc123',
    expected:
      'https://click.linksynergy.com/deeplink?id=AbCdEf12345&mid=24285&murl=https%3A%2F%2Fwww.example-store.com%2Fitem%2F42%3Fsize%3Dm%26ref%3Dx%2520y&u1=abc123',
  },
  {
    name: 'CJ click link with sid and url',
    network: 'cj', productUrl: 'https://www.brand.example/shoes/7',
    settings: { pid: '100200300', aid: '13579246' }, subId: 'abc123',
    expected: 'https://www.anrdoezrs.net/click-100200300-13579246?sid=abc123&url=https%3A%2F%2Fwww.brand.example%2Fshoes%2F7',
  },
  {
    name: 'CJ on another click domain, no creator',
    network: 'cj', productUrl: 'https://www.brand.example/shoes/7',
    settings: { pid: '1', aid: '2', trackingDomain: 'www.jdoqocy.com' }, subId: null,
    expected: 'https://www.jdoqocy.com/click-1-2?url=https%3A%2F%2Fwww.brand.example%2Fshoes%2F7',
  },
  {
    name: 'UTM with defaults',
    network: 'utm', productUrl: 'https://boutique.example/p/9?variant=2', settings: {}, subId: 'abc123',
    expected: 'https://boutique.example/p/9?variant=2&utm_source=creatorstyle&utm_medium=affiliate&subid=abc123',
  },
  {
    name: 'UTM with a configured sub-id parameter and campaign',
    network: 'utm', productUrl: 'https://boutique.example/p/9',
    settings: { source: 'stylefeed', medium: 'partner', campaign: 'spring', subIdParam: 'aff_sub' }, subId: 'abc123',
    expected: 'https://boutique.example/p/9?utm_source=stylefeed&utm_medium=partner&utm_campaign=spring&aff_sub=abc123',
  },
];

describe('link builders', () => {
  it.each(cases)('$name', (c) => {
    const builder = LINK_BUILDERS[c.network];
    const url = builder.build(c.productUrl, builder.settings.parse(c.settings), c.subId);
    expect(url.href).toBe(c.expected);
  });

  it.each([
    ['amazon', { tag: 'our store' }],
    ['amazon', {}],
    ['impact', { trackingDomain: 'shop.sjv.io', mediaPartnerId: 'x', adId: '2', campaignId: '3' }],
    ['impact', { trackingDomain: 'https://evil.example/x', mediaPartnerId: '1', adId: '2', campaignId: '3' }],
    ['rakuten', { siteId: 'abc' }],
    ['cj', { pid: '1', aid: '2', trackingDomain: 'evil.example/path' }],
    ['utm', { subIdParam: 'a&b' }],
  ] as const)('%s refuses settings %j', (network, settings) => {
    expect(LINK_BUILDERS[network].settings.safeParse(settings).success).toBe(false);
  });
});
