/**
 * CLI for the model pipeline (see pipeline.ts). Defaults reproduce the shipped model:
 *   npm run train
 *   npm run train -- --steps 50 --products 2000 --out models/.work/try   (a quick experiment)
 */
import { parseArgs } from 'node:util';
import { runPipeline } from './pipeline.js';
import { IMAGE_SIZE, RESAMPLE } from './prepare.js';

const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: '7' },
    products: { type: 'string', default: '12000' },
    creators: { type: 'string', default: '150' },
    'posts-per-creator': { type: 'string', default: '10' },
    steps: { type: 'string', default: '1100' },
    batch: { type: 'string', default: '224' },
    stem: { type: 'string', default: '24' },
    gram: { type: 'string', default: '16' },
    bf16: { type: 'string', default: '1' },
    resample: { type: 'string', default: String(RESAMPLE) },
    'image-size': { type: 'string', default: String(IMAGE_SIZE) },
    'train-seed': { type: 'string', default: '99' },
    captions: { type: 'string', default: '12' },
    vocab: { type: 'string', default: '10000' },
    work: { type: 'string', default: 'models/.work/train' },
    out: { type: 'string', default: 'models/style-clip-mini' },
    eval: { type: 'string', multiple: true, default: ['fixtures'] },
  },
});
const n = (s: string | undefined) => Number(s);
await runPipeline({
  seed: n(values.seed), products: n(values.products), creators: n(values.creators), postsPerCreator: n(values['posts-per-creator']),
  steps: n(values.steps), batch: n(values.batch), stem: n(values.stem), gram: n(values.gram), bf16: values.bf16 !== '0', resample: values.resample === '1' ? 1 : 3, imageSize: n(values['image-size']), trainSeed: n(values['train-seed']), captions: n(values.captions), vocab: n(values.vocab),
  work: values.work!, out: values.out!, evalWorlds: values.eval!,
});
