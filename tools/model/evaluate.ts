/**
 * Held-out evaluation of an embedder on a world: zero-shot colour / pattern / category accuracy and
 * text → image Recall@10 on the products whose combination the model never saw (holdout.ts).
 * Used by `npm run train` (numbers for the model card) and by the threshold tests.
 *
 *   tsx tools/model/evaluate.ts --world fixtures [--models-dir models --model style-clip-mini]
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ClipEmbedder } from '../../src/embed/clip-embedder.js';
import type { Embedder } from '../../src/embed/types.js';
import { dot } from '../../src/embed/vectors.js';
import { Product } from '../world/schema.js';
import { CATEGORY_BY_ID, COLOUR_BY_ID, PATTERN_BY_ID, lookup } from '../world/vocabulary.js';
import { isHeldOut } from './holdout.js';

/** Prompt ensembles per attribute (CLIP-style zero-shot: average the prompts' text vectors). */
export const PROMPTS = {
  colour: (n: string) => [`${n}`, `${n} item`, `something ${n}`],
  pattern: (n: string) => [`${n} pattern`, `${n} item`, `${n} print`],
  category: (n: string) => [`${n}`, `a ${n}`],
} as const;

/** The query for a product's true attributes, e.g. "red floral dress". */
export function attributeCaption(a: { colour: string; pattern: string; category: string }): string {
  return `${lookup(COLOUR_BY_ID, a.colour).name} ${lookup(PATTERN_BY_ID, a.pattern).name} ${lookup(CATEGORY_BY_ID, a.category).name}`;
}

export interface HeldOutMetrics {
  heldOutProducts: number;
  allProducts: number;
  colourAccuracy: number;
  patternAccuracy: number;
  categoryAccuracy: number;
  recallAt10: number;
}

async function classVectors(embedder: Embedder, ids: string[], prompts: (n: string) => string[], name: (id: string) => string): Promise<Float32Array[]> {
  const out: Float32Array[] = [];
  for (const id of ids) {
    const vs = await embedder.embedTexts(prompts(name(id)));
    const mean = new Float32Array(embedder.dimension);
    for (const v of vs) v.forEach((x, i) => (mean[i] += x / vs.length));
    out.push(mean);
  }
  return out;
}

function argmax(v: Float32Array, classes: Float32Array[]): number {
  let best = 0;
  let bestScore = -Infinity;
  classes.forEach((c, i) => {
    const s = dot(v, c);
    if (s > bestScore) [best, bestScore] = [i, s];
  });
  return best;
}

/** Loads a world's products (the image paths are made absolute). */
export async function loadProducts(worldDir: string): Promise<Product[]> {
  const products = Product.array().parse(JSON.parse(await readFile(path.join(worldDir, 'products.json'), 'utf8')));
  return products.map((p) => ({ ...p, image: path.join(worldDir, p.image) }));
}

/** Embeds every product image of the world and measures the held-out metrics. */
export async function evaluateHeldOut(embedder: Embedder, products: readonly Product[]): Promise<HeldOutMetrics> {
  const labelled = products.filter((p) => p.attributes);
  const images = await embedder.embedImages(labelled.map((p) => p.image));
  const held = labelled.map((p, i) => ({ a: p.attributes!, v: images[i], i })).filter((x) => isHeldOut(x.a));
  const ids = (key: 'colour' | 'pattern' | 'category') => [...new Set(labelled.map((p) => p.attributes![key]))].sort();
  const acc = async (key: 'colour' | 'pattern' | 'category', map: ReadonlyMap<string, { name: string }>) => {
    const classes = ids(key);
    const vecs = await classVectors(embedder, classes, PROMPTS[key], (id) => lookup(map, id).name);
    return held.filter((h) => classes[argmax(h.v, vecs)] === h.a[key]).length / Math.max(1, held.length);
  };
  const queries = [...new Set(held.map((h) => attributeCaption(h.a)))];
  const qv = new Map((await embedder.embedTexts(queries)).map((v, i) => [queries[i], v]));
  let hits = 0;
  for (const h of held) {
    const q = qv.get(attributeCaption(h.a))!;
    const own = dot(q, h.v);
    // Rank = how many images score strictly higher than the product's own image.
    let above = 0;
    for (const v of images) if (dot(q, v) > own) above++;
    if (above < 10) hits++;
  }
  return {
    heldOutProducts: held.length,
    allProducts: labelled.length,
    colourAccuracy: await acc('colour', COLOUR_BY_ID),
    patternAccuracy: await acc('pattern', PATTERN_BY_ID),
    categoryAccuracy: await acc('category', CATEGORY_BY_ID),
    recallAt10: hits / Math.max(1, held.length),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: { world: { type: 'string', default: 'fixtures' }, 'models-dir': { type: 'string', default: 'models' }, model: { type: 'string', default: 'style-clip-mini' } },
  });
  const embedder = await ClipEmbedder.create({ modelsDir: values['models-dir']!, modelId: values.model! });
  const metrics = await evaluateHeldOut(embedder, await loadProducts(values.world!));
  console.log(JSON.stringify({ world: values.world, model: values.model, ...metrics }, null, 2));
  await embedder.close();
}
