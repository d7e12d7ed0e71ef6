// Hand-drawn SVG line charts: a y axis with its unit, a time axis, a legend. Each series
// path carries data-points (how many values it drew), which tests and tooltips read.
import { esc, fmt } from './format.js';

// Drawn at the width it is shown at (never scaled down), so its 12 px text stays readable on a phone.
const H = 250;
const LEGEND_ROW = 16;

// Top of the y axis: a value whose quarters (the four gridlines) are round numbers.
function niceMax(v) {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  return [1, 2, 3, 4, 6, 8, 10].map((m) => m * p).find((c) => c >= v);
}

function pathOf(s, x, y, tEnd) {
  let d = '';
  let open = false;
  s.points.forEach(([t, v], i) => {
    if (v === null || v === undefined) { open = false; return; }
    if (!open) { d += `M${x(t).toFixed(1)},${y(v).toFixed(1)}`; open = true; }
    else d += s.step ? `H${x(t).toFixed(1)}V${y(v).toFixed(1)}` : `L${x(t).toFixed(1)},${y(v).toFixed(1)}`;
    if (s.step && i === s.points.length - 1) d += `H${x(tEnd).toFixed(1)}`;
  });
  return d;
}

/**
 * series: [{ name, color, points: [[epochSeconds, value|null]], step?, dashed? }]
 * axis: { y: 'records/s', format?: (v) => string, minSpan?: seconds, max?: the axis top while no value exceeds it (CPU: 100) }
 */
export function lineChart(series, axis, title, width = 1000) {
  const W = Math.max(300, Math.round(width));
  // Legend entries flow left to right and wrap; the plot starts below the last row.
  const legend = [];
  let lx = 0;
  let row = 0;
  for (const s of series) {
    const w = 34 + s.name.length * 6.6;
    if (lx > 0 && 8 + lx + w > W) { lx = 0; row++; }
    legend.push({ x: 8 + lx, y: 14 + row * LEGEND_ROW });
    lx += w;
  }
  const M = { top: 30 + row * LEGEND_ROW, right: 16, bottom: 40, left: W < 600 ? 60 : 78 };
  const h = H + row * LEGEND_ROW;
  const all = series.flatMap((s) => s.points).filter(([, v]) => v !== null && v !== undefined);
  if (all.length === 0) return '<p class="muted">No data yet: the control loop has not read a complete CloudWatch period.</p>';
  const ts = series.flatMap((s) => s.points.map(([t]) => t));
  // At least `minSpan` seconds wide (20 periods), ending at the newest point: young pipelines fill from the right.
  const t1 = Math.max(...ts);
  const t0 = Math.min(...ts, t1 - (axis.minSpan ?? 60));
  const top = Math.max(1, ...all.map(([, v]) => v));
  const yMax = axis.max !== undefined && top <= axis.max ? axis.max : niceMax(top * 1.1);
  const x = (t) => M.left + ((t - t0) / (t1 - t0)) * (W - M.left - M.right);
  const y = (v) => h - M.bottom - (v / yMax) * (h - M.top - M.bottom);
  const label = axis.format || ((v) => fmt(v, 2));
  let svg = `<svg viewBox="0 0 ${W} ${h}" width="${W}" height="${h}" role="img" aria-label="${esc(title)}" xmlns="http://www.w3.org/2000/svg" font-size="12" font-family="system-ui, sans-serif">`;
  for (let i = 0; i <= 4; i++) {
    const v = (yMax / 4) * i;
    svg += `<line x1="${M.left}" x2="${W - M.right}" y1="${y(v)}" y2="${y(v)}" stroke="#e3e6ee"/>`;
    svg += `<text x="${M.left - 6}" y="${y(v) + 4}" text-anchor="end" fill="#4b5366">${esc(label(v))}</text>`;
  }
  // The y axis names its unit; the x axis says whose clock.
  svg += `<text transform="translate(14 ${(h - M.bottom + M.top) / 2}) rotate(-90)" text-anchor="middle" fill="#1d2433">${esc(axis.y)}</text>`;
  // As many time ticks as fit (a label is ~60 px), 24-hour as the axis title says.
  const ticks = Math.max(2, Math.min(5, Math.floor((W - M.left - M.right) / 110)));
  for (let i = 0; i <= ticks; i++) {
    const t = t0 + ((t1 - t0) / ticks) * i;
    const tick = new Date(t * 1000).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
    const anchor = i === 0 ? 'start' : i === ticks ? 'end' : 'middle';
    svg += `<line x1="${x(t)}" x2="${x(t)}" y1="${h - M.bottom}" y2="${h - M.bottom + 4}" stroke="#9aa1b2"/>`;
    svg += `<text x="${x(t)}" y="${h - M.bottom + 16}" text-anchor="${anchor}" fill="#4b5366">${tick}</text>`;
  }
  svg += `<text x="${(M.left + W - M.right) / 2}" y="${h - 4}" text-anchor="middle" fill="#1d2433">time (your clock, hh:mm:ss)</text>`;
  series.forEach((s, i) => {
    const { x: legendX, y: legendY } = legend[i];
    const drawn = s.points.filter(([, v]) => v !== null && v !== undefined).length;
    svg += `<path class="series" data-series="${esc(s.name)}" data-points="${drawn}" d="${pathOf(s, x, y, t1)}" fill="none" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`;
    svg += `<rect x="${legendX}" y="${legendY - 5}" width="14" height="3" fill="${s.color}"/><text x="${legendX + 18}" y="${legendY}" fill="#1d2433">${esc(s.name)}</text>`;
  });
  return `${svg}</svg>`;
}
