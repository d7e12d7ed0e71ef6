/**
 * `npm run bench:scaling-causes [-- --generated N --seed S --held-out M --restart-seconds R]`:
 * adaptive's SLO minutes on the generated suite broken down by cause (./slo-causes.ts) and by
 * family, with the oracle's minutes beside them. Prints the tables and writes
 * bench/out/scaling-slo-causes-<restart>s.json. Single-threaded: 150 traces take ~20 s.
 * --reference LABEL: the same breakdown for the causal reference at that grid setting
 * (bench/scaling/reference-suite.ts), written to scaling-slo-causes-<restart>s-reference.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { generateTrace } from './generate.js';
import { CAUSES, sloCauses, type Cause, type TraceCauses } from './slo-causes.js';
import { referenceController } from './reference-controller.js';
import { referenceGrid } from './reference-suite.js';
import { DEFAULT_SIM_OPTIONS, type SimOptions } from './sim/simulate.js';
import { count, SUITE_FLAGS, suiteFromFlags } from './suite-args.js';

const { values } = parseArgs({
  options: {
    ...SUITE_FLAGS,
    reference: { type: 'string' },
  },
});

const options: SimOptions = { ...DEFAULT_SIM_OPTIONS, restartSeconds: count('restart-seconds', values['restart-seconds']) };
const { generated, first, heldOut, seeds } = suiteFromFlags(values);
const grid = referenceGrid(options.config.limits.maxShards);
const setting = values.reference === undefined ? undefined : grid.find((s) => s.label === values.reference);
if (values.reference !== undefined && !setting) throw new Error(`--reference must be one of the grid's settings: ${grid.map((s) => `'${s.label}'`).join(', ')}`);
const who = setting ? `reference (${setting.label})` : 'adaptive';

type Row = TraceCauses & { seed: number; family: string; description: string };
function runPart(seeds: number[]): Row[] {
  return seeds.map((seed) => {
    const trace = generateTrace(seed);
    return { seed, family: trace.family, description: trace.description, ...sloCauses(trace, options, setting ? referenceController(trace, options, setting.params) : undefined) };
  });
}

function report(label: string, rows: Row[]): string {
  const total = rows.reduce((a, r) => a + r.sloMinutes, 0);
  const oracle = rows.reduce((a, r) => a + r.oracleSloMinutes, 0);
  const causes = new Map<Cause, { minutes: number; oracleToo: number }>();
  for (const r of rows) {
    for (const [cause, v] of Object.entries(r.byCause) as Array<[Cause, { minutes: number; oracleToo: number }]>) {
      const c = causes.get(cause) ?? { minutes: 0, oracleToo: 0 };
      causes.set(cause, { minutes: c.minutes + v.minutes, oracleToo: c.oracleToo + v.oracleToo });
    }
  }
  const families = new Map<string, { n: number; minutes: number; oracle: number }>();
  for (const r of rows) {
    const f = families.get(r.family) ?? { n: 0, minutes: 0, oracle: 0 };
    families.set(r.family, { n: f.n + 1, minutes: f.minutes + r.sloMinutes, oracle: f.oracle + r.oracleSloMinutes });
  }
  const worst = [...rows].sort((a, b) => (b.sloMinutes - b.oracleSloMinutes) - (a.sloMinutes - a.oracleSloMinutes)).slice(0, 10);
  return [
    `${label} (${rows.length}): ${who} ${total} SLO minutes, oracle ${oracle} (${oracle ? (total / oracle).toFixed(2) : '—'}×)`,
    '  by cause (minutes; of them, minutes the oracle was above the SLO too):',
    ...[...causes].sort((a, b) => b[1].minutes - a[1].minutes).map(([c, v]) => `    ${String(v.minutes).padStart(5)} ${String(v.oracleToo).padStart(5)}  ${CAUSES[c]}`),
    `  by family (traces, ${who} minutes, oracle minutes):`,
    ...[...families].sort((a, b) => b[1].minutes - a[1].minutes).map(([f, v]) => `    ${f.padEnd(14)} ${String(v.n).padStart(3)} ${String(v.minutes).padStart(5)} ${String(v.oracle).padStart(5)}`),
    '  most minutes above the oracle\'s:',
    ...worst.map((r) => `    gen-${r.seed}-${r.family}: ${r.sloMinutes} vs ${r.oracleSloMinutes} — ${Object.entries(r.byCause).map(([c, v]) => `${c} ${v.minutes}`).join(', ')}`),
  ].join('\n');
}

const started = performance.now();
const tuning = runPart(seeds.tuning);
const held = runPart(seeds.heldOut);
const seconds = (performance.now() - started) / 1000;
const load = loadavg().map((l) => l.toFixed(2)).join(', ');
console.log(`model: restart ${options.restartSeconds} s, reshard ${options.reshardSeconds} s; ${seconds.toFixed(1)} s; load average ${load} (2 cores, shared)\n`);
console.log(report('generated, tuning seeds', tuning));
if (held.length) console.log(`\n${report('generated, held-out seeds', held)}`);
const outDir = resolve(values.out!);
mkdirSync(outDir, { recursive: true });
const file = join(outDir, `scaling-slo-causes-${options.restartSeconds}s${setting ? '-reference' : ''}.json`);
writeFileSync(file, `${JSON.stringify({
  generatedBy: `npm run bench:scaling-causes -- --generated ${generated} --seed ${first} --held-out ${heldOut} --restart-seconds ${options.restartSeconds}${setting ? ` --reference '${setting.label}'` : ''}`,
  causes: CAUSES, seconds, loadAverage: loadavg(), tuning, heldOut: held,
}, null, 2)}\n`);
console.log(`\nwrote ${file}`);
