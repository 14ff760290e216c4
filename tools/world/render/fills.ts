/**
 * SVG <pattern> fills for the vocabulary's patterns.
 *
 * Motifs are drawn in a lighter or darker shade of the item's own colour (never another hue), so
 * the item still reads as its colour, and at a bold scale so the pattern survives a 64×64
 * downscale. Tile size, rotation and offset vary per render.
 */
import type { Rng } from '../prng.js';

export type Rgb = readonly [number, number, number];

export const hex = ([r, g, b]: Rgb): string =>
  '#' + [r, g, b].map((v) => Math.max(0, Math.min(255, Math.round(v))).toString(16).padStart(2, '0')).join('');

const mixRgb = (a: Rgb, b: Rgb, t: number): Rgb => [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];

const luminance = ([r, g, b]: Rgb): number => 0.299 * r + 0.587 * g + 0.114 * b;

/** A clearly contrasting shade of the same colour: lighter for dark colours, darker for light. */
export function motifShade(rgb: Rgb): Rgb {
  return luminance(rgb) < 115 ? mixRgb(rgb, [255, 255, 255], 0.55) : mixRgb(rgb, [0, 0, 0], 0.45);
}

/** A darker (or, for near-black, lighter) edge colour for outlines. */
export function outlineShade(rgb: Rgb): Rgb {
  return luminance(rgb) < 50 ? mixRgb(rgb, [255, 255, 255], 0.35) : mixRgb(rgb, [0, 0, 0], 0.4);
}

/** Tile contents per pattern, drawn in a `size`×`size` tile. */
function tile(pattern: string, size: number, base: string, motif: string, rng: Rng): string {
  const s = size;
  switch (pattern) {
    case 'solid':
      return `<rect width="${s}" height="${s}" fill="${base}"/>`;
    case 'striped':
      return `<rect width="${s}" height="${s}" fill="${base}"/><rect width="${s}" height="${(s * 0.42).toFixed(2)}" fill="${motif}"/>`;
    case 'polka-dot': {
      const r = (s * 0.2).toFixed(2);
      return `<rect width="${s}" height="${s}" fill="${base}"/><circle cx="${s * 0.25}" cy="${s * 0.25}" r="${r}" fill="${motif}"/><circle cx="${s * 0.75}" cy="${s * 0.75}" r="${r}" fill="${motif}"/>`;
    }
    case 'plaid': {
      const w = (s * 0.3).toFixed(2);
      const t = (s * 0.06).toFixed(2);
      return `<rect width="${s}" height="${s}" fill="${base}"/><rect y="${s * 0.1}" width="${s}" height="${w}" fill="${motif}" fill-opacity="0.6"/><rect x="${s * 0.1}" width="${w}" height="${s}" fill="${motif}" fill-opacity="0.6"/><rect y="${s * 0.7}" width="${s}" height="${t}" fill="${motif}"/><rect x="${s * 0.7}" width="${t}" height="${s}" fill="${motif}"/>`;
    }
    case 'floral': {
      const c = s / 2;
      const pr = s * 0.13;
      const petals = [0, 72, 144, 216, 288]
        .map((deg) => {
          const a = (deg * Math.PI) / 180;
          return `<circle cx="${(c + Math.cos(a) * pr * 1.35).toFixed(2)}" cy="${(c + Math.sin(a) * pr * 1.35).toFixed(2)}" r="${pr.toFixed(2)}" fill="${motif}"/>`;
        })
        .join('');
      return `<rect width="${s}" height="${s}" fill="${base}"/>${petals}<circle cx="${c}" cy="${c}" r="${(pr * 0.7).toFixed(2)}" fill="${base}"/>`;
    }
    case 'leopard': {
      // Irregular rosettes (thick broken rim around a half-tone centre) at jittered positions and
      // sizes: what tells leopard apart from the regular grid of polka dots.
      const spots = [
        [0.2, 0.22],
        [0.7, 0.15],
        [0.45, 0.55],
        [0.88, 0.68],
        [0.18, 0.85],
      ]
        .map(([x, y]) => {
          const rx = s * (0.1 + rng.next() * 0.05);
          const ry = rx * (0.6 + rng.next() * 0.3);
          const rot = Math.round(rng.next() * 180);
          const cx = ((x + (rng.next() - 0.5) * 0.1) * s).toFixed(2);
          const cy = ((y + (rng.next() - 0.5) * 0.1) * s).toFixed(2);
          const dash = (rx * (1.6 + rng.next())).toFixed(2);
          return `<g transform="rotate(${rot} ${cx} ${cy})"><ellipse cx="${cx}" cy="${cy}" rx="${(rx * 0.7).toFixed(2)}" ry="${(ry * 0.6).toFixed(2)}" fill="${motif}" fill-opacity="0.45"/><ellipse cx="${cx}" cy="${cy}" rx="${rx.toFixed(2)}" ry="${ry.toFixed(2)}" fill="none" stroke="${motif}" stroke-width="${(s * 0.075).toFixed(2)}" stroke-dasharray="${dash} ${(s * 0.06).toFixed(2)}" stroke-linecap="round"/></g>`;
        })
        .join('');
      return `<rect width="${s}" height="${s}" fill="${base}"/>${spots}`;
    }
    case 'zigzag': {
      const h = s / 2;
      return `<rect width="${s}" height="${s}" fill="${base}"/><path d="M0 ${h * 0.6} L${s / 2} ${h * 0.6 + h * 0.8} L${s} ${h * 0.6}" stroke="${motif}" stroke-width="${(s * 0.16).toFixed(2)}" fill="none" stroke-linecap="square"/>`;
    }
    default:
      throw new Error(`No fill for pattern "${pattern}"`);
  }
}

/** Base tile size per pattern in silhouette units (bold: ≥ 14 units on a 100-unit item). */
const TILE: Record<string, number> = { solid: 10, striped: 16, 'polka-dot': 20, plaid: 26, floral: 24, leopard: 34, zigzag: 18 };

/**
 * Builds a `<pattern>` element with id `id` for an item of colour `rgb`.
 * @example patternDef('f0', 'striped', [205, 28, 40], rng) // => '<pattern id="f0" ...>'
 */
export function patternDef(id: string, pattern: string, rgb: Rgb, rng: Rng): string {
  const size = (TILE[pattern] ?? 20) * (0.85 + rng.next() * 0.3);
  const angle = pattern === 'striped' || pattern === 'zigzag' ? rng.pick([0, 0, 45, 90, -45]) + rng.int(-8, 8) : rng.int(-20, 20);
  const dx = (rng.next() * size).toFixed(1);
  const dy = (rng.next() * size).toFixed(1);
  const body = tile(pattern, Number(size.toFixed(2)), hex(rgb), hex(motifShade(rgb)), rng);
  return `<pattern id="${id}" patternUnits="userSpaceOnUse" width="${size.toFixed(2)}" height="${size.toFixed(2)}" patternTransform="translate(${dx} ${dy}) rotate(${angle})">${body}</pattern>`;
}
