/**
 * Turns an evaluation result into the committed artefacts, named `reports/eval-<world>-<date>.*`:
 * a Markdown report, the JSON (everything but the per-shopper lists), and three SVG charts (the
 * methods on held-out purchases, the segments, the look metrics).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { groupedChart, panelChart } from './chart.js';
import type { Comparison, EvalResult, MethodResult, UserMetric } from './harness.js';
import type { MethodId } from './methods.js';
import type { Estimate } from './stats.js';

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

const f3 = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : 'n/a');
/** "0.052 (0.046–0.059)": the value and its 95% interval. */
export const est = (e: Estimate, digits = 3) => (Number.isFinite(e.value) ? `${e.value.toFixed(digits)} (${e.low.toFixed(digits)}–${e.high.toFixed(digits)})` : 'n/a');
const signed = (e: Estimate) => (Number.isFinite(e.value) ? `${e.value >= 0 ? '+' : ''}${e.value.toFixed(3)} (${e.low.toFixed(3)} to ${e.high.toFixed(3)})` : 'n/a');
const metricName = (r: EvalResult, m: UserMetric) =>
  ({ recallAtK: `Recall@${r.k}`, recallAtDeep: `Recall@${r.deepK}`, ndcgAtK: `nDCG@${r.k}`, mrr: 'MRR', diversity: 'diversity', novelty: 'novelty' })[m];
const label = (r: EvalResult, id: MethodId) => r.methods.find((m) => m.id === id)?.label ?? id;
const segmentLabel = (r: EvalResult, id: string) => r.segments.find((s) => s.id === id)?.label ?? id;

/** The method comparison table (Markdown), 95% intervals over shoppers in brackets. */
export function resultTable(r: EvalResult): string {
  const head = `| method | Recall@${r.k} | Recall@${r.deepK} | nDCG@${r.k} | MRR | coverage | diversity | novelty | consent violations |`;
  const rows = r.methods.map((m) => {
    const x = m.metrics;
    return `| ${m.label} | ${est(x.recallAtK)} | ${est(x.recallAtDeep)} | ${est(x.ndcgAtK)} | ${est(x.mrr)} | ${f3(x.coverage.value)} | ${f3(x.diversity.value)} | ${x.novelty.value.toFixed(2)} | ${m.consent ? m.consent.total : 'n/a'} |`;
  });
  return [head, '|---|---:|---:|---:|---:|---:|---:|---:|---:|', ...rows].join('\n');
}

/** One line per ladder metric: does random < popularity < aesthetic-only < fused < oracle hold? */
export function ladderVerdicts(r: EvalResult): string[] {
  const metrics = [...new Set(r.ladder.map((s) => s.metric))];
  return metrics.map((m) => {
    const steps = r.ladder.filter((s) => s.metric === m);
    const failed = steps.filter((s) => !s.holds);
    const chain = [steps[0]?.lower, ...steps.map((s) => s.upper)].filter(Boolean).map((id) => label(r, id!)).join(' < ');
    return failed.length === 0
      ? `**${metricName(r, m)}: the ladder holds** (${chain}), every adjacent pair with non-overlapping 95% intervals.`
      : `**${metricName(r, m)}: the ladder does not fully hold**: ${failed.map((s) => `${label(r, s.lower)} ${est(s.lowerValue)} vs ${label(r, s.upper)} ${est(s.upperValue)}${s.upperValue.value > s.lowerValue.value ? ' (in order, intervals overlap)' : ' (out of order)'}`).join('; ')}.`;
  });
}

function ladderTable(r: EvalResult): string {
  const rows = r.ladder.map((s) => `| ${metricName(r, s.metric)} | ${label(r, s.lower)} → ${label(r, s.upper)} | ${est(s.lowerValue)} | ${est(s.upperValue)} | ${signed(s.diff)} | ${s.holds ? 'yes' : '**no**'} |`);
  return ['| metric | step | lower rung | upper rung | difference, paired (95% interval) | separated |', '|---|---|---:|---:|---:|---|', ...rows].join('\n');
}

function ablationLines(r: EvalResult): string[] {
  const fused = r.methods.find((m) => m.id === 'fused');
  const ids = [...new Set(r.ablations.map((a) => a.method))];
  return ids.map((id) => {
    const parts = r.ablations.filter((a) => a.method === id).map((a) => {
      const base = fused?.metrics[a.metric].value ?? NaN;
      const rel = Number.isFinite(base) && base !== 0 ? ` (${a.diff.value >= 0 ? '+' : ''}${((100 * a.diff.value) / base).toFixed(0)}%)` : '';
      return `${metricName(r, a.metric)} ${signed(a.diff)}${rel}: ${a.verdict === 'indistinguishable' ? 'not distinguishable' : a.verdict === 'higher' ? '**higher**' : '**lower**'}`;
    });
    return `- **${label(r, id)}** vs fused: ${parts.join('; ')}.`;
  });
}

