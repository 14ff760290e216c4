/**
 * Dependency-free SVG charts for the reports (they render on GitHub and in any browser): bars with
 * their 95% bootstrap intervals as whiskers, so overlapping intervals are visible at a glance.
 *
 * - `panelChart`: one horizontal bar per row, in one or more side-by-side panels (one per metric).
 * - `groupedChart`: groups (segments) of bars, one bar per series (method), one metric.
 */
import type { Estimate } from './stats.js';

export interface Bar {
  label: string;
  value: Estimate;
  /** Highlight (e.g. the service's own row). */
  strong?: boolean;
}

const PALETTE = ['#8c8c8c', '#dd8452', '#937860', '#55a868', '#c44e52', '#4c72b0', '#8172b3', '#da8bc3'];
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const fmt = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : 'n/a');
const finite = (x: number) => (Number.isFinite(x) ? x : 0);
const STEPS = [0.005, 0.01, 0.02, 0.025, 0.05, 0.1, 0.2, 0.25, 0.5, 1];
/** The axis top: four ticks of a round step, at or above `max`. */
const niceTop = (max: number) => 4 * (STEPS.find((s) => 4 * s >= max) ?? Math.ceil(max / 4));
/** Tick labels with as many decimals as the step needs (0.025, not 0.03). */
const tick = (v: number) => String(Number(v.toFixed(3)));

function header(width: number, height: number, title: string): string[] {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    '<rect width="100%" height="100%" fill="white"/>',
    `<text x="12" y="20" font-size="14" font-weight="bold">${esc(title)}</text>`,
  ];
}

/**
 * Side-by-side panels of horizontal bars with interval whiskers. Panels with the same row labels
 * share one label column; otherwise each panel has its own.
 */
export function panelChart(title: string, panels: Array<{ title: string; bars: Bar[] }>, note = 'bars: mean; whiskers: 95% bootstrap interval'): string {
  const names = (p: { bars: Bar[] }) => p.bars.map((b) => b.label).join('\n');
  const shared = panels.every((p) => names(p) === names(panels[0]!));
  const rows = Math.max(0, ...panels.map((p) => p.bars.length));
  const labelW = 190;
  const panelW = 260;
  const rowH = 20;
  const top = 48;
  const block = (shared ? 0 : labelW) + panelW + 30;
  const width = (shared ? labelW : 0) + panels.length * block + 10;
  const height = top + rows * rowH + 40;
  const out = header(width, height, title);
  panels.forEach((panel, p) => {
    const x0 = (shared ? labelW : labelW * (p + 1)) + p * (shared ? block : panelW + 30);
    const max = niceTop(Math.max(...panel.bars.map((b) => finite(Math.max(b.value.high, b.value.value)))));
    const x = (v: number) => x0 + (finite(v) / max) * panelW;
    out.push(`<text x="${x0}" y="${top - 12}" font-weight="bold">${esc(panel.title)}</text>`);
    for (let t = 0; t <= 4; t++) {
      const v = (max * t) / 4;
      out.push(`<line x1="${x(v)}" x2="${x(v)}" y1="${top - 4}" y2="${top + panel.bars.length * rowH}" stroke="#e4e4e4"/>`);
      out.push(`<text x="${x(v)}" y="${top + panel.bars.length * rowH + 14}" text-anchor="middle" fill="#555">${tick(v)}</text>`);
    }
    panel.bars.forEach((b, i) => {
      const y = top + i * rowH;
      if (p === 0 || !shared) out.push(`<text x="${x0 - 8}" y="${y + 14}" text-anchor="end"${b.strong ? ' font-weight="bold"' : ''}>${esc(b.label)}</text>`);
      const fill = b.strong ? '#4c72b0' : '#a9b8d0';
      out.push(`<rect x="${x0}" y="${y + 4}" width="${(x(b.value.value) - x0).toFixed(1)}" height="${rowH - 8}" fill="${fill}"><title>${esc(`${b.label}, ${panel.title}: ${fmt(b.value.value)} (${fmt(b.value.low)}–${fmt(b.value.high)})`)}</title></rect>`);
      if (Number.isFinite(b.value.low)) {
        const [lo, hi, cy] = [x(b.value.low).toFixed(1), x(b.value.high).toFixed(1), y + rowH / 2];
        out.push(`<line x1="${lo}" x2="${hi}" y1="${cy}" y2="${cy}" stroke="#222"/><line x1="${lo}" x2="${lo}" y1="${cy - 4}" y2="${cy + 4}" stroke="#222"/><line x1="${hi}" x2="${hi}" y1="${cy - 4}" y2="${cy + 4}" stroke="#222"/>`);
      }
    });
  });
  out.push(`<text x="12" y="${height - 8}" fill="#555">${esc(note)}</text>`, '</svg>');
  return out.join('\n');
}

