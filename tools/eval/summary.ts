/**
 * `npm run eval:summary -- reports/eval-A.json reports/eval-B.json ... [--out reports] [--name seeds]`
 *
 * One page over several evaluation runs (fresh seeds): the ladder on each, every method's nDCG@k
 * and Recall@deep per world, each ablation's paired difference, where the service loses, and shop
 * the look, written to `<out>/eval-summary-<name>-<date>.{md,svg}`. Reads the JSON reports only,
 * so it never re-runs anything.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { panelChart } from './chart.js';
import type { Comparison, EvalResult, LadderStep, MethodResult, UserMetric } from './harness.js';
import { METHODS } from './methods.js';
import { est } from './report.js';
import type { Estimate } from './stats.js';

type Run = Omit<EvalResult, 'methods'> & { methods: Array<Omit<MethodResult, 'lists' | 'perUser'>>; date: string; modelId: string; seconds: number };

const signed = (e: Estimate) => `${e.value >= 0 ? '+' : ''}${e.value.toFixed(3)} (${e.low.toFixed(3)} to ${e.high.toFixed(3)})`;
const worldName = (r: Run) => (r.world.seed === null ? r.world.name : `seed ${r.world.seed}`);
const CHART_METHODS = ['random', 'popularity', 'co-follower', 'item-knn', 'aesthetic', 'degraded', 'text-only', 'image-only', 'fused', 'fused-feedback', 'fused-no-mmr', 'oracle'];
/** Segments whose feedback difference the summary shows (the per-world reports have every segment). */
const FEEDBACK_SEGMENTS = ['all', 'cold-start', 'short-history', 'rich-history'];

