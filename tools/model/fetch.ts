/**
 * `npm run models:fetch -- <owner/name> [--revision REV] [--only float|quantized] [--models-dir models]`
 *
 * For users WITH internet access: downloads a real CLIP export in the Transformers.js layout
 * (e.g. Xenova/clip-vit-base-patch32) into `models/<owner>/<name>/`: the exact files the service
 * reads, float and quantized towers by default (tools/model/fetch-model.ts). Then start the service
 * with MODEL_ID=<owner/name> (and MODEL_QUANTIZED=true for the INT8 towers). Nothing else changes:
 * the embedder reads the dimension from the model. This cannot run on our build machines (no route
 * to the hub); test/model/fetch.test.ts runs it against a local stand-in.
 */
import { parseArgs } from 'node:util';
import { fetchModel, HUB_ID, type Variant } from './fetch-model.js';

const USAGE = 'usage: npm run models:fetch -- <owner/name> [--revision main|<commit>] [--only float|quantized] [--models-dir models] [--host URL]\n' +
  '   e.g. npm run models:fetch -- Xenova/clip-vit-base-patch32 --revision 4c1807b705b1d015fb032789cc4d221b23025a6f';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    'models-dir': { type: 'string', default: 'models' },
    revision: { type: 'string', default: 'main' },
    only: { type: 'string' },
    host: { type: 'string', default: 'https://huggingface.co' },
  },
});
const id = positionals[0];
if (!id || !HUB_ID.test(id) || (values.only && !['float', 'quantized'].includes(values.only))) {
  console.error(USAGE);
  process.exit(2);
}
try {
  const result = await fetchModel({
    id,
    modelsDir: values['models-dir']!,
    revision: values.revision,
    variants: values.only ? [values.only as Variant] : ['float', 'quantized'],
    host: values.host,
    log: (line) => console.log(line),
  });
  console.log(`done: ${result.folder}\nstart with ${result.hints.join('; ')}`);
} catch (err) {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
}