function lossLines(r: EvalResult): string[] {
  const describe = (c: Comparison) => {
    const seg = r.segments.find((s) => s.id === c.segment)!;
    const key = c.metric === 'ndcgAtK' ? 'ndcgAtK' : 'recallAtDeep';
    const [mine, theirs] = [seg.methods.find((m) => m.id === 'fused')!, seg.methods.find((m) => m.id === c.against)!];
    return `${segmentLabel(r, c.segment)} (${c.shoppers} shoppers), ${metricName(r, c.metric)}: ${label(r, c.against)} ${f3(theirs[key].value)} vs the service ${f3(mine[key].value)}, the service ${f3(-c.diff.value)} lower (95% interval of the difference ${signed(c.diff)})`;
  };
  const losses = r.serviceVsBaselines.filter((c) => c.verdict === 'lower');
  return losses.length === 0
    ? ['- The service is distinguishably below no baseline or reference, in no segment, on either metric.']
    : ['The service **loses** (95% interval of the paired difference entirely below 0) here:', '', ...losses.map((c) => `- ${describe(c)}.`)];
}

/** Segment × rival grid of paired differences (service − rival), marked higher / lower / indistinguishable. */
function versusTable(r: EvalResult, metric: UserMetric): string {
  const rivals = [...new Set(r.serviceVsBaselines.map((c) => c.against))];
  const mark = { higher: '▲', lower: '▼', indistinguishable: '=' } as const;
  const rows = r.segments.map((s) => {
    const cells = rivals.map((id) => {
      const c = r.serviceVsBaselines.find((x) => x.segment === s.id && x.against === id && x.metric === metric);
      return c ? `${mark[c.verdict]} ${c.diff.value >= 0 ? '+' : ''}${c.diff.value.toFixed(3)}` : 'n/a';
    });
    return `| ${s.label} | ${s.shoppers} | ${cells.join(' | ')} |`;
  });
  return [`| segment | shoppers | ${rivals.map((id) => `vs ${label(r, id)}`).join(' | ')} |`, `|---|---:|${rivals.map(() => '---:|').join('')}`, ...rows].join('\n');
}

const SEGMENT_METHODS: readonly MethodId[] = ['random', 'popularity', 'co-follower', 'item-knn', 'aesthetic', 'fused', 'fused-feedback', 'oracle'];

const metricOf = (r: EvalResult, id: MethodId, m: UserMetric): Estimate => r.methods.find((x) => x.id === id)?.metrics[m] ?? { value: NaN, low: NaN, high: NaN };
const verdictMark = (c: Comparison | undefined) => (!c ? 'n/a' : `${c.verdict === 'indistinguishable' ? '=' : c.verdict === 'higher' ? '▲' : '▼'} ${signed(c.diff)}`);

