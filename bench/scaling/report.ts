/** Text and Markdown tables of a benchmark. */
import { checkSuite, checkTargets, TARGETS, type SuiteCheck, type TargetCheck, type TargetName, type TraceBenchmark } from './benchmark.js';

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

const yes = (v: boolean) => (v ? 'yes' : 'NO');

/** One line per trace: each of the four targets, and the reasons of any miss. */
export function targetLines(checks: TargetCheck[]): string {
  return checks.map((c) => `${c.trace}: ${(Object.keys(TARGETS) as TargetName[]).map((t) => `${t} ${yes(c.met[t])}`).join(', ')}`
    + (c.misses.length ? `\n  ${c.misses.join('\n  ')}` : '')).join('\n');
}

export function suiteLine(label: string, s: SuiteCheck): string {
  const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
  return `${label} (${s.traces}): all four targets on ${pct(s.share.all)}; fewestSlo ${pct(s.share.fewestSlo)}, oracleCost ${pct(s.share.oracleCost)}, `
    + `undominated ${pct(s.share.undominated)}, restarts ${pct(s.share.restarts)}; suite SLO minutes adaptive ${s.adaptiveSloMinutes} vs oracle ${s.oracleSloMinutes} `
    + `(${s.oracleSloMinutes > 0 ? (s.adaptiveSloMinutes / s.oracleSloMinutes).toFixed(2) : '∞'}×, target ≤ 3×: ${yes(s.met)})`;
}

export interface GeneratedResult {
  seed: number;
  family: string;
  description: string;
  benchmark: TraceBenchmark;
  check: TargetCheck;
}

/** Totals per policy over a set of traces: SLO minutes, cost, restarts. */
function totals(results: TraceBenchmark[]): string {
  const names = results[0]?.rows.map((r) => r.policy) ?? [];
  const sum = (p: string, f: (r: TraceBenchmark['rows'][number]) => number) => results.reduce((a, b) => a + f(b.rows.find((r) => r.policy === p)!), 0);
  const oracleCost = sum('oracle', (r) => r.cost);
  const rows = names.map((p) => [p, String(sum(p, (r) => r.sloMinutes)), sum(p, (r) => r.cost).toFixed(2), (sum(p, (r) => r.cost) / oracleCost).toFixed(2), String(sum(p, (r) => r.restarts))]);
  const head = ['policy', 'SLO min', 'cost $', '× oracle', 'restarts'];
  const all = [head, ...rows];
  const widths = head.map((_, i) => Math.max(...all.map((r) => r[i]!.length)));
  return all.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')).join('\n');
}

/** How far a trace is from meeting a target (larger = worse; ≤ 0 = met). */
const MARGIN: Record<TargetName, (b: TraceBenchmark) => number> = {
  fewestSlo: (b) => {
    const a = b.rows.find((r) => r.policy === 'adaptive')!.sloMinutes;
    return a - Math.min(...b.rows.filter((r) => ['article-step', 'aws-cpu', 'ds2', 'on-demand'].includes(r.policy)).map((r) => r.sloMinutes));
  },
  oracleCost: (b) => b.rows.find((r) => r.policy === 'adaptive')!.costVsOracle - 1.25,
  undominated: (b) => {
    const a = b.rows.find((r) => r.policy === 'adaptive')!;
    return Math.max(...b.rows.filter((r) => ['article-step', 'aws-cpu', 'ds2', 'on-demand'].includes(r.policy))
      .map((r) => Math.min(a.sloMinutes - r.sloMinutes, (a.cost - r.cost) / a.cost * 100)));
  },
  restarts: (b) => {
    const a = b.rows.find((r) => r.policy === 'adaptive')!;
    const o = b.rows.find((r) => r.policy === 'oracle')!;
    return a.restarts - (1.5 * o.restarts + 2);
  },
};

function section(label: string, set: GeneratedResult[]): string {
  if (set.length === 0) return '';
  const lines = [suiteLine(label, checkSuite(set.map((r) => r.benchmark), set.map((r) => r.check)))];
  const byFamily = new Map<string, GeneratedResult[]>();
  for (const r of set) byFamily.set(r.family, [...(byFamily.get(r.family) ?? []), r]);
  lines.push(`  per family (all four met / traces): ${[...byFamily].sort().map(([f, rs]) => `${f} ${rs.filter((r) => Object.values(r.check.met).every(Boolean)).length}/${rs.length}`).join(', ')}`);
  for (const t of Object.keys(TARGETS) as TargetName[]) {
    const worst = [...set].sort((x, y) => MARGIN[t](y.benchmark) - MARGIN[t](x.benchmark)).slice(0, 3);
    lines.push(`  worst for ${t} (${TARGETS[t]}): ${worst.map((r) => `${r.benchmark.trace} (${MARGIN[t](r.benchmark).toFixed(2)})`).join(', ')}`);
  }
  const misses = set.filter((r) => r.check.misses.length > 0);
  lines.push(`  misses (${misses.length}):`);
  for (const r of misses) lines.push(`    ${r.benchmark.trace} [${r.description}]: ${r.check.misses.join('; ')}`);
  lines.push('  totals:');
  lines.push(totals(set.map((r) => r.benchmark)).split('\n').map((l) => `    ${l}`).join('\n'));
  return lines.join('\n');
}

export function generatedReport(tuning: GeneratedResult[], heldOut: GeneratedResult[]): string {
  return [
    section('generated, tuning seeds', tuning),
    section('generated, held-out seeds (never tuned on)', heldOut),
    tuning.length && heldOut.length ? suiteLine('generated, all', checkSuite([...tuning, ...heldOut].map((r) => r.benchmark), [...tuning, ...heldOut].map((r) => r.check))) : '',
  ].filter(Boolean).join('\n\n');
}

/** Per timing: each policy's total SLO minutes, cost and restarts over the committed traces, and adaptive's targets. */
export function sensitivityReport(grid: Array<{ restartSeconds: number; reshardSeconds: number; results: TraceBenchmark[] }>): string {
  return grid.map((g) => {
    const checks = g.results.map((b) => checkTargets(b));
    return `restart ${g.restartSeconds} s, reshard ${g.reshardSeconds} s:\n${totals(g.results).split('\n').map((l) => `  ${l}`).join('\n')}\n  ${suiteLine('targets', checkSuite(g.results, checks))}`
      + checks.filter((c) => c.misses.length).map((c) => `\n    ${c.trace}: ${c.misses.join('; ')}`).join('');
  }).join('\n\n');
}
