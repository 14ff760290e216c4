/**
 * Turns an evaluation result into the committed artefacts: a Markdown report with the table the
 * README quotes, the full JSON, and the SVG chart, named `reports/eval-<world>-<date>.*`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderChart } from './chart.js';
import type { EvalResult } from './harness.js';
import { bootstrapRatio } from './metrics.js';

export interface ReportContext {
  modelId: string;
  date: string;
  /** Seconds the ingest + evaluation took. */
  seconds: number;
  fusion: { imageWeight: number; textWeight: number };
  /** The service settings the evaluation ran (src/service.ts describeSettings): the server's own. */
  settings: { hnsw: { m: number; efConstruction: number; efSearch: number } } & Record<string, unknown>;
  /** Embeddings the eval had to recompute because the ingest cache missed them (should be 0). */
  cacheMisses: number;
}

const f3 = (x: number) => x.toFixed(3);

/** The method comparison table (Markdown). */
export function resultTable(r: EvalResult): string {
  const head = `| method | Recall@${r.k} | Recall@${r.deepK} | nDCG@${r.k} | MRR | coverage | diversity | novelty | consent violations |`;
  const rows = r.methods.map(
    (m) => `| ${m.label} | ${f3(m.metrics.recallAtK)} | ${f3(m.metrics.recallAt50)} | ${f3(m.metrics.ndcgAtK)} | ${f3(m.metrics.mrr)} | ${f3(m.metrics.coverage)} | ${f3(m.metrics.diversity)} | ${m.metrics.novelty.toFixed(2)} | ${m.consent ? m.consent.total : 'n/a'} |`,
  );
  return [head, '|---|---:|---:|---:|---:|---:|---:|---:|---:|', ...rows].join('\n');
}

/** nDCG@k of the service's fused ranking over the popularity baseline; null if either is missing. */
export function fusedOverPopularity(r: EvalResult): number | null {
  const fused = r.methods.find((m) => m.id === 'fused')?.metrics.ndcgAtK;
  const pop = r.methods.find((m) => m.id === 'popularity')?.metrics.ndcgAtK;
  return fused === undefined || pop === undefined ? null : pop === 0 ? Infinity : fused / pop;
}

/** Paired bootstrap 95% interval of the fused / popularity nDCG ratio over shoppers. */
export function fusedOverPopularityCI(r: EvalResult): { low: number; high: number } | null {
  const fused = r.methods.find((m) => m.id === 'fused');
  const pop = r.methods.find((m) => m.id === 'popularity');
  return fused && pop && fused.ndcgPerUser.length > 0 ? bootstrapRatio(fused.ndcgPerUser, pop.ndcgPerUser) : null;
}

export function renderMarkdown(r: EvalResult, c: ReportContext, chartFile: string): string {
  const ratio = fusedOverPopularity(r);
  const ci = fusedOverPopularityCI(r);
  const violations = r.methods.reduce((s, m) => s + (m.consent?.total ?? 0), 0);
  return [
    `# Offline evaluation: world "${r.world.name}"${r.world.seed === null ? '' : ` (seed ${r.world.seed})`}`,
    '',
    `${c.date}; model \`${c.modelId}\`; fusion image ${c.fusion.imageWeight} / text ${c.fusion.textWeight}; HNSW M=${c.settings.hnsw.m}, efConstruction=${c.settings.hnsw.efConstruction}, efSearch=${c.settings.hnsw.efSearch} (the server's configuration, built by the same composition root); ${r.world.products} products, ${r.world.creators} creators, ${r.world.posts} posts, ${r.world.users} shoppers; ran in ${c.seconds.toFixed(0)} s.`,
    '',
    `Scored on the ${r.evaluatedUsers} shoppers the service personalises for (consent to personalisation, not a minor, follows at least one opted-in creator) against their held-out purchases. Consent audit on all ${r.auditedUsers} shoppers, for every method that runs the service's core.`,
    '',
    resultTable(r),
    '',
    `![methods compared](${chartFile})`,
    '',
    `**Fused vs popularity, nDCG@${r.k}: ${ratio === null ? 'n/a' : `${ratio.toFixed(2)}x`}**${ci ? ` (95% bootstrap interval over shoppers ${ci.low.toFixed(2)}x–${ci.high.toFixed(2)}x)` : ''} (target ≥ 2x). Consent violations over all audited lists: **${violations}** (must be 0).`,
    c.cacheMisses > 0 ? `\nNote: ${c.cacheMisses} image/text embeddings were missing from the ingest cache and were recomputed for the modality variants.` : '',
    '',
    '## How to read it',
    `- Recall@n: share of a shopper's held-out purchases in the top n. nDCG@${r.k}: position-weighted hits, 1 = all top slots are purchases. MRR: 1/rank of the first purchase within the top ${r.deepK}.`,
    `- coverage: share of the catalog shown to at least one shopper in a top ${r.k}. diversity: 1 − mean pairwise cosine of the top ${r.k} (fused vectors). novelty: mean −log2 popularity (purchase share, add-one smoothed) of the top ${r.k}.`,
    '- consent violations: personalised lists without consent, health items without explicit consent, minors profiled or shown health items, creators without the style-source opt-in cited. n/a for baselines, which use no personal data.',
    '',
    '## Methods',
    ...r.methods.map((m) => `- **${m.label}** (\`${m.id}\`): ${m.description}`),
    '',
  ].join('\n');
}

/** Writes `<dir>/eval-<world>-<date>.{md,json,svg}` and returns their paths. */
export function writeReport(r: EvalResult, c: ReportContext, dir = 'reports'): { md: string; json: string; svg: string } {
  mkdirSync(dir, { recursive: true });
  const stem = `eval-${r.world.name}-${c.date.slice(0, 10)}`;
  const paths = { md: join(dir, `${stem}.md`), json: join(dir, `${stem}.json`), svg: join(dir, `${stem}.svg`) };
  writeFileSync(paths.svg, renderChart(r));
  writeFileSync(paths.md, renderMarkdown(r, c, `${stem}.svg`));
  writeFileSync(paths.json, JSON.stringify({ ...c, ...r, fusedOverPopularityNdcg: fusedOverPopularity(r), fusedOverPopularityNdcgCI95: fusedOverPopularityCI(r) }, null, 2) + '\n');
  return paths;
}
