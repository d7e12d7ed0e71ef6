/**
 * `npm run bench:scaling [-- options]`: every *.csv in bench/scaling/traces (and in each
 * --traces DIR), every policy, Kinesis on-demand + Managed Flink autoscaling, and the
 * oracle; a table per trace and the target check. With --generated N [--seed S]
 * [--held-out M] it also runs N generated traces (seeds S…S+N−1) and M from the held-out
 * range, and reports the share of traces meeting each target, the misses and the worst
 * cases, tuning and held-out separately. --sensitivity reruns the committed traces at
 * restart times of 45 s / 3 min / 10 min and reshard times of 3 / 15 min.
 *
 * Writes bench/out/scaling.json (committed traces), scaling-generated.json and one SVG
 * chart per committed trace.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadavg } from 'node:os';
import { benchmarkTrace, checkSuite, checkTargets, TARGETS, type PolicyRow, type TraceBenchmark } from './benchmark.js';
import { chartSvg } from './charts.js';
import { suiteSeeds } from './generate.js';
import { defaultWorkers, runSeeds } from './pool.js';
import { generatedReport, markdownTable, sensitivityReport, suiteLine, targetLines, textTable } from './report.js';
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
    generated: { type: 'string' },
    seed: { type: 'string', default: '1' },
    'held-out': { type: 'string', default: '0' },
    sensitivity: { type: 'boolean', default: false },
    quiet: { type: 'boolean', default: false },
    workers: { type: 'string' },
    'adaptive-only': { type: 'string' },
    param: { type: 'string', multiple: true },
  },
});

function nonNegative(flag: string, raw: string | undefined, fallback: number, integer = false): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0 || (integer && !Number.isInteger(value))) {
    throw new Error(`--${flag} must be a non-negative ${integer ? 'integer' : 'number'} (got '${raw}')`);
  }
  return value;
}

/** --param name=value (repeatable): a policy parameter for every policy that has it (others ignore it), e.g. to try a value. */
const parameters = Object.fromEntries((values.param ?? []).map((kv) => {
  const [name, raw] = kv.split('=');
  const value = Number(raw);
  if (!name || raw === undefined || !Number.isFinite(value)) throw new Error(`--param must be name=number (got '${kv}')`);
  return [name, value];
}));

const options: SimOptions = {
  ...DEFAULT_SIM_OPTIONS,
  config: { ...DEFAULT_SIM_OPTIONS.config, parameters: { ...DEFAULT_SIM_OPTIONS.config.parameters, ...parameters } },
  restartSeconds: nonNegative('restart-seconds', values['restart-seconds'], DEFAULT_SIM_OPTIONS.restartSeconds),
  reshardSeconds: nonNegative('reshard-seconds', values['reshard-seconds'], DEFAULT_SIM_OPTIONS.reshardSeconds),
  reportingDelaySeconds: nonNegative('reporting-delay-seconds', values['reporting-delay-seconds'], DEFAULT_SIM_OPTIONS.reportingDelaySeconds),
};
const generatedCount = nonNegative('generated', values.generated, 0, true);
const firstSeed = nonNegative('seed', values.seed, 1, true);
const heldOutCount = nonNegative('held-out', values['held-out'], 0, true);
const workers = nonNegative('workers', values.workers, defaultWorkers(), true);
const seeds = suiteSeeds(firstSeed, generatedCount, heldOutCount);

function csvFiles(dir: string): string[] {
  return readdirSync(dir).filter((f) => f.endsWith('.csv')).sort().map((f) => join(dir, f));
}

const outDir = resolve(values.out!);
mkdirSync(outDir, { recursive: true });
const load = () => loadavg().map((l) => l.toFixed(2)).join(', ');
const timing = `restart ${options.restartSeconds} s, reshard ${options.reshardSeconds} s, CloudWatch delay ${options.reportingDelaySeconds} s`
  + (Object.keys(parameters).length ? `; parameters ${JSON.stringify(parameters)}` : '');
console.log(`model: ${timing}; load average at start ${load()} (2 cores, shared)\n`);

const files = [join(import.meta.dirname, 'traces'), ...(values.traces ?? []).map((d) => resolve(d))].flatMap(csvFiles);
const committed = files.map((file) => parseTrace(basename(file, '.csv'), readFileSync(file, 'utf8')));

const started = performance.now();
const results = committed.map((trace) => {
  const b = benchmarkTrace(trace, options);
  if (!values.quiet) console.log(`${values.markdown ? markdownTable(b) : textTable(b)}\n`);
  writeFileSync(join(outDir, `scaling-${b.trace}.svg`), chartSvg(b));
  return b;
});
const committedSeconds = (performance.now() - started) / 1000;
const targets = results.map((b) => checkTargets(b));
const suite = checkSuite(results, targets);
console.log(targetLines(targets));
console.log(suiteLine('committed traces', suite));
const dayTrace = results.find((b) => b.durationHours >= 24);
console.log(`\n${results.length} committed traces in ${committedSeconds.toFixed(1)} s`
  + (dayTrace ? `; the 24 h trace for all policies, on-demand and the oracle in ${(dayTrace.millis / 1000).toFixed(2)} s` : ''));