/** Service + feedback against the service without events: what was sent, the consent check, the paired differences per segment. */
export function feedbackSection(r: EvalResult): string[] {
  const f = r.feedback;
  if (!f) return [];
  const x = f.fed;
  const seg = (id: string) => r.segments.find((s) => s.id === id);
  const value = (segment: string, method: MethodId, key: 'ndcgAtK' | 'recallAtDeep') => {
    const m = seg(segment)?.methods.find((y) => y.id === method);
    return m ? est(m[key]) : 'n/a';
  };
  const cmp = (segment: string, metric: UserMetric) => f.comparisons.find((c) => c.segment === segment && c.metric === metric);
  const ids = [...new Set(f.comparisons.map((c) => c.segment))];
  const rows = ids.map((id) => {
    const n = cmp(id, 'ndcgAtK')!.shoppers;
    return `| ${segmentLabel(r, id)} | ${n} | ${value(id, 'fused', 'ndcgAtK')} | ${value(id, 'fused-feedback', 'ndcgAtK')} | ${verdictMark(cmp(id, 'ndcgAtK'))} | ${value(id, 'fused', 'recallAtDeep')} | ${value(id, 'fused-feedback', 'recallAtDeep')} | ${verdictMark(cmp(id, 'recallAtDeep'))} | ${verdictMark(cmp(id, 'recallAtK'))} | ${verdictMark(cmp(id, 'mrr'))} |`;
  });
  const repurchases = x.repurchases === 0
    ? `The world has **no re-purchases**: none of its ${x.heldOut} held-out purchases is of a product already in the shopper's history (the generator never sells a shopper the same product twice). So the service's rule "bought items are left out" costs nothing here; without events the service may spend slots on products already bought, which can never be held-out purchases.`
    : `The world has **${x.repurchases} re-purchases** among its ${x.heldOut} held-out purchases (a product already in the shopper's history). They stay relevant for both methods: the service with events leaves bought items out, so it can never hit them, and that cost of the leave-out rule is in the numbers below.`;
  const all = cmp('all', 'ndcgAtK');
  return [
    '## Feedback events: service + feedback vs service',
    '',
    `Both rows run the service as shipped on the same world and are scored on the same ${r.evaluatedUsers} shoppers. "Service + feedback" runs on its own copy of the world after each shopper's behaviour before the reference date was sent through the feedback command (the one \`POST /v1/users/:id/events\` uses, keeping each event's original time): **${x.sent.purchase} purchase events** (the purchase histories) and **${x.sent.save} post saves**. ${x.notSent.likes} likes were not sent (the service has no "like" event, and calling it a save would invent a signal); ${x.notSent.afterReference} records at or after the reference date were dropped. Held-out purchases are never sent.`,
    '',
    `The command recorded **${x.recorded}** events for ${x.shoppersWithEvents} shoppers and refused **${x.refused}** under the consent rules (no personalization consent, minors, health items without health consent; ${x.shoppersRefused} shoppers had every event refused)${x.rejected > 0 ? `; ${x.rejected} were rejected for another reason` : ''}. Consent check: of the ${f.unconsented} shoppers without personalization (minors included), **${f.unconsentedDiffering}** got a different list with events (must be 0). ${f.changedLists} of the ${r.evaluatedUsers} scored shoppers' top ${r.k} changed.`,
    '',
    repurchases,
    '',
    all ? `Headline, all scored shoppers: nDCG@${r.k} ${est(metricOf(r, 'fused-feedback', 'ndcgAtK'))} with events vs ${est(metricOf(r, 'fused', 'ndcgAtK'))} without, difference ${signed(all.diff)} (${all.verdict === 'indistinguishable' ? 'not distinguishable' : `distinguishably ${all.verdict}`}).` : '',
    '',
    `Paired differences (service + feedback − service) over each segment's shoppers with their 95% intervals; ▲ distinguishably higher with events, ▼ lower, = the interval contains 0.`,
    '',
    `| segment | shoppers | nDCG@${r.k} service | nDCG@${r.k} + feedback | nDCG@${r.k} difference | Recall@${r.deepK} service | Recall@${r.deepK} + feedback | Recall@${r.deepK} difference | Recall@${r.k} difference | MRR difference |`,
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows,
    '',
  ];
}

function segmentTable(r: EvalResult): string {
  const ids = SEGMENT_METHODS.filter((id) => r.methods.some((m) => m.id === id));
  const rows = r.segments.map((s) => `| ${s.label} | ${s.shoppers} | ${ids.map((id) => est(s.methods.find((m) => m.id === id)!.ndcgAtK)).join(' | ')} |`);
  return [`| segment | shoppers | ${ids.map((id) => label(r, id)).join(' | ')} |`, `|---|---:|${ids.map(() => '---:|').join('')}`, ...rows].join('\n');
}

function looksSection(r: EvalResult, chart: string): string[] {
  const l = r.looks;
  if (!l) return [];
  const out = ['## Shop the look and similar products', ''];
  if (l.shop) {
    out.push(
      `Shop the look: ${l.shop.posts} posts; relevant = products (not health: search never returns them) with exactly the colour, pattern and category of one of the post's items; Recall@${l.k} of \`POST /v1/search\`'s top ${l.k}. Ceiling = the best any ranking could do with ${l.k} slots.`,
      '',
      `| query | Recall@${l.k} (95% interval over posts) |`, '|---|---:|',
      ...l.shop.methods.map((m) => `| ${m.label} | ${est(m.recall)} |`),
      `| *ceiling* | ${est(l.shop.ceiling)} |`,
      '',
      l.shop.captionGain ? `Adding the caption to the image query changes Recall@${l.k} by ${signed(l.shop.captionGain)}${l.shop.captionGain.low > 0 || l.shop.captionGain.high < 0 ? '' : ' (not distinguishable)'}.` : '',
      '',
    );
  }
  if (l.similar) {
    out.push(
      `Similar products: ${l.similar.products} query products (those with at least one other product of the same look); share of \`GET /v1/products/:id/similar\`'s top ${l.k} that share colour, pattern and category with the query, and each attribute alone.`,
      '',
      `| method | same look | same colour | same pattern | same category |`, '|---|---:|---:|---:|---:|',
      ...l.similar.methods.map((m) => `| ${m.label} | ${est(m.look)} | ${est(m.colour)} | ${est(m.pattern)} | ${est(m.category)} |`),
      `| *ceiling* | ${est(l.similar.ceiling)} | | | |`,
      '',
    );
  }
  out.push(`![look metrics](${chart})`, '');
  return out;
}

