/** Text and Markdown tables of a benchmark. */
import type { TraceBenchmark } from './benchmark.js';

const HEADERS = ['policy', 'KPU-h', 'shard-h', 'cost $', 'SLO min', 'peak lag s', 'throttled', 'actions', 'restarts', '× oracle'];

function cells(b: TraceBenchmark): string[][] {
  return b.rows.map((r) => [
    r.policy,
    r.kpuHours.toFixed(1),
    r.shardHours.toFixed(1),
    r.cost.toFixed(2),
    String(r.sloMinutes),
    r.peakLagSeconds.toFixed(0),
    Math.round(r.throttledRecords).toLocaleString('en-US'),
    String(r.actions),
    String(r.restarts),
    r.costVsOracle.toFixed(2),
  ]);
}

export function textTable(b: TraceBenchmark): string {
  const rows = [HEADERS, ...cells(b)];
  const widths = HEADERS.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [`${b.trace} (${b.durationHours.toFixed(0)} h, simulated in ${b.millis.toFixed(0)} ms)`, line(HEADERS), ...cells(b).map(line)].join('\n');
}

export function markdownTable(b: TraceBenchmark): string {
  const row = (r: string[]) => `| ${r.join(' | ')} |`;
  return [
    `**${b.trace}** (${b.durationHours.toFixed(0)} h)`,
    '',
    row(HEADERS),
    row(HEADERS.map((_, i) => (i === 0 ? '---' : '---:'))),
    ...cells(b).map(row),
  ].join('\n');
}
