/**
 * The purchase model on a hand-made catalog: the generator's sampler must draw from exactly the
 * distribution the evaluation's oracle ranks by, and the documented formulas must hold.
 */
import { describe, expect, it } from 'vitest';
import { createRng } from '../../tools/world/prng.js';
import { lookMatch, modelCatalog, priceFit, PURCHASE_MODEL, shopperModel, type ModelProduct } from '../../tools/world/purchases.js';

const DAY = 86_400_000;
const look = (colour: string, pattern: string, category: string) => ({ colour, pattern, category });
const products: ModelProduct[] = [
  { price: 40, appeal: 1, look: look('red', 'floral', 'dress') }, // 0: the exact look of the saved post's item
  { price: 45, appeal: 2, look: look('red', 'solid', 'dress') }, // 1: same colour and category
  { price: 50, appeal: 1, look: look('navy', 'floral', 'dress') }, // 2: same pattern and category
  { price: 42, appeal: 4, look: look('navy', 'solid', 'dress') }, // 3: only the category
  { price: 400, appeal: 1, look: look('red', 'floral', 'dress') }, // 4: the exact look, far above the band
  { price: 30, appeal: 3, look: look('black', 'solid', 'boots') }, // 5: the liked post's look
  { price: 35, appeal: 1, look: look('white', 'striped', 't-shirt') }, // 6: nothing anyone posted
];
const catalog = modelCatalog(products);
const band: [number, number] = [20, 80];
const t0 = Date.parse('2026-06-01T00:00:00Z');
const reactions = [
  { atMs: t0 - 10 * DAY, kind: 'save' as const, items: [look('red', 'floral', 'dress')] },
  { atMs: t0 - 55 * DAY, kind: 'like' as const, items: [look('black', 'solid', 'boots')] },
];

describe('purchase model', () => {
  it('matches looks and prices as documented', () => {
    const m = PURCHASE_MODEL;
    expect(lookMatch(products[0]!.look, reactions[0]!.items[0]!, m)).toBe(1);
    expect(lookMatch(products[1]!.look, reactions[0]!.items[0]!, m)).toBe(m.partialMatch.colourAndCategory);
    expect(lookMatch(products[2]!.look, reactions[0]!.items[0]!, m)).toBe(m.partialMatch.patternAndCategory);
    expect(lookMatch(products[3]!.look, reactions[0]!.items[0]!, m)).toBe(0);
    expect(lookMatch(products[5]!.look, reactions[0]!.items[0]!, m)).toBe(0);
    expect(priceFit(50, band, 0.2)).toBe(1);
    // Twice the top of the band: ln 2 / 0.2 = 3.47 standard deviations out.
    expect(priceFit(160, band, 0.2)).toBeCloseTo(Math.exp(-0.5 * (Math.log(2) / 0.2) ** 2), 12);
    expect(priceFit(10, band, 0.2)).toBeCloseTo(priceFit(160, band, 0.2), 12);
  });

  it('computes the mixture exactly: look share over reactions by kind and recency, popularity, noise', () => {
    const m = PURCHASE_MODEL;
    const p = shopperModel(catalog, band, reactions, m).distribution(t0);
    expect(p.reduce((s, x) => s + x, 0)).toBeCloseTo(1, 12);
    const half = (days: number) => Math.pow(2, -days / m.recencyHalfLifeDays);
    const wSave = m.reactionWeights.save * half(10);
    const wLike = m.reactionWeights.like * half(55);
    const fit = products.map((q) => priceFit(q.price, band, m.priceSoftness));
    const pop = products.map((q, i) => q.appeal * fit[i]!);
    const popTotal = pop.reduce((s, x) => s + x, 0);
    // Product 0 gets the saved post's dress mass in proportion to its match among the dresses.
    const dress = [1, m.partialMatch.colourAndCategory, m.partialMatch.patternAndCategory, 0, 1].map((x, i) => x * fit[i]!);
    const lookDress = (m.lookShare * wSave) / (wSave + wLike);
    const expected0 = lookDress * (dress[0]! / dress.reduce((s, x) => s + x, 0)) + (m.popularityShare * pop[0]!) / popTotal + m.noiseShare / products.length;
    expect(p[0]).toBeCloseTo(expected0, 12);
    // Product 6 matches nothing anyone reacted to: popularity and noise only.
    expect(p[6]).toBeCloseTo((m.popularityShare * pop[6]!) / popTotal + m.noiseShare / products.length, 12);
    // The exact look far outside the band sells far less than the same look inside it.
    expect(p[4]).toBeLessThan(p[0]! / 20);
  });

  it('gives the look share to popularity before the first reaction', () => {
    const p = shopperModel(catalog, band, reactions, PURCHASE_MODEL).distribution(t0 - 60 * DAY);
    const q = shopperModel(catalog, band, [], PURCHASE_MODEL).distribution(t0);
    expect([...p]).toEqual([...q]);
  });

  it('samples from exactly that distribution (total variation under 0.01 over 40,000 draws)', () => {
    const model = shopperModel(catalog, band, reactions, PURCHASE_MODEL);
    const p = model.distribution(t0);
    const rng = createRng(5);
    const counts = new Array(products.length).fill(0);
    const draws = 40_000;
    for (let i = 0; i < draws; i++) counts[model.sample(t0, rng, new Set())]++;
    const tv = 0.5 * counts.reduce((s, c, i) => s + Math.abs(c / draws - p[i]!), 0);
    expect(tv).toBeLessThan(0.01);
  });

  it('never samples a product the shopper already owns', () => {
    const model = shopperModel(catalog, band, reactions, PURCHASE_MODEL);
    const rng = createRng(9);
    const owned = new Set<number>();
    for (let i = 0; i < products.length; i++) owned.add(model.sample(t0, rng, owned));
    expect([...owned].sort()).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(() => model.sample(t0, rng, owned)).toThrow(/whole catalog/);
  });
});
