/**
 * Stage 2 of `npm run train`: turns a generated world into training tensors, using the SAME
 * Transformers.js tokenizer and image preprocessing (src/embed/pixel-values.ts) the service embeds
 * with (no train/serve skew).
 *
 * Writes into `--model` the tokenizer and preprocessor files (the vocabulary is built here) and
 * into `--data` the tensors + index.json that `tools/model/python/train.py` reads.
 *
 *   tsx tools/model/prepare.ts --world DIR --model DIR --data DIR [--captions 12] [--vocab 10000]
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { AutoProcessor, AutoTokenizer } from '@xenova/transformers';
import { ImagePreprocessor } from '../../src/embed/pixel-values.js';
import { closingSpecialIds, tokenizeTexts } from '../../src/embed/tokenize.js';
import { configureTransformers } from '../../src/embed/transformers-env.js';
import { chunks } from '../../src/embed/vectors.js';
import { createRng } from '../world/prng.js';
import { Post, Product, WorldMeta } from '../world/schema.js';
import { type Caption, type Constraints, postCaptions, productCaptions } from './captions.js';
import { holdoutFile, isHeldOut } from './holdout.js';
import { pretokenize, writePreprocessor, writeTokenizer } from './model-files.js';
import { toHalf, writeTensor } from './tensor-files.js';
import { buildWordTable } from './word-vectors.js';

/** Default model input: 96 px. Pattern is the attribute that needs pixels (leopard rosettes vs polka dots
 * vs zigzag on small items): 64 → 80 → 96 px each raised held-out pattern accuracy (model card). */
export const IMAGE_SIZE = 96;
/** Default resampling (PIL code 1, Lanczos): sharper than CLIP's bicubic, so fine motifs keep their contrast. */
export const RESAMPLE: 1 | 3 = 1;
export const MAX_LENGTH = 64;

interface Options {
  world: string;
  model: string;
  data: string;
  captions: number;
  vocab: number;
  seed: number;
  /** PIL resample code written to preprocessor_config.json (3 bicubic, 1 Lanczos); default RESAMPLE. */
  resample?: 1 | 3;
  /** Model input side in pixels (resize shortest edge + centre crop). */
  imageSize?: number;
}

async function readJson(file: string): Promise<unknown> {
  return JSON.parse(await readFile(file, 'utf8'));
}