writeFileSync(join(outDir, 'scaling.json'), `${JSON.stringify({
  generatedBy: 'npm run bench:scaling',
  model: { restartSeconds: options.restartSeconds, reshardSeconds: options.reshardSeconds, reportingDelaySeconds: options.reportingDelaySeconds },
  loadAverage: loadavg(),
  totalSeconds: committedSeconds,
  traces: results.map(({ series: _series, ...rest }) => rest),
  targets,
  suite,
}, null, 2)}\n`);

/** --adaptive-only FILE: the peers' and oracle's rows per seed from an earlier scaling-generated.json of the same model. */
function cachedRows(): Map<number, PolicyRow[]> | undefined {
  const file = values['adaptive-only'];
  if (file === undefined) return undefined;
  type Saved = { model: typeof options; tuning: { traces: Array<{ seed: number; rows: PolicyRow[] }> }; heldOut: { traces: Array<{ seed: number; rows: PolicyRow[] }> } };
  const saved = JSON.parse(readFileSync(resolve(file), 'utf8')) as Saved;
  for (const k of ['restartSeconds', 'reshardSeconds', 'reportingDelaySeconds'] as const) {
    if (saved.model[k] !== options[k]) throw new Error(`--adaptive-only: ${file} was run with ${k} ${saved.model[k]}, this run uses ${options[k]}`);
  }
  return new Map([...saved.tuning.traces, ...saved.heldOut.traces].map((t) => [t.seed, t.rows]));
}

if (generatedCount + heldOutCount > 0) {
  const genStarted = performance.now();
  const genCpu = process.cpuUsage();
  const { tuning: tuningSeeds, heldOut: heldOutSeeds } = seeds;
  const all = await runSeeds([...tuningSeeds, ...heldOutSeeds], options, workers, cachedRows());
  const tuning = all.slice(0, tuningSeeds.length);
  const heldOut = all.slice(tuningSeeds.length);
  const genSeconds = (performance.now() - genStarted) / 1000;
  const cpu = process.cpuUsage(genCpu);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  console.log(`\n${generatedReport(tuning, heldOut)}`);
  console.log(`\n${tuning.length + heldOut.length} generated traces (${[...tuning, ...heldOut].reduce((a, r) => a + r.benchmark.durationHours, 0).toFixed(0)} simulated hours × 7 runs) in ${genSeconds.toFixed(1)} s on ${Math.max(1, workers)} worker thread(s), ${cpuSeconds.toFixed(1)} s of CPU; load average now ${load()}`);
  const strip = (rows: typeof tuning) => rows.map((r) => ({ seed: r.seed, family: r.family, description: r.description, rows: r.benchmark.rows, check: r.check }));
  writeFileSync(join(outDir, 'scaling-generated.json'), `${JSON.stringify({
    generatedBy: `npm run bench:scaling -- --generated ${generatedCount} --seed ${firstSeed} --held-out ${heldOutCount}${values['adaptive-only'] ? ` --adaptive-only ${values['adaptive-only']} (peers and oracle from that file)` : ''}`,
    model: { restartSeconds: options.restartSeconds, reshardSeconds: options.reshardSeconds, reportingDelaySeconds: options.reportingDelaySeconds },
    targets: TARGETS,
    seconds: genSeconds,
    cpuSeconds,
    workers: Math.max(1, workers),
    loadAverage: loadavg(),
    tuning: { suite: checkSuite(tuning.map((r) => r.benchmark), tuning.map((r) => r.check)), traces: strip(tuning) },
    heldOut: { suite: checkSuite(heldOut.map((r) => r.benchmark), heldOut.map((r) => r.check)), traces: strip(heldOut) },
  }, null, 2)}\n`);
}

if (values.sensitivity) {
  const grid: Array<{ restartSeconds: number; reshardSeconds: number; results: TraceBenchmark[] }> = [];
  for (const restartSeconds of [45, 180, 600]) {
    for (const reshardSeconds of [180, 900]) {
      const o = { ...options, restartSeconds, reshardSeconds };
      grid.push({ restartSeconds, reshardSeconds, results: committed.map((t) => benchmarkTrace(t, o)) });
    }
  }
  console.log(`\n${sensitivityReport(grid)}`);
  writeFileSync(join(outDir, 'scaling-sensitivity.json'), `${JSON.stringify(grid.map((g) => ({
    restartSeconds: g.restartSeconds,
    reshardSeconds: g.reshardSeconds,
    traces: g.results.map((b) => ({ trace: b.trace, rows: b.rows, check: checkTargets(b) })),
    suite: checkSuite(g.results),
  })), null, 2)}\n`);
}
console.log(`\nwrote ${outDir}/scaling*.json and ${results.length} charts`);
