/**
 * The catalog keeps its editorial order and sorted ids up to date one product at a time (a full
 * rebuild after every write held the event loop ~0.6 s at 100k products): after any sequence of
 * upserts, category moves and removals, both must equal what a catalog built from scratch from
 * the same products gives.
 */
import { describe, expect, it } from 'vitest';
import type { Product } from '../../src/domain/index.js';
import { ProductCatalog } from '../../src/retrieve/catalog.js';

const categories = ['dress', 'hat', 'shoes', 'yoga-mat', 'bag'];
const product = (id: string, category: string): Product =>
  ({ id, title: id, description: '', brand: 'b', category, price: 10, currency: 'EUR', merchant: 'm', url: 'https://example.com/p', network: 'cj', image: 'x.jpg' }) as Product;

function fresh(products: Iterable<Product>): ProductCatalog {
  const c = ProductCatalog.empty();
  c.upsert([...products]);
  return c;
}

describe('catalog orders kept up to date', () => {
  it('match a rebuild after every upsert, category move and removal', () => {
    let seed = 42;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    const live = new Map<string, Product>();
    const catalog = ProductCatalog.empty();
    // Read both orders first, so every later step takes the incremental path.
    expect(catalog.editorialOrder()).toEqual([]);
    expect(catalog.sortedIds()).toEqual([]);
    for (let step = 0; step < 400; step++) {
      const id = `p-${rand(60)}`;
      if (rand(4) === 0 && live.has(id)) {
        expect(catalog.remove(id)).toBe(true);
        live.delete(id);
      } else {
        const p = product(id, categories[rand(categories.length)]!);
        catalog.upsert([p]);
        live.set(id, p);
      }
      const rebuilt = fresh(live.values());
      expect(catalog.sortedIds()).toEqual(rebuilt.sortedIds());
      expect(catalog.editorialOrder()).toEqual(rebuilt.editorialOrder());
      expect([...catalog.editorialIds()]).toEqual(rebuilt.editorialOrder());
    }
    expect(catalog.remove('nope')).toBe(false);
  });

  it('a batch holding one id twice keeps the last', () => {
    const catalog = fresh([product('a', 'hat')]);
    catalog.editorialOrder();
    catalog.upsert([product('b', 'hat'), product('b', 'dress'), product('a', 'dress')]);
    expect(catalog.editorialOrder()).toEqual(fresh([product('a', 'dress'), product('b', 'dress')]).editorialOrder());
    expect(catalog.get('b')?.category).toBe('dress');
  });
});

describe('catalog values shared between products', () => {
  it('keeps every field value as given, frozen products included', () => {
    const catalog = ProductCatalog.empty();
    const a = { ...product('a', 'dress'), colour: 'navy' } as Product;
    const b = Object.freeze({ ...product('b', 'hat'), brand: 'other' }) as Product;
    const before = [structuredClone(a), structuredClone(b)];
    catalog.upsert([a, b, product('c', 'dress')]);
    expect([catalog.get('a'), catalog.get('b')]).toEqual(before);
    expect(catalog.get('c')).toMatchObject({ brand: 'b', category: 'dress', currency: 'EUR', merchant: 'm', network: 'cj' });
  });
});
