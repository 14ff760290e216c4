/**
 * Composes SVG documents for product shots (one item) and flat-lay posts (2-4 items).
 * Pure string building; rasterising happens in raster.ts.
 */
import type { Rng } from '../prng.js';
import { COLOUR_BY_ID, lookup } from '../vocabulary.js';
import { hex, outlineShade, patternDef, type Rgb } from './fills.js';
import { silhouetteOf } from './silhouettes.js';

/** What an item looks like: the ground-truth attributes that drive its drawing. */
export interface ItemLook {
  colour: string;
  pattern: string;
  category: string;
}

interface Placement {
  cx: number;
  cy: number;
  scale: number;
  rotate: number;
}

function itemGroup(look: ItemLook, fillId: string, at: Placement): string {
  const rgb = lookup(COLOUR_BY_ID, look.colour).rgb;
  const outline = hex(outlineShade(rgb));
  const sil = silhouetteOf(look.category);
  const bodies = sil.body.map((d) => `<path d="${d}" fill="url(#${fillId})" stroke="${outline}" stroke-width="2" stroke-linejoin="round"/>`);
  const trim = sil.trim.map((t) => t.replaceAll('{outline}', outline));
  const tf = `translate(${at.cx.toFixed(1)} ${at.cy.toFixed(1)}) rotate(${at.rotate.toFixed(1)}) scale(${at.scale.toFixed(3)}) translate(-50 -50)`;
  return `<g transform="${tf}">${bodies.join('')}${trim.join('')}</g>`;
}

/** A light, slightly tinted studio background. */
function studioBackground(rng: Rng): Rgb {
  const base = 228 + rng.int(0, 20);
  return [base - rng.int(0, 14), base - rng.int(0, 14), base - rng.int(0, 14)];
}

/** Flat-lay surfaces: marble, linen, pale wood, blush, sage, concrete. */
const SURFACES: readonly Rgb[] = [
  [238, 236, 232],
  [226, 214, 196],
  [214, 190, 158],
  [240, 222, 220],
  [214, 224, 210],
  [200, 200, 198],
];

const svgDoc = (size: number, defs: string[], bg: Rgb, body: string): string =>
  `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 ${size} ${size}"><defs>${defs.join('')}</defs><rect width="${size}" height="${size}" fill="${hex(bg)}"/>${body}</svg>`;

/** A single product on a studio background, with random placement, scale and rotation. */
export function productSvg(look: ItemLook, size: number, rng: Rng): string {
  const rgb = lookup(COLOUR_BY_ID, look.colour).rgb;
  const unit = size / 128;
  const scale = unit * (0.88 + rng.next() * 0.24);
  const slack = Math.max(0, (size - 100 * scale) / 2);
  const at: Placement = {
    cx: size / 2 + (rng.next() * 2 - 1) * slack * 0.8,
    cy: size / 2 + (rng.next() * 2 - 1) * slack * 0.8,
    scale,
    rotate: (rng.next() * 2 - 1) * 10,
  };
  const defs = [patternDef('f0', look.pattern, rgb, rng)];
  return svgDoc(size, defs, studioBackground(rng), itemGroup(look, 'f0', at));
}

/** Slot centres (as fractions of the canvas) for 2, 3 and 4 items. */
const LAYOUTS: Record<number, ReadonlyArray<readonly [number, number]>> = {
  2: [[0.28, 0.5], [0.72, 0.5]],
  3: [[0.27, 0.28], [0.73, 0.3], [0.5, 0.73]],
  4: [[0.27, 0.27], [0.73, 0.27], [0.27, 0.73], [0.73, 0.73]],
};

/** A flat-lay outfit: 2-4 items arranged on a surface, each with its own jitter. */
export function flatLaySvg(looks: readonly ItemLook[], size: number, rng: Rng): string {
  const slots = LAYOUTS[looks.length];
  if (!slots) throw new Error(`A flat-lay holds 2-4 items, got ${looks.length}`);
  const order = rng.shuffle(slots);
  const defs: string[] = [];
  const groups: string[] = [];
  looks.forEach((look, i) => {
    const rgb = lookup(COLOUR_BY_ID, look.colour).rgb;
    defs.push(patternDef(`f${i}`, look.pattern, rgb, rng));
    const [fx, fy] = order[i];
    const at: Placement = {
      cx: fx * size + (rng.next() * 2 - 1) * size * 0.03,
      cy: fy * size + (rng.next() * 2 - 1) * size * 0.03,
      scale: (size / 256) * (looks.length === 2 ? 1.2 : 1.08) * (0.92 + rng.next() * 0.16),
      rotate: (rng.next() * 2 - 1) * 18,
    };
    groups.push(itemGroup(look, `f${i}`, at));
  });
  const surface = rng.pick(SURFACES);
  const bg: Rgb = [surface[0] + rng.int(-6, 6), surface[1] + rng.int(-6, 6), surface[2] + rng.int(-6, 6)];
  return svgDoc(size, defs, bg, groups.join(''));
}
