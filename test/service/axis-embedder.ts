/**
 * The fixed-vector world's embedder, apart from world.ts so a child process (test/pg/) can use it
 * without importing vitest. Images carry their vector in their pixels; texts naming a look embed
 * along its axis.
 */
import sharp from 'sharp';
import { normalise } from '../../src/embed/vectors.js';
import type { Embedder } from '../../src/embed/types.js';

export const DIM = 6;
export const MODEL = 'fixed-test-vectors';
export const AXES = { red: 0, blue: 1, green: 2 } as const;
export type Look = keyof typeof AXES;

/** A unit vector along the look's axis, nudged by `jitter` into one of the spare dimensions 3..5. */
export function vec(look: Look, jitter: number, slot = 0): Float32Array {
  const v = new Float32Array(DIM);
  v[AXES[look]] = 1;
  v[3 + (slot % 3)] = jitter;
  return normalise(v);
}

/**
 * The embedder of this world. Images: the vector their pixels carry (`vectorPng`). Texts naming a
 * look embed along its axis; any other text embeds as zero, so a product's or post's fused vector
 * is exactly its image's (fusion normalises 0.7 * image + 0.3 * 0).
 */
export const axisEmbedder: Embedder = {
  modelId: MODEL,
  dimension: DIM,
  async embedTexts(texts) {
    return texts.map((t) => {
      const look = (Object.keys(AXES) as Look[]).find((k) => t.toLowerCase().includes(k));
      return look ? vec(look, 0) : new Float32Array(DIM);
    });
  },
  async embedImages(images) {
    return Promise.all(
      images.map(async (img) => {
        const { data } = await sharp(typeof img === 'string' ? img : Buffer.from(img)).raw().toBuffer({ resolveWithObject: true });
        return normalise(Float32Array.from(data.subarray(0, DIM), (b) => b / 255));
      }),
    );
  },
  async close() {},
};

