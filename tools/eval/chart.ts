/**
 * A dependency-free grouped bar chart (SVG) comparing methods on the headline metrics, so the
 * report renders on GitHub and in any browser without a plotting library.
 */
import type { EvalResult } from './harness.js';

const COLOURS = ['#4c72b0', '#dd8452', '#55a868', '#c44e52'];
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Bars per method for nDCG@k, Recall@k, Recall@deep and MRR (all in [0, 1]). */
export function renderChart(result: EvalResult): string {
  const series = [
    { name: `nDCG@${result.k}`, get: (m: EvalResult['methods'][number]) => m.metrics.ndcgAtK },
    { name: `Recall@${result.k}`, get: (m: EvalResult['methods'][number]) => m.metrics.recallAtK },
    { name: `Recall@${result.deepK}`, get: (m: EvalResult['methods'][number]) => m.metrics.recallAt50 },
    { name: 'MRR', get: (m: EvalResult['methods'][number]) => m.metrics.mrr },
  ];
  const methods = result.methods;
  const top = Math.max(0.1, Math.ceil(Math.max(...methods.flatMap((m) => series.map((s) => s.get(m)))) * 10) / 10);
  const plot = { x: 60, y: 40, w: Math.max(480, methods.length * 124), h: 260 };
  const width = plot.x + plot.w + 20;
  const height = plot.y + plot.h + 90;
  const group = plot.w / methods.length;
  const bar = (group * 0.8) / series.length;
  const y = (v: number) => plot.y + plot.h - (v / top) * plot.h;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${plot.x}" y="20" font-size="14" font-weight="bold">${esc(`Offline evaluation on "${result.world.name}" (${result.evaluatedUsers} shoppers)`)}</text>`,
  ];
  for (let t = 0; t <= 5; t++) {
    const v = (top * t) / 5;
    out.push(`<line x1="${plot.x}" x2="${plot.x + plot.w}" y1="${y(v)}" y2="${y(v)}" stroke="#ddd"/>`);
    out.push(`<text x="${plot.x - 6}" y="${y(v) + 4}" text-anchor="end">${v.toFixed(2)}</text>`);
  }
  methods.forEach((m, i) => {
    const gx = plot.x + i * group + group * 0.1;
    series.forEach((s, j) => {
      const v = s.get(m);
      out.push(`<rect x="${(gx + j * bar).toFixed(1)}" y="${y(v).toFixed(1)}" width="${(bar - 1).toFixed(1)}" height="${(plot.y + plot.h - y(v)).toFixed(1)}" fill="${COLOURS[j]}"><title>${esc(`${m.label} ${s.name}: ${v.toFixed(3)}`)}</title></rect>`);
    });
    const cx = plot.x + i * group + group / 2;
    out.push(`<text x="${cx}" y="${plot.y + plot.h + 16}" text-anchor="middle">${esc(m.label)}</text>`);
  });
  series.forEach((s, j) => {
    const lx = plot.x + j * 110;
    out.push(`<rect x="${lx}" y="${height - 28}" width="12" height="12" fill="${COLOURS[j]}"/><text x="${lx + 16}" y="${height - 18}">${esc(s.name)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n');
}