const WORLD_REWARDS = [
  '## What this world rewards',
  '',
  "Generated worlds (version 3, fixtures/README.md \"Shoppers' behaviour and the purchase model\") draw 65% of purchases from the exact looks of posts the shopper liked or saved (saves 3x, 45-day recency half-life), 20% from bestsellers and 15% at random, all within a personal price band. So a method scores by finding the looks a shopper saw, at prices they pay. That is what creator-led shopping looks like: people buy the colour, print and kind of item they saw, recent and saved posts more, within a budget, plus bestsellers and impulse buys. The service sees follows and posts (with their public engagement and dates), never a shopper's reactions, price band or history, so the oracle, which reads them, stays far above it; collaborative filtering reads the histories (and so does service + feedback, through its events, with the saves but not the likes), in which other followers of the same creators carry those creators' looks and the bestsellers.",
  '',
];

export function renderMarkdown(r: EvalResult, c: ReportContext, charts: { methods: string; segments: string; looks: string }): string {
  const violations = r.methods.reduce((s, m) => s + (m.consent?.total ?? 0), 0);
  return [
    `# Offline evaluation: world "${r.world.name}"${r.world.seed === null ? '' : ` (seed ${r.world.seed}${r.world.generatorVersion === null ? '' : `, generator version ${r.world.generatorVersion}`})`}`,
    '',
    `${c.date}; model \`${c.modelId}\`; fusion image ${c.fusion.imageWeight} / text ${c.fusion.textWeight}; HNSW M=${c.settings.hnsw.m}, efConstruction=${c.settings.hnsw.efConstruction}, efSearch=${c.settings.hnsw.efSearch} (the server's configuration, built by the same composition root); ${r.world.products} products, ${r.world.creators} creators, ${r.world.posts} posts, ${r.world.users} shoppers; ran in ${c.seconds.toFixed(0)} s.`,
    '',
    `Scored on the ${r.evaluatedUsers} shoppers the service personalises for (consent to personalisation, not a minor, follows at least one opted-in creator) against their held-out purchases (bought after the world's reference date; the service never sees them). Every value comes with its 95% bootstrap interval over shoppers (1,000 resamples, the same for every method). Consent audit on all ${r.auditedUsers} shoppers, for every method that runs the service's core: **${violations} violations** (must be 0).`,
    c.cacheMisses > 0 ? `\nNote: ${c.cacheMisses} image/text embeddings were missing from the ingest cache and were recomputed for the modality variants.` : '',
    ...r.notes.map((n) => `\nNote: ${n}`),
    '',
    '## Held-out purchases',
    '',
    resultTable(r),
    '',
    `![methods compared](${charts.methods})`,
    '',
    '## The ladder',
    '',
    'random < popularity < aesthetic-only < service (fused) < generator oracle, each step with the two rungs\' intervals and their paired difference:',
    '',
    ...ladderVerdicts(r).map((l) => `- ${l}`),
    '',
    ladderTable(r),
    '',
    '## Ablations against the service (fused)',
    '',
    'Paired difference (ablation − fused) over the same shoppers, with its 95% interval; "not distinguishable" when the interval contains 0.',
    '',
    ...ablationLines(r),
    '',
    '## Where the service loses',
    '',
    `The service (fused) against every baseline and reference in every segment, on nDCG@${r.k} and Recall@${r.deepK} (paired differences over the segment's shoppers, service − baseline).`,
    '',
    ...lossLines(r),
    '',
    `nDCG@${r.k}, service − baseline (▲ service distinguishably higher, ▼ lower, = interval contains 0):`,
    '',
    versusTable(r, 'ndcgAtK'),
    '',
    `Recall@${r.deepK}, service − baseline:`,
    '',
    versusTable(r, 'recallAtDeep'),
    '',
    '## Segments',
    '',
    `nDCG@${r.k} per segment (95% interval over the segment's shoppers). The JSON report has Recall@${r.k} and Recall@${r.deepK} too.`,
    '',
    segmentTable(r),
    '',
    `![segments](${charts.segments})`,
    '',
    ...feedbackSection(r),
    ...looksSection(r, charts.looks),
    ...(r.world.generatorVersion !== null && r.world.generatorVersion >= 3 ? WORLD_REWARDS : []),
    '## How to read it',
    `- Recall@n: share of a shopper's held-out purchases in the top n. nDCG@${r.k}: position-weighted hits, 1 = all top slots are purchases. MRR: 1/rank of the first purchase within the top ${r.deepK}.`,
    `- coverage: share of the catalog shown to at least one shopper in a top ${r.k}. diversity: 1 − mean pairwise cosine of the top ${r.k} (fused vectors). novelty: mean −log2 popularity (share of past purchases, add-one smoothed) of the top ${r.k}.`,
    '- consent violations: personalised lists without consent, health items without explicit consent, minors profiled or shown health items, creators without the style-source opt-in cited. n/a for baselines, which serve nothing.',
    '- References read ground truth no method can have; they bound the scale and do not compete.',
    '',
    '## Methods',
    ...r.methods.map((m) => `- **${m.label}** (\`${m.id}\`, ${m.kind}): ${m.description}`),
    '',
  ].join('\n');
}

