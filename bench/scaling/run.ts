/**
 * `npm run bench:scaling [-- --traces DIR] [--out DIR] [--restart-seconds N] [--reshard-seconds N]
 * [--reporting-delay-seconds N] [--markdown]`: every *.csv in
 * bench/scaling/traces (and in DIR), every policy and the oracle; prints a table per
 * trace, writes bench/out/scaling.json and an SVG chart per trace.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { benchmarkTrace, checkTargets } from './benchmark.js';
import { chartSvg } from './charts.js';
import { markdownTable, textTable } from './report.js';
import { DEFAULT_SIM_OPTIONS, type SimOptions } from './sim/simulate.js';
import { parseTrace } from './sim/trace.js';

const { values } = parseArgs({
  options: {
    traces: { type: 'string', multiple: true },
    out: { type: 'string', default: join(import.meta.dirname, '..', 'out') },
    markdown: { type: 'boolean', default: false },
    'restart-seconds': { type: 'string' },
    'reshard-seconds': { type: 'string' },
    'reporting-delay-seconds': { type: 'string' },
  },
});

/** Model timings are simulator options (defaults in DEFAULT_SIM_OPTIONS), not trace columns. */
function seconds(flag: string, fallback: number): number {
  const raw = values[flag as 'restart-seconds'];
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`--${flag} must be a non-negative number of seconds`);
  return value;
}
const options: SimOptions = {
  ...DEFAULT_SIM_OPTIONS,
  restartSeconds: seconds('restart-seconds', DEFAULT_SIM_OPTIONS.restartSeconds),
  reshardSeconds: seconds('reshard-seconds', DEFAULT_SIM_OPTIONS.reshardSeconds),
  reportingDelaySeconds: seconds('reporting-delay-seconds', DEFAULT_SIM_OPTIONS.reportingDelaySeconds),
};

function csvFiles(dir: string): string[] {
  return readdirSync(dir).filter((f) => f.endsWith('.csv')).sort().map((f) => join(dir, f));
}

const files = [join(import.meta.dirname, 'traces'), ...(values.traces ?? []).map((d) => resolve(d))].flatMap(csvFiles);
const outDir = resolve(values.out!);
mkdirSync(outDir, { recursive: true });

const started = performance.now();
const results = files.map((file) => {
  const trace = parseTrace(basename(file, '.csv'), readFileSync(file, 'utf8'));
  const b = benchmarkTrace(trace, options);
  console.log(`${values.markdown ? markdownTable(b) : textTable(b)}\n`);
  writeFileSync(join(outDir, `scaling-${b.trace}.svg`), chartSvg(b));
  return b;
});
const totalMs = performance.now() - started;

const targets = results.map((b) => checkTargets(b));
for (const t of targets) {
  const ok = (v: boolean) => (v ? 'yes' : 'NO');
  console.log(`${t.trace}: fewest SLO minutes ${ok(t.fewestSloMinutes)}, cost ≤ article-step ${ok(t.notDearerThanArticle)}, ≤ 1.25× oracle ${ok(t.withinOracleBound)}`);
}
const dayTrace = results.find((b) => b.durationHours >= 24);
console.log(`\n${results.length} traces in ${(totalMs / 1000).toFixed(1)} s`
  + (dayTrace ? `; the 24 h trace (${dayTrace.trace}, 1-minute rows, 1 s steps) for all policies and the oracle in ${(dayTrace.millis / 1000).toFixed(2)} s` : ''));

writeFileSync(join(outDir, 'scaling.json'), `${JSON.stringify({
  generatedBy: 'npm run bench:scaling',
  model: { restartSeconds: options.restartSeconds, reshardSeconds: options.reshardSeconds, reportingDelaySeconds: options.reportingDelaySeconds },
  totalSeconds: totalMs / 1000,
  traces: results.map(({ series: _series, ...rest }) => rest),
  targets,
}, null, 2)}\n`);
console.log(`wrote ${join(outDir, 'scaling.json')} and ${results.length} charts`);
