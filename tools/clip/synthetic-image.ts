/**
 * A deterministic synthetic photo stand-in: smooth gradients, fine stripes (which alias when a resize
 * point-samples), sharp-edged blocks and per-pixel noise. Used by the preprocessing parity test
 * (test/clip/images.ts) and the throughput bench (bench/clip.ts).
 */

/** A seeded LCG in [0, 1). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Raw interleaved pixels (3 or 4 channels) of the texture. */
export function texture(width: number, height: number, seed: number, channels: 3 | 4 = 3): Buffer {
  const r = rng(seed);
  const period = 3 + Math.floor(r() * 5);
  const blocks = Array.from({ length: 6 }, () => ({ x: r() * width, y: r() * height, w: 10 + r() * width * 0.3, h: 10 + r() * height * 0.3, c: [r(), r(), r()].map((v) => Math.round(v * 255)) }));
  const out = Buffer.alloc(width * height * channels);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * channels;
      const stripe = Math.floor((x + 2 * y) / period) % 2 ? 60 : -60;
      const block = blocks.find((b) => x >= b.x && x < b.x + b.w && y >= b.y && y < b.y + b.h);
      for (let c = 0; c < 3; c++) {
        const smooth = 128 + 90 * Math.sin((x / width) * (2 + c) * Math.PI + c) * Math.cos((y / height) * (1 + c) * Math.PI);
        const v = block ? block.c[c]! : smooth + (x > width / 2 ? stripe : 0) + (r() - 0.5) * 40;
        out[i + c] = Math.max(0, Math.min(255, Math.round(v)));
      }
      // Alpha: opaque on the left, a ramp to fully transparent on the right.
      if (channels === 4) out[i + 3] = Math.round(255 * Math.min(1, Math.max(0, 1.5 - (1.5 * x) / width)));
    }
  }
  return out;
}