/** Vertical bars grouped by `groups`, one colour per series, with interval whiskers. */
export function groupedChart(title: string, metric: string, series: string[], groups: Array<{ label: string; values: Array<Estimate | undefined> }>): string {
  const groupW = Math.max(90, series.length * 16 + 20);
  const plot = { x: 50, y: 40, w: groups.length * groupW, h: 220 };
  const width = plot.x + plot.w + 20;
  const height = plot.y + plot.h + 70 + Math.ceil(series.length / 4) * 16;
  const max = niceTop(Math.max(...groups.flatMap((g) => g.values.map((v) => finite(v ? Math.max(v.high, v.value) : 0)))));
  const y = (v: number) => plot.y + plot.h - (finite(v) / max) * plot.h;
  const bar = (groupW - 20) / series.length;
  const out = header(width, height, title);
  for (let t = 0; t <= 4; t++) {
    const v = (max * t) / 4;
    out.push(`<line x1="${plot.x}" x2="${plot.x + plot.w}" y1="${y(v)}" y2="${y(v)}" stroke="#e4e4e4"/><text x="${plot.x - 6}" y="${y(v) + 4}" text-anchor="end" fill="#555">${tick(v)}</text>`);
  }
  out.push(`<text x="${plot.x}" y="${plot.y - 8}" fill="#555">${esc(metric)}</text>`);
  groups.forEach((g, gi) => {
    const gx = plot.x + gi * groupW + 10;
    g.values.forEach((v, si) => {
      if (!v || !Number.isFinite(v.value)) return;
      const bx = gx + si * bar;
      out.push(`<rect x="${bx.toFixed(1)}" y="${y(v.value).toFixed(1)}" width="${(bar - 2).toFixed(1)}" height="${(plot.y + plot.h - y(v.value)).toFixed(1)}" fill="${PALETTE[si % PALETTE.length]}"><title>${esc(`${g.label}, ${series[si]}: ${fmt(v.value)} (${fmt(v.low)}–${fmt(v.high)})`)}</title></rect>`);
      const cx = (bx + (bar - 2) / 2).toFixed(1);
      if (Number.isFinite(v.low)) out.push(`<line x1="${cx}" x2="${cx}" y1="${y(v.low).toFixed(1)}" y2="${y(v.high).toFixed(1)}" stroke="#222"/>`);
    });
    out.push(`<text x="${gx + (groupW - 20) / 2}" y="${plot.y + plot.h + 14}" text-anchor="middle">${esc(g.label)}</text>`);
  });
  series.forEach((s, si) => {
    const lx = plot.x + (si % 4) * 170;
    const ly = plot.y + plot.h + 34 + Math.floor(si / 4) * 16;
    out.push(`<rect x="${lx}" y="${ly - 10}" width="12" height="12" fill="${PALETTE[si % PALETTE.length]}"/><text x="${lx + 16}" y="${ly}">${esc(s)}</text>`);
  });
  out.push(`<text x="12" y="${height - 6}" fill="#555">bars: mean; whiskers: 95% bootstrap interval over the segment's shoppers</text>`, '</svg>');
  return out.join('\n');
}