export function renderSummary(runs: Run[], chartFile: string): string {
  const metricName = (m: UserMetric, r: Run) => ({ recallAtK: `Recall@${r.k}`, recallAtDeep: `Recall@${r.deepK}`, ndcgAtK: `nDCG@${r.k}`, mrr: 'MRR', diversity: 'diversity', novelty: 'novelty' })[m];
  const first = runs[0]!;
  // Every method of any run (a run from before a method existed shows n/a for it).
  const order = (id: string) => METHODS.findIndex((m) => m.id === id);
  const ids = [...new Set(runs.flatMap((r) => r.methods.map((m) => m.id)))].sort((a, b) => order(a) - order(b));
  const labelOf = (id: string) => runs.flatMap((r) => r.methods).find((m) => m.id === id)?.label ?? id;
  const cols = runs.map(worldName);
  const table = (head: string[], rows: string[][]) => [`| ${head.join(' | ')} |`, `|${head.map((_, i) => (i === 0 ? '---|' : '---:|')).join('')}`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
  const metricTable = (m: UserMetric) =>
    table(['method', ...cols], ids.map((id) => [labelOf(id), ...runs.map((r) => {
      const x = r.methods.find((y) => y.id === id);
      return x ? est(x.metrics[m]) : 'n/a';
    })]));
  const ladderMetrics = [...new Set(first.ladder.map((s) => s.metric))];
  const ladderRows = ladderMetrics.flatMap((m) =>
    first.ladder.filter((s) => s.metric === m).map((s) => [
      `${metricName(m, first)}: ${labelOf(s.lower)} → ${labelOf(s.upper)}`,
      ...runs.map((r) => {
        const step = r.ladder.find((x: LadderStep) => x.metric === m && x.lower === s.lower && x.upper === s.upper);
        return step ? `${step.holds ? 'yes' : '**no**'} (${signed(step.diff)})` : 'n/a';
      }),
    ]));
  const ablationIds = [...new Set(first.ablations.map((a) => a.method))];
  const ablationRows = ablationIds.flatMap((id) =>
    (['ndcgAtK', 'recallAtDeep', 'diversity'] as const).map((m) => [
      `${labelOf(id)}, ${metricName(m, first)}`,
      ...runs.map((r) => {
        const a = r.ablations.find((x: Comparison) => x.method === id && x.metric === m);
        return a ? `${a.verdict === 'indistinguishable' ? '=' : a.verdict === 'higher' ? '▲' : '▼'} ${signed(a.diff)}` : 'n/a';
      }),
    ]));
  const losses = runs.flatMap((r) =>
    r.serviceVsBaselines.filter((c) => c.verdict === 'lower').map((c) => {
      const seg = r.segments.find((s) => s.id === c.segment)!;
      return `- ${worldName(r)}: ${seg.label} (${c.shoppers} shoppers), ${metricName(c.metric, r)}: below ${labelOf(c.against)} by ${(-c.diff.value).toFixed(3)} (interval of the difference ${signed(c.diff)}).`;
    }));
  const feedbackRows = FEEDBACK_SEGMENTS.flatMap((seg) =>
    (['ndcgAtK', 'recallAtK', 'recallAtDeep'] as const).map((m) => [
      `${runs.flatMap((r) => r.segments).find((x) => x.id === seg)?.label ?? seg}, ${metricName(m, first)}`,
      ...runs.map((r) => {
        const c = r.feedback?.comparisons.find((x: Comparison) => x.segment === seg && x.metric === m);
        return c ? `${c.verdict === 'indistinguishable' ? '=' : c.verdict === 'higher' ? '▲' : '▼'} ${signed(c.diff)} (${c.shoppers})` : 'n/a';
      }),
    ]));
  const feedbackSection = runs.some((r) => r.feedback)
    ? [
      '## Service + feedback − service',
      '',
      "Each world's purchase histories (purchase events at their times) and post saves, sent through the feedback command before ranking (consent-gated as in the service); paired difference over the segment's scored shoppers (their number in brackets). ▲ higher with events, ▼ lower, = not distinguishable.",
      '',
      table(['segment, metric', ...cols], feedbackRows),
      '',
      `Consent check (shoppers without personalization whose list changed with events, must be 0): ${runs.map((r) => `${worldName(r)} ${r.feedback ? `${r.feedback.unconsentedDiffering} of ${r.feedback.unconsented}` : 'n/a'}`).join(', ')}. Re-purchases among held-out purchases: ${runs.map((r) => `${worldName(r)} ${r.feedback ? r.feedback.fed.repurchases : 'n/a'}`).join(', ')}.`,
      '',
    ]
    : [];
  const shopIds = first.looks?.shop?.methods.map((m) => m.id) ?? [];
  const shopRows = shopIds.map((id) => [first.looks!.shop!.methods.find((m) => m.id === id)!.label, ...runs.map((r) => {
    const m = r.looks?.shop?.methods.find((x) => x.id === id);
    return m ? est(m.recall) : 'n/a';
  })]);
  return [
    `# Offline evaluation over ${runs.length} worlds`,
    '',
    `Worlds: ${runs.map((r) => `${worldName(r)} (${r.world.products} products, ${r.world.creators} creators, ${r.world.posts} posts, ${r.world.users} shoppers, ${r.evaluatedUsers} scored, generator version ${r.world.generatorVersion ?? 'n/a'}; run ${r.date.slice(0, 10)} in ${r.seconds.toFixed(0)} s)`).join('; ')}. Model \`${first.modelId}\`. Every value has its 95% bootstrap interval over the world's scored shoppers; per-world reports have the segments, the look metrics and the method descriptions.`,
    '',
    `Consent violations, all core methods, all shoppers: ${runs.map((r) => `${worldName(r)} ${r.methods.reduce((s, m) => s + (m.consent?.total ?? 0), 0)}`).join(', ')}.`,
    '',
    `![nDCG@${first.k} per world](${chartFile})`,
    '',
    '## The ladder',
    '',
    'Does each step hold (upper rung higher, the two 95% intervals not overlapping)? In brackets the paired difference with its interval.',
    '',
    table(['step', ...cols], ladderRows),
    '',
    `## nDCG@${first.k}`,
    '',
    metricTable('ndcgAtK'),
    '',
    `## Recall@${first.deepK}`,
    '',
    metricTable('recallAtDeep'),
    '',
    '## Ablations against the service (fused)',
    '',
    '▲ distinguishably higher, ▼ lower, = not distinguishable (interval of the paired difference contains 0).',
    '',
    table(['ablation, metric', ...cols], ablationRows),
    '',
    ...feedbackSection,
    '## Where the service loses',
    '',
    ...(losses.length > 0 ? losses : ['- Nowhere distinguishably, on any world.']),
    '',
    ...(shopRows.length > 0 ? [`## Shop the look (Recall@${first.k})`, '', table(['query', ...cols], shopRows), ''] : []),
  ].join('\n');
}

export function renderSummaryChart(runs: Run[]): string {
  const first = runs[0]!;
  const ids = CHART_METHODS.filter((id) => runs.some((r) => r.methods.some((m) => m.id === id)));
  return panelChart(`nDCG@${first.k} on ${runs.length} fresh worlds`, runs.map((r) => ({
    title: `${worldName(r)} (${r.evaluatedUsers} shoppers)`,
    bars: ids.flatMap((id) => {
      const m = r.methods.find((x) => x.id === id);
      return m ? [{ label: m.label, value: m.metrics.ndcgAtK, strong: id === 'fused' }] : [];
    }),
  })));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { out: { type: 'string', default: 'reports' }, name: { type: 'string', default: 'seeds' } } });
  if (positionals.length === 0) throw new Error('usage: npm run eval:summary -- reports/eval-A.json reports/eval-B.json ... [--out reports] [--name seeds]');
  const runs = positionals.map((p) => JSON.parse(readFileSync(p, 'utf8')) as Run);
  const stem = `eval-summary-${values.name}-${new Date().toISOString().slice(0, 10)}`;
  writeFileSync(join(values.out!, `${stem}.svg`), renderSummaryChart(runs));
  writeFileSync(join(values.out!, `${stem}.md`), renderSummary(runs, `${stem}.svg`));
  console.log(`wrote ${join(values.out!, `${stem}.md`)} and .svg`);
}
