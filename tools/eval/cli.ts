/**
 * `npm run eval -- [--world DIR] [--k 10] [--out reports] [--update-readme] [--no-degraded] [--no-looks] [--no-feedback]`
 *
 * Validates the world (default `fixtures/`), ingests it into a throw-away data folder with the
 * shipped model, runs every method (and the service on a weight-scrambled copy of the model, the
 * sanity rung, and, when the world has histories, the service with them sent as feedback events:
 * service + feedback; `--no-feedback` skips it), prints the table and the ladder, and writes `reports/eval-<world>-<date>.*`.
 * `--update-readme` replaces the table between the README's eval markers (use it on fixtures/).
 * Exits 1 when any consent violation is found.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { loadConfig } from '../../src/config.js';
import type { Embedder } from '../../src/embed/types.js';
import { createWorkerEmbedder } from '../../src/embed/worker-pool.js';
import { createConfiguredEmbedder, describeSettings } from '../../src/service.js';
import { writeScrambledModel } from './degrade.js';
import { runEval } from './harness.js';
import { prepareWorld } from './prepare.js';
import { ladderVerdicts, resultTable, writeReport } from './report.js';
import { loadEvalWorld } from './world.js';

const USAGE = 'usage: npm run eval -- [--world DIR] [--k 10] [--out reports] [--update-readme] [--no-degraded] [--no-looks] [--no-feedback]';
const README_START = '<!-- eval:start -->';
const README_END = '<!-- eval:end -->';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      world: { type: 'string', default: 'fixtures' }, k: { type: 'string', default: '10' }, out: { type: 'string', default: 'reports' },
      'update-readme': { type: 'boolean', default: false }, 'no-degraded': { type: 'boolean', default: false }, 'no-looks': { type: 'boolean', default: false }, 'no-feedback': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return void console.log(USAGE);
  const k = Number(values.k);
  if (!Number.isInteger(k) || k < 1 || k > 100) throw new Error(`--k must be an integer in 1..100, got "${values.k}"\n${USAGE}`);

  const started = performance.now();
  const config = loadConfig(process.env);
  const world = loadEvalWorld(values.world!);
  const embedder = await createConfiguredEmbedder(config);
  console.log(`settings (the server's, from the same composition root): ${JSON.stringify(describeSettings(config, embedder))}`);
  // The sanity rung: the same model with its weights scrambled, in a throw-away models folder.
  const scratch = mkdtempSync(join(tmpdir(), 'eval-models-'));
  let degraded: Embedder | undefined;
  if (!values['no-degraded']) {
    const id = writeScrambledModel(config.MODELS_DIR, config.MODEL_ID, scratch);
    degraded = await createWorkerEmbedder({ modelsDir: scratch, modelId: id, threads: config.EMBED_THREADS });
  }
  const bar = new cliProgress.SingleBar({ format: '{stage} [{bar}] {value}/{total}', hideCursor: true }, cliProgress.Presets.shades_classic);
  bar.start(1, 0, { stage: 'ingest' });
  try {
    const prepared = await prepareWorld(world, {
      config, embedder, degraded, feedback: !values['no-feedback'],
      onProgress: (p) => {
        bar.setTotal(p.total);
        bar.update(p.done, { stage: `ingest ${p.stage}`.padEnd(20) });
      },
    });
    try {
      const result = await runEval(world, prepared, {
        k, looks: !values['no-looks'],
        onStep: (done, total, label) => {
          bar.setTotal(total);
          bar.update(done, { stage: label.padEnd(20) });
        },
      });
      bar.stop();
      const context = {
        modelId: embedder.modelId, date: new Date().toISOString(), seconds: (performance.now() - started) / 1000,
        fusion: { imageWeight: config.IMAGE_WEIGHT, textWeight: config.TEXT_WEIGHT }, cacheMisses: prepared.cacheMisses,
        settings: prepared.settings,
      };
      const paths = writeReport(result, context, values.out);
      const table = resultTable(result);
      console.log(`\n${table}\n\n${ladderVerdicts(result).join('\n')}\n${result.evaluatedUsers} shoppers scored; ${context.seconds.toFixed(0)} s`);
      console.log(`wrote ${paths.md}, ${paths.json}, ${paths.svg}`);
      if (values['update-readme']) updateReadme(table, paths.md, result.world.name);
      const fb = result.feedback?.comparisons.find((c) => c.segment === 'all' && c.metric === 'ndcgAtK');
      if (fb) console.log(`service + feedback − service, nDCG@${k}: ${fb.diff.value.toFixed(4)} (${fb.diff.low.toFixed(4)} to ${fb.diff.high.toFixed(4)})`);
      // Shoppers without personalization whose list changed with events: the feedback gate leaked.
      const violations = result.methods.reduce((s, m) => s + (m.consent?.total ?? 0), 0) + (result.feedback?.unconsentedDiffering ?? 0);
      if (violations > 0) {
        console.error(`CONSENT VIOLATIONS: ${violations} (see ${paths.json})`);
        process.exitCode = 1;
      }
    } finally {
      await prepared.close();
    }
  } finally {
    bar.stop();
    await embedder.close();
    await degraded?.close();
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Replaces only the text between the eval markers, so the rest of the README is never touched. */
function updateReadme(table: string, reportPath: string, worldName: string): void {
  if (!existsSync('README.md')) return;
  const readme = readFileSync('README.md', 'utf8');
  const start = readme.indexOf(README_START);
  const end = readme.indexOf(README_END);
  if (start < 0 || end < start) return void console.warn(`README.md has no ${README_START} … ${README_END} markers; not updated`);
  const body = `${README_START}\nLatest run on \`${worldName}/\` (full report: [${reportPath}](${reportPath})):\n\n${table}\n`;
  writeFileSync('README.md', readme.slice(0, start) + body + readme.slice(end));
  console.log('updated the README table');
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
