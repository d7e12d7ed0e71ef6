/**
 * One SVG per trace, no dependencies: capacity vs demand (top) and lag over time
 * (bottom, with the 60 s SLO line) for every policy and the oracle.
 */
import type { TraceBenchmark } from './benchmark.js';

const COLORS: Record<string, string> = {
  'article-step': '#d62728', 'aws-cpu': '#ff7f0e', ds2: '#9467bd', adaptive: '#2ca02c', none: '#7f7f7f', 'on-demand': '#8c564b', oracle: '#1f77b4',
};
const W = 960;
const PANEL = 260;
const M = { left: 70, right: 150, top: 46, gap: 50 };

/** At most ~720 vertices per line: a day at 1-minute resolution is drawn from every other minute. */
function path(all: Array<[number, number]>): string {
  const stride = Math.max(1, Math.ceil(all.length / 720));
  const points = all.filter((_, i) => i % stride === 0 || i === all.length - 1);
  return points.map(([x, y], i) => `${i === 0 ? 'M' : 'L'}${x.toFixed(1)},${y.toFixed(1)}`).join('');
}

function axis(y0: number, max: number, label: string, minutes: number, x: (m: number) => number): string {
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => {
    const y = y0 + PANEL - f * PANEL;
    return `<line x1="${M.left}" x2="${W - M.right}" y1="${y}" y2="${y}" stroke="#eee"/><text x="${M.left - 6}" y="${y + 4}" text-anchor="end">${Math.round(max * f).toLocaleString('en-US')}</text>`;
  });
  const hours = Math.max(1, Math.round(minutes / 60 / 12));
  const hourTicks: string[] = [];
  for (let h = 0; h * 60 <= minutes; h += hours) hourTicks.push(`<text x="${x(h * 60)}" y="${y0 + PANEL + 14}" text-anchor="middle">${h} h</text>`);
  return `${ticks.join('')}${hourTicks.join('')}<text x="${M.left}" y="${y0 - 8}" font-weight="bold">${label}</text>`;
}

export function chartSvg(b: TraceBenchmark): string {
  const policies = Object.keys(b.series);
  const any = b.series[policies[0]!] ?? [];
  const minutes = any.length;
  const x = (m: number) => M.left + (m / Math.max(1, minutes)) * (W - M.left - M.right);
  const demandMax = Math.max(...any.map((p) => p.demand), ...policies.flatMap((p) => b.series[p]!.map((s) => s.capacity))) * 1.05;
  const lagMax = Math.min(1800, Math.max(120, ...policies.flatMap((p) => b.series[p]!.map((s) => s.lagSeconds))));
  const top = M.top;
  const bottom = M.top + PANEL + M.gap;
  const yTop = (v: number) => top + PANEL - (v / demandMax) * PANEL;
  const yBottom = (v: number) => bottom + PANEL - (Math.min(v, lagMax) / lagMax) * PANEL;
  const lines: string[] = [];
  lines.push(`<path d="${path(any.map((p) => [x(p.minute), yTop(p.demand)]))}" fill="none" stroke="#000" stroke-width="2"/>`);
  for (const policy of policies) {
    const s = b.series[policy]!;
    const color = COLORS[policy] ?? '#333';
    lines.push(`<path d="${path(s.map((p) => [x(p.minute), yTop(p.capacity)]))}" fill="none" stroke="${color}" stroke-width="1.2"/>`);
    lines.push(`<path d="${path(s.map((p) => [x(p.minute), yBottom(p.lagSeconds)]))}" fill="none" stroke="${color}" stroke-width="1.2"/>`);
  }
  const slo = yBottom(60);
  lines.push(`<line x1="${M.left}" x2="${W - M.right}" y1="${slo}" y2="${slo}" stroke="#000" stroke-dasharray="4 3"/><text x="${W - M.right + 4}" y="${slo + 4}">SLO 60 s</text>`);
  const legend = ['demand', ...policies].map((p, i) => {
    const color = p === 'demand' ? '#000' : COLORS[p] ?? '#333';
    const y = top + 10 + i * 18;
    return `<line x1="${W - M.right + 10}" x2="${W - M.right + 30}" y1="${y}" y2="${y}" stroke="${color}" stroke-width="2"/><text x="${W - M.right + 36}" y="${y + 4}">${p}</text>`;
  });
  const height = bottom + PANEL + 30;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${height}" viewBox="0 0 ${W} ${height}" font-family="sans-serif" font-size="11">
<rect width="100%" height="100%" fill="#fff"/>
<text x="${W / 2}" y="16" text-anchor="middle" font-size="14" font-weight="bold">${b.trace}: capacity vs demand, and lag</text>
${axis(top, demandMax, 'records/s: demand (black) and end-to-end capacity min(shards × 1,000, parallelism × true rate)', minutes, x)}
${axis(bottom, lagMax, `lag, seconds (capped at ${lagMax})`, minutes, x)}
${lines.join('\n')}
${legend.join('\n')}
</svg>
`;
}
