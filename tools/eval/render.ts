/**
 * `npx tsx tools/eval/render.ts reports/eval-<world>-<date>.json ...`
 *
 * Re-renders a report's Markdown and charts from its JSON, so a change to how reports look never
 * needs the evaluation re-run (an 800-shopper world takes minutes). The numbers come only from
 * the JSON; nothing is recomputed.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { EvalResult } from './harness.js';
import { renderCharts, renderMarkdown, type ReportContext } from './report.js';

export function rerender(jsonPath: string): string {
  const data = JSON.parse(readFileSync(jsonPath, 'utf8')) as EvalResult & ReportContext;
  const dir = dirname(jsonPath);
  const stem = basename(jsonPath, '.json');
  const files = { methods: `${stem}.svg`, segments: `${stem}-segments.svg`, looks: `${stem}-looks.svg` };
  const charts = renderCharts(data);
  for (const key of ['methods', 'segments', 'looks'] as const) writeFileSync(join(dir, files[key]), charts[key]);
  const md = join(dir, `${stem}.md`);
  writeFileSync(md, renderMarkdown(data, data, files));
  return md;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const paths = process.argv.slice(2);
  if (paths.length === 0) throw new Error('usage: npx tsx tools/eval/render.ts reports/eval-<world>-<date>.json ...');
  for (const p of paths) console.log(`re-rendered ${rerender(p)}`);
}
