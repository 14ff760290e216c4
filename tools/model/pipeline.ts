/**
 * `npm run train`: the whole, reproducible model pipeline.
 *
 *   1. generate a training world (seed 7, never the fixtures' seed 42)
 *   2. prepare tensors with the service's own tokenizer / image processor   (prepare.ts)
 *   3. train and export ONNX with Debian's torch, one thread, fixed steps   (tools/model/python/train.py)
 *   4. evaluate held-out combinations with the service's ClipEmbedder        (evaluate.ts)
 *   5. copy the finished folder to --out (only after every stage succeeded)
 *
 * Python is needed for step 3 only: `apt-get install -y python3-torch python3-onnx python3-numpy libopenblas0-pthread`.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ClipEmbedder } from '../../src/embed/clip-embedder.js';
import { GENERATOR_VERSION, generateWorld } from '../world/generate.js';
import { evaluateHeldOut, loadProducts } from './evaluate.js';
import { prepare } from './prepare.js';

export interface PipelineOptions {
  seed: number;
  products: number;
  creators: number;
  postsPerCreator: number;
  steps: number;
  batch: number;
  /** Channels of the first conv, and of the Gram texture features (0 = off): see tools/model/python/style_clip.py. */
  stem: number;
  gram: number;
  /** bfloat16 autocast in training (about 1.7x faster on CPUs with AVX512-BF16); export is float32 either way. */
  bf16: boolean;
  /** PIL resample code of the shipped preprocessor (3 bicubic, 1 Lanczos). */
  resample: 1 | 3;
  /** Model input side in pixels. */
  imageSize: number;
  /** Seed of training itself (initialisation, sampling); `seed` is the training world's. */
  trainSeed: number;
  captions: number;
  vocab: number;
  /** Scratch folder (git-ignored): world, tensors, staging model folder. */
  work: string;
  /** Final model folder, e.g. models/style-clip-mini. */
  out: string;
  /** Worlds to evaluate on after training (e.g. fixtures); missing ones are skipped. */
  evalWorlds: string[];
}

/** Debian's interpreter has python3-torch; a pyenv `python3` earlier on PATH usually does not. */
export function pythonBin(): string {
  return process.env.PYTHON ?? (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');
}

function run(cmd: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: 'inherit', env: { ...process.env, OMP_NUM_THREADS: '1' } });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(' ')} exited with ${code}`))));
  });
}

async function worldMatches(dir: string, o: PipelineOptions): Promise<boolean> {
  try {
    const meta = JSON.parse(await readFile(path.join(dir, 'world.json'), 'utf8'));
    // A generator change (e.g. new leopard rendering) silently invalidates a cached world.
    const same = meta.seed === o.seed && meta.counts.products === o.products && meta.counts.creators === o.creators;
    return same && meta.generatorVersion === GENERATOR_VERSION;
  } catch {
    return false;
  }
}

/**
 * Embeds the probe text and image (row 0 of the training tensors) through the served path and
 * compares with torch's vectors: catches any train/serve skew in tokenising, preprocessing or export.
 */
async function checkParity(embedder: ClipEmbedder, data: string): Promise<{ text: number; image: number }> {
  const { probe } = JSON.parse(await readFile(path.join(data, 'index.json'), 'utf8'));
  const torch = JSON.parse(await readFile(path.join(data, 'parity.json'), 'utf8')) as { text: number[]; image: number[] };
  const [text] = await embedder.embedTexts([probe.text]);
  const [image] = await embedder.embedImages([probe.image]);
  const cos = (a: Float32Array, b: number[]) => a.reduce((s, x, i) => s + x * b[i], 0) / Math.hypot(...b);
  const result = { text: cos(text, torch.text), image: cos(image, torch.image) };
  // float16 training pixels allow a tiny image difference; anything bigger is a real mismatch.
  if (result.text < 0.9999 || result.image < 0.999) throw new Error(`served model disagrees with torch: ${JSON.stringify(result)}`);
  return result;
}

const SHIPPED = ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'preprocessor_config.json', 'holdout.json', 'training.json', 'onnx'];

export async function runPipeline(o: PipelineOptions): Promise<Record<string, unknown>> {
  const t0 = Date.now();
  const secs = () => Math.round((Date.now() - t0) / 100) / 10;
  const world = path.join(o.work, 'world');
  const data = path.join(o.work, 'data');
  const staging = path.join(o.work, 'model', path.basename(o.out));
  if (await worldMatches(world, o)) console.log(`== reusing training world ${world}`);
  else {
    console.log(`== generating training world seed ${o.seed} (${o.products} products)`);
    await generateWorld({ seed: o.seed, outDir: world, products: o.products, creators: o.creators, postsPerCreator: o.postsPerCreator, users: 10 });
  }
  const timings: Record<string, number> = { world: secs() };
  console.log('== preparing tensors');
  await rm(staging, { recursive: true, force: true });
  await prepare({ world, model: staging, data, captions: o.captions, vocab: o.vocab, seed: o.seed, resample: o.resample, imageSize: o.imageSize });
  timings.prepare = secs();
  console.log('== training');
  const script = path.join(import.meta.dirname, 'python/train.py');
  await run(pythonBin(), [script, '--data', data, '--out', staging, '--steps', String(o.steps), '--batch', String(o.batch),
    '--stem', String(o.stem), '--gram', String(o.gram), '--bf16', o.bf16 ? '1' : '0', '--seed', String(o.trainSeed)]);
  timings.train = secs();

  console.log('== evaluating with the service embedder');
  const embedder = await ClipEmbedder.create({ modelsDir: path.dirname(staging), modelId: path.basename(staging) });
  const parity = await checkParity(embedder, data);
  console.log('torch vs served cosine', parity);
  const evaluation: Record<string, unknown> = {};
  for (const w of o.evalWorlds) {
    if (!existsSync(path.join(w, 'products.json'))) continue;
    evaluation[w] = await evaluateHeldOut(embedder, await loadProducts(w));
    console.log(w, evaluation[w]);
  }
  await embedder.close();
  timings.evaluate = secs();

  const log = JSON.parse(await readFile(path.join(data, 'train_log.json'), 'utf8'));
  const index = JSON.parse(await readFile(path.join(data, 'index.json'), 'utf8'));
  const { world: _absolute, probe: _probe, ...dataset } = index;
  const training = { options: { ...o, work: undefined }, dataset, trainSeconds: log.seconds, finalLog: log.log.at(-1), parity, evaluation, timings };
  await writeFile(path.join(staging, 'training.json'), JSON.stringify(training, null, 2));
  await mkdir(o.out, { recursive: true });
  for (const f of SHIPPED) {
    await rm(path.join(o.out, f), { recursive: true, force: true });
    await cp(path.join(staging, f), path.join(o.out, f), { recursive: true });
  }
  console.log(`== done in ${secs()} s → ${o.out}`);
  return training;
}
