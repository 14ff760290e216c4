/**
 * A tiny seeded PRNG (mulberry32) plus the sampling helpers the generator needs.
 *
 * Why our own: the world must be byte-identical for a given seed on every machine and Node
 * version, so we cannot use `Math.random` and we avoid depending on a library whose stream
 * might change between releases.
 */

/** A deterministic random source. Every draw advances the stream. */
export interface Rng {
  /** Uniform float in [0, 1). */
  next(): number;
  /** Uniform unsigned 32-bit integer (the raw stream; cheapest draw). */
  uint32(): number;
  /** Uniform integer in [min, max] (both inclusive). */
  int(min: number, max: number): number;
  /** True with probability `p`. */
  chance(p: number): boolean;
  /** One element, uniformly. Throws on an empty array. */
  pick<T>(items: readonly T[]): T;
  /** One key of `weights`, with probability proportional to its weight. */
  weighted(weights: Readonly<Record<string, number>>): string;
  /** A shuffled copy (Fisher-Yates). */
  shuffle<T>(items: readonly T[]): T[];
  /** A fresh independent stream derived from this one (for per-image noise, per-entity state). */
  fork(): Rng;
}

/** Mixes a 32-bit seed so that neighbouring seeds (42, 43) give unrelated streams. */
function mix(seed: number): number {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * Creates a seeded generator.
 * @example
 * const rng = createRng(42);
 * rng.pick(['a', 'b']); // same answer on every run
 */
export function createRng(seed: number): Rng {
  let state = mix(seed >>> 0);
  const uint32 = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  const next = (): number => uint32() / 4294967296;
  const rng: Rng = {
    next,
    uint32,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (p) => next() < p,
    pick: (items) => {
      if (items.length === 0) throw new Error('pick() from an empty array');
      return items[Math.floor(next() * items.length)];
    },
    weighted: (weights) => {
      // Object key order is insertion order for string keys, so this is stable.
      const entries = Object.entries(weights).filter(([, w]) => w > 0);
      if (entries.length === 0) throw new Error('weighted() needs at least one positive weight');
      const total = entries.reduce((sum, [, w]) => sum + w, 0);
      let r = next() * total;
      for (const [key, w] of entries) {
        r -= w;
        if (r < 0) return key;
      }
      return entries[entries.length - 1][0];
    },
    shuffle: (items) => {
      const out = items.slice();
      for (let i = out.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        [out[i], out[j]] = [out[j], out[i]];
      }
      return out;
    },
    fork: () => createRng(Math.floor(next() * 4294967296)),
  };
  return rng;
}

/**
 * A standard normal draw (Box-Muller, one of the pair; two uniforms per call). Uses only the
 * stream and `Math.log`/`Math.cos`, so a seed gives the same value on every machine.
 */
export function gaussian(rng: Rng): number {
  const u = 1 - rng.next(); // (0, 1]: log(0) would be -Infinity
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
}

/** A draw from Exp(mean). */
export function exponential(rng: Rng, mean: number): number {
  return -Math.log(1 - rng.next()) * mean;
}
