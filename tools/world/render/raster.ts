/**
 * Rasterises SVG to JPEG with sharp, adding seeded per-pixel noise so that no two renders are
 * pixel-identical (the model must not be able to memorise exact pixels).
 *
 * Determinism: every image gets its own noise seed, chosen up front by the generator, so the bytes
 * do not depend on render order and renders can run in parallel.
 */
import sharp from 'sharp';
import { createRng, type Rng } from '../prng.js';
import { flatLaySvg, productSvg, type ItemLook } from './svg.js';

/** One image to render: a product shot (one look) or a flat-lay post (2-4 looks). */
export interface RenderJob {
  kind: 'product' | 'post';
  looks: readonly ItemLook[];
  size: number;
  /** Drives placement, pattern jitter and noise; fixed before rendering starts. */
  seed: number;
  /** Output path of the JPEG. */
  outPath: string;
}

// sharp's own thread pool would multiply our concurrency; one libvips thread per render keeps
// the machine responsive and gives the same bytes either way.
sharp.concurrency(1);

/** JPEG quality: ~80 keeps the default world small while patterns stay crisp. */
export const JPEG_QUALITY = 80;
/** Noise amplitude in 8-bit levels (uniform in ±NOISE). */
const NOISE = 7;
/** Byte → noise offset, so one 32-bit draw yields four pixels' noise. */
const NOISE_LUT = Int16Array.from({ length: 256 }, (_, b) => Math.floor((b * (2 * NOISE + 1)) / 256) - NOISE);

/**
 * Adds uniform ±NOISE noise in place. This loop runs on the main thread between two threadpool
 * steps, so it is written to be cheap (one PRNG draw per four bytes).
 */
function addNoise(data: Buffer, rng: Rng): void {
  for (let i = 0; i < data.length; i += 4) {
    let bits = rng.uint32();
    const end = Math.min(i + 4, data.length);
    for (let j = i; j < end; j++, bits >>>= 8) {
      const v = data[j] + NOISE_LUT[bits & 0xff];
      data[j] = v < 0 ? 0 : v > 255 ? 255 : v;
    }
  }
}

/** Renders one job to its JPEG file. */
export async function renderJpeg(job: RenderJob): Promise<void> {
  const rng = createRng(job.seed);
  const svg = job.kind === 'product' ? productSvg(job.looks[0], job.size, rng) : flatLaySvg(job.looks, job.size, rng);
  const { data, info } = await sharp(Buffer.from(svg)).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  addNoise(data, rng.fork());
  await sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } })
    .jpeg({ quality: JPEG_QUALITY })
    .toFile(job.outPath);
}

/**
 * Runs `jobs` with at most `concurrency` renders in flight.
 * @param onDone called after each finished job (for progress bars)
 */
export async function renderAll(jobs: readonly RenderJob[], concurrency: number, onDone?: () => void): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < jobs.length) {
      const job = jobs[next++];
      await renderJpeg(job);
      onDone?.();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, jobs.length)) }, worker));
}