export function renderCharts(r: EvalResult): { methods: string; segments: string; looks: string } {
  const bars = (metric: UserMetric) => r.methods.map((m: MethodResult) => ({ label: m.label, value: m.metrics[metric], strong: m.id === 'fused' }));
  const methods = panelChart(`Held-out purchases on "${r.world.name}" (${r.evaluatedUsers} shoppers)`, [
    { title: `nDCG@${r.k}`, bars: bars('ndcgAtK') },
    { title: `Recall@${r.deepK}`, bars: bars('recallAtDeep') },
  ]);
  const ids = SEGMENT_METHODS.filter((id) => r.methods.some((m) => m.id === id));
  const segments = groupedChart(`nDCG@${r.k} by segment on "${r.world.name}"`, `nDCG@${r.k}`, ids.map((id) => label(r, id)), r.segments.map((s) => ({
    label: `${s.short} (${s.shoppers})`,
    values: ids.map((id) => s.methods.find((m) => m.id === id)?.ndcgAtK),
  })));
  const l = r.looks;
  const panels = [
    ...(l?.shop ? [{ title: `Shop the look: Recall@${l.k}`, bars: [...l.shop.methods.map((m) => ({ label: m.label, value: m.recall, strong: m.id.startsWith('fused') })), { label: 'ceiling', value: l.shop.ceiling }] }] : []),
    ...(l?.similar ? [{ title: `Similar: same look in top ${l.k}`, bars: [...l.similar.methods.map((m) => ({ label: m.label, value: m.look, strong: m.id === 'fused' })), { label: 'ceiling', value: l.similar.ceiling }] }] : []),
  ];
  const looks = panelChart(panels.length === 0 ? 'Look metrics: not measured on this world' : `Look metrics on "${r.world.name}"`, panels);
  return { methods, segments, looks };
}

/** The result without the per-shopper data (lists, per-user and per-post values), for the JSON report. */
export function summarise(r: EvalResult): unknown {
  return {
    ...r,
    methods: r.methods.map(({ lists: _l, perUser: _p, ...m }) => m),
    looks: r.looks && {
      ...r.looks,
      shop: r.looks.shop && { ...r.looks.shop, methods: r.looks.shop.methods.map(({ perPost: _x, ...m }) => m) },
      similar: r.looks.similar && { ...r.looks.similar, methods: r.looks.similar.methods.map(({ perProduct: _x, ...m }) => m) },
    },
  };
}

/** Writes `<dir>/eval-<world>-<date>.{md,json,svg}` (+ `-segments.svg`, `-looks.svg`) and returns their paths. */
export function writeReport(r: EvalResult, c: ReportContext, dir = 'reports'): { md: string; json: string; svg: string } {
  mkdirSync(dir, { recursive: true });
  const stem = `eval-${r.world.name}-${c.date.slice(0, 10)}`;
  const files = { methods: `${stem}.svg`, segments: `${stem}-segments.svg`, looks: `${stem}-looks.svg` };
  const charts = renderCharts(r);
  for (const key of ['methods', 'segments', 'looks'] as const) writeFileSync(join(dir, files[key]), charts[key]);
  const paths = { md: join(dir, `${stem}.md`), json: join(dir, `${stem}.json`), svg: join(dir, files.methods) };
  writeFileSync(paths.md, renderMarkdown(r, c, files));
  writeFileSync(paths.json, JSON.stringify({ ...c, ...(summarise(r) as object) }, null, 2) + '\n');
  return paths;
}
