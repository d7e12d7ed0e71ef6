/**
 * `npm run bench:scaling-reference [-- --generated 150 --seed 1 --held-out 50
 * --restart-seconds 180 --workers 2 --sensing-delays 0,60,120]`: the idealised causal reference ("reactive-ideal",
 * ./reference-controller.ts) over a grid of settings on the generated suite, against the
 * same peers and oracle as adaptive; the frontier, the hindsight share and a worked step
 * example. Prints the tables and writes bench/out/scaling-reference-<restart>s.json.
 * A benchmark, not a test: nothing here is timed against a bound.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { printStepExample, stepExample } from './reference-example.js';
import { runReferenceSeeds } from './reference-pool.js';
import { partReport, printPart } from './reference-report.js';
import { ADAPTIVE_VARIANTS, delayGrid, lookaheadGrid, referenceGrid, type Setting } from './reference-suite.js';
import { DEFAULT_SIM_OPTIONS, type SimOptions } from './sim/simulate.js';
import { count, SUITE_FLAGS, suiteFromFlags } from './suite-args.js';

const { values } = parseArgs({
  options: {
    ...SUITE_FLAGS,
    'reshard-seconds': { type: 'string', default: String(DEFAULT_SIM_OPTIONS.reshardSeconds) },
    workers: { type: 'string', default: String(availableParallelism()) },
    'adaptive-variants': { type: 'boolean', default: false },
    /** The ablation instead of the grid: the best 45-s setting seen this many seconds late (comma-separated). */
    'sensing-delays': { type: 'string' },
    /** The forecast ablation instead of the grid (not causal): a few settings given an exact forecast this many seconds ahead. */
    lookaheads: { type: 'string' },
    /** With --lookaheads: the grid settings to give the forecast (repeatable; default four of the 30/10-min-hold settings). */
    setting: { type: 'string', multiple: true },
  },
});

const options: SimOptions = {
  ...DEFAULT_SIM_OPTIONS,
  restartSeconds: count('restart-seconds', values['restart-seconds']),
  reshardSeconds: count('reshard-seconds', values['reshard-seconds']),
};
const { generated, first, heldOut, seeds } = suiteFromFlags(values);
const workers = count('workers', values.workers);

const load = () => loadavg().map((l) => l.toFixed(2)).join(', ');
const delays = values['sensing-delays']?.split(',').map((d) => count('sensing-delays', d.trim()));
const lookaheads = values.lookaheads?.split(',').map((l) => count('lookaheads', l.trim()));
if (delays && lookaheads) throw new Error('--sensing-delays and --lookaheads are separate ablations: give one');
const FORECAST_SETTINGS = ['h_s 0.1, h_f 0.1, hold 30/10 min', 'h_s 0.1, h_f 0.3, hold 30/10 min', 'h_s 0.3, h_f 0.3, hold 30/10 min', 'floor 4, h_f 0.3, hold 30/10 min'];
const maxShards = options.config.limits.maxShards;
const grid: Setting[] = delays ? delayGrid(maxShards, 'floor 4, h_f 0.3, hold 30/10 min', delays)
  : lookaheads ? lookaheadGrid(maxShards, values.setting?.length ? values.setting : FORECAST_SETTINGS, lookaheads)
  : referenceGrid(maxShards);
const ablation = delays ? '-delays' : lookaheads ? '-forecast' : '';
console.log(`model: restart ${options.restartSeconds} s, reshard ${options.reshardSeconds} s; ${grid.length} settings; load average at start ${load()} (2 cores, shared)\n`);

const started = performance.now();
const { tuning: tuningSeeds, heldOut: heldSeeds } = seeds;
const total = tuningSeeds.length + heldSeeds.length;
const all = await runReferenceSeeds([...tuningSeeds, ...heldSeeds], options, grid, values['adaptive-variants']!, workers, (done) => {
  if (done % 25 === 0 || done === total) process.stderr.write(`  ${done}/${total} traces, ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
});
const seconds = (performance.now() - started) / 1000;
const tuning = partReport('generated, tuning seeds', all.slice(0, tuningSeeds.length), grid);
const held = heldSeeds.length ? partReport('generated, held-out seeds', all.slice(tuningSeeds.length), grid) : null;
console.log(printPart(tuning));
if (held) console.log(`\n${printPart(held)}`);
const example = stepExample(options);
console.log(`\n${printStepExample(example, options.prices)}`);
console.log(`\n${total} traces × (${grid.length} reference settings${values['adaptive-variants'] ? ` + ${ADAPTIVE_VARIANTS.length} adaptive variants` : ''} + peers, adaptive, oracle) in ${seconds.toFixed(1)} s on ${Math.max(1, workers)} worker thread(s); load average now ${load()}`);

const outDir = resolve(values.out!);
mkdirSync(outDir, { recursive: true });
const file = join(outDir, `scaling-reference-${options.restartSeconds}s${ablation}.json`);
const strip = <T extends { series: unknown }>({ series: _s, ...rest }: T) => rest;
writeFileSync(file, `${JSON.stringify({
  generatedBy: `npm run bench:scaling-reference -- --generated ${generated} --seed ${first} --held-out ${heldOut} --restart-seconds ${options.restartSeconds} --reshard-seconds ${options.reshardSeconds}${values['adaptive-variants'] ? ' --adaptive-variants' : ''}${delays ? ` --sensing-delays ${delays.join(',')}` : ''}${lookaheads ? ` --lookaheads ${lookaheads.join(',')} ${grid.map((g) => g.label).join('; ')}` : ''}`,
  model: { restartSeconds: options.restartSeconds, reshardSeconds: options.reshardSeconds, reportingDelaySeconds: options.reportingDelaySeconds },
  seconds, loadAverage: loadavg(), workers,
  grid, adaptiveVariants: values['adaptive-variants'] ? ADAPTIVE_VARIANTS : [],
  tuning, heldOut: held,
  example: { ...example, oracle: { step: strip(example.oracle.step), flat: strip(example.oracle.flat) }, adaptive: { step: strip(example.adaptive.step), flat: strip(example.adaptive.flat) }, floors: example.floors.map((f) => ({ floor: f.floor, step: strip(f.step), flat: strip(f.flat) })) },
  traces: all,
}, null, 2)}\n`);
console.log(`wrote ${file}`);