export async function prepare(o: Options): Promise<void> {
  const t0 = Date.now();
  const meta = WorldMeta.parse(await readJson(path.join(o.world, 'world.json')));
  const products = Product.array().parse(await readJson(path.join(o.world, 'products.json')));
  const posts = Post.array().parse(await readJson(path.join(o.world, 'posts.json')));
  const v = {
    colours: meta.vocabulary.colours,
    patterns: meta.vocabulary.patterns,
    categories: meta.vocabulary.categories.map((c) => c.id),
    aesthetics: meta.vocabulary.aesthetics,
  };
  const train = products.filter((p) => p.attributes && !isHeldOut(p.attributes));
  const rng = createRng(o.seed);

  // Images: training products first, then posts; captions point at image rows.
  const imagePaths: string[] = [];
  const imageAttrs: number[] = [];
  const caps: Array<Caption & { image: number; kind: 0 | 1 }> = [];
  for (const p of train) {
    const a = p.attributes!;
    const row = imagePaths.push(path.join(o.world, p.image)) - 1;
    imageAttrs.push(v.colours.indexOf(a.colour), v.patterns.indexOf(a.pattern), v.categories.indexOf(a.category), v.aesthetics.findIndex((x) => x.id === a.aesthetic));
    for (const c of productCaptions(rng, [p.title, p.description], a, v, o.captions)) caps.push({ ...c, image: row, kind: 0 });
  }
  for (const post of posts) {
    // A flat-lay containing a held-out combination would leak it into training.
    if ((post.items ?? []).some((a) => isHeldOut(a))) continue;
    const row = imagePaths.push(path.join(o.world, post.image)) - 1;
    imageAttrs.push(-1, -1, -1, -1);
    const none: Constraints = [-1, -1, -1, -1];
    for (const text of postCaptions(rng, post.caption, post.items ?? [])) caps.push({ text, constraints: none, image: row, kind: 1 });
  }
  console.log(`${train.length} training products (${products.length - train.length} held out or unlabelled), ${imagePaths.length - train.length} posts, ${caps.length} captions`);

  // Vocabulary: every word the captions and the world vocabulary use, then common English.
  const corpus = new Set<string>();
  for (const c of caps) for (const w of pretokenize(c.text)) corpus.add(w);
  for (const p of products) for (const w of pretokenize(`${p.title} ${p.description}`)) corpus.add(w);
  const table = buildWordTable([...corpus].sort(), o.vocab);
  await writeTokenizer(o.model, table.tokens, MAX_LENGTH);
  const imageSize = o.imageSize ?? IMAGE_SIZE;
  await writePreprocessor(o.model, imageSize, o.resample ?? RESAMPLE);
  await writeFile(path.join(o.model, 'holdout.json'), JSON.stringify(holdoutFile(v.colours, v.patterns, v.categories), null, 1));
  await mkdir(o.data, { recursive: true });
  await writeTensor(o.data, 'word_vectors.f32', table.vectors);
  console.log(`vocabulary ${table.tokens.length} tokens`, table.stats);

  configureTransformers(path.dirname(path.resolve(o.model)));
  const id = path.basename(o.model);
  const tokenizer = await AutoTokenizer.from_pretrained(id, { local_files_only: true });
  // The embedder's own image preprocessing (src/embed/pixel-values.ts), so training sees served pixels.
  const images = ImagePreprocessor.create(await AutoProcessor.from_pretrained(id, { local_files_only: true }));

  // The embedder's own tokenization (src/embed/tokenize.ts): a caption cut at MAX_LENGTH keeps its
  // closing [SEP] as it does when served, so train and serve see the same ids.
  const closing = closingSpecialIds(tokenizer);
  const encoded = caps.map((c) => tokenizeTexts(tokenizer, [c.text], closing).input_ids.data as BigInt64Array);
  const truncated = encoded.filter((e) => e.length >= MAX_LENGTH).length;
  const seqLen = Math.max(...encoded.map((e) => e.length));
  const ids = new Int32Array(caps.length * seqLen);
  const mask = new Uint8Array(caps.length * seqLen);
  let unk = 0;
  encoded.forEach((e, i) => {
    e.forEach((t, j) => {
      ids[i * seqLen + j] = Number(t);
      mask[i * seqLen + j] = 1;
      if (t === 1n) unk++;
    });
  });
  await writeTensor(o.data, 'caption_ids.i32', ids);
  await writeTensor(o.data, 'caption_mask.u8', mask);
  await writeTensor(o.data, 'caption_image.i32', Int32Array.from(caps.map((c) => c.image)));
  await writeTensor(o.data, 'caption_constraints.i16', Int16Array.from(caps.flatMap((c) => c.constraints)));
  await writeTensor(o.data, 'caption_kind.u8', Uint8Array.from(caps.map((c) => c.kind)));
  await writeTensor(o.data, 'image_attrs.i16', Int16Array.from(imageAttrs));
  console.log(`tokenised ${caps.length} captions, max ${seqLen} tokens, ${truncated} at the ${MAX_LENGTH}-token limit, ${unk} [UNK]`);

  const per = 3 * imageSize * imageSize;
  const pixels = new Uint16Array(imagePaths.length * per);
  let done = 0;
  for (const batch of chunks(imagePaths, 64)) {
    const data = (await images.pixelValues(batch, done)).data as Float32Array;
    for (let i = 0; i < data.length; i++) pixels[done * per + i] = toHalf(data[i]);
    done += batch.length;
  }
  await writeTensor(o.data, 'images.f16', pixels);

  const index = {
    world: path.resolve(o.world), seed: meta.seed, images: imagePaths.length, imageSize, captions: caps.length,
    seqLen, maxLength: MAX_LENGTH, vocabSize: table.tokens.length, wordDim: table.dim, wordStats: table.stats,
    // Row 0 of both tensors, by source, so the pipeline can check torch and the served ONNX agree.
    probe: { text: caps[0].text, image: path.resolve(imagePaths[0]) },
    trainProducts: train.length, heldOutProducts: products.length - train.length, posts: imagePaths.length - train.length,
  };
  await writeFile(path.join(o.data, 'index.json'), JSON.stringify(index, null, 1));
  console.log(`prepared ${imagePaths.length} images in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      world: { type: 'string' }, model: { type: 'string' }, data: { type: 'string' },
      captions: { type: 'string', default: '12' }, vocab: { type: 'string', default: '10000' }, seed: { type: 'string', default: '5' },
    },
  });
  if (!values.world || !values.model || !values.data) throw new Error('usage: prepare.ts --world DIR --model DIR --data DIR');
  await prepare({ world: values.world, model: values.model, data: values.data, captions: Number(values.captions), vocab: Number(values.vocab), seed: Number(values.seed) });
}
