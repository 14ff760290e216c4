/**
 * Held-out generalisation on fixtures/: products whose colour × pattern × category combination
 * the model never saw in training (tools/model/holdout.ts). Thresholds are the "done when".
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClipEmbedder } from '../../src/embed/clip-embedder.js';
import type { Product } from '../../tools/world/schema.js';
import { attributeCaption, evaluateHeldOut, loadProducts, type HeldOutMetrics } from '../../tools/model/evaluate.js';
import { isHeldOut } from '../../tools/model/holdout.js';
import { dot } from '../../src/embed/vectors.js';
import { FIXTURES, heldOutThresholdTests, loadShippedModel, pearson, rank } from './model.js';

let embedder: ClipEmbedder;
let products: Product[];
let images: Float32Array[];
let metrics: HeldOutMetrics;

beforeAll(async () => {
  embedder = await loadShippedModel();
  products = (await loadProducts(FIXTURES)).filter((p) => p.attributes);
  images = await embedder.embedImages(products.map((p) => p.image));
  metrics = await evaluateHeldOut(embedder, products);
});
afterAll(() => embedder?.close());

describe('style-clip-mini on held-out fixture combinations', () => {
  heldOutThresholdTests(() => metrics);

  it('ranks the first held-out products (by id) in the top 10 for their true caption', async () => {
    const held = products.filter((p) => isHeldOut(p.attributes!)).slice(0, 5);
    const queries = await embedder.embedTexts(held.map((p) => attributeCaption(p.attributes!)));
    held.forEach((p, i) => {
      const top10 = rank(queries[i], images).slice(0, 10).map((j) => products[j].id);
      expect(top10, attributeCaption(p.attributes!)).toContain(p.id);
    });
  });

  it('ranks a synonym query like its plain twin', async () => {
    const pairs: Array<[string, string]> = [
      ['crimson floral dress', 'red floral dress'],
      ['navy blue striped jacket', 'navy striped jacket'],
      ['tartan skirt', 'plaid skirt'],
      ['cheetah handbag', 'leopard handbag'],
      ['sky blue sneakers', 'light blue sneakers'],
    ];
    for (const [syn, plain] of pairs) {
      const [a, b] = await embedder.embedTexts([syn, plain]);
      const sa = images.map((v) => dot(v, a));
      const sb = images.map((v) => dot(v, b));
      // Same ordering of the whole catalog, and the twin's best match is among the synonym's top 10.
      expect(pearson(sa, sb), `${syn} vs ${plain}`).toBeGreaterThan(0.9);
      expect(rank(a, images).slice(0, 10), `${syn} vs ${plain}`).toContain(rank(b, images)[0]);
    }
  });
});
