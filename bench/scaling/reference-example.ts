/**
 * The worked example of the reference's report: one step trace and the same prefix
 * without the step. A causal policy cannot tell them apart until the step comes; to
 * avoid the doubling chain after the step it must hold the shards the step needs for the
 * whole prefix, which the trace without the step pays for against its oracle.
 */
import { policies } from '../../scaling/index.js';
import { referenceController, REFERENCE_DEFAULTS } from './reference-controller.js';
import { oracleController, planOracle } from './sim/oracle.js';
import { policyController, simulate, type SimOptions } from './sim/simulate.js';
import type { RunResult } from './sim/tally.js';
import { parseTrace, type Trace } from './sim/trace.js';

export interface StepExample {
  low: number;
  factor: number;
  prefixHours: number;
  afterHours: number;
  oracle: { step: RunResult; flat: RunResult };
  adaptive: { step: RunResult; flat: RunResult };
  floors: Array<{ floor: number; step: RunResult; flat: RunResult }>;
}

function flatTrace(name: string, parts: Array<[hours: number, rate: number]>): Trace {
  const rows = ['t_seconds,records_per_second'];
  let t = 0;
  for (const [hours, rate] of parts) {
    for (let m = 0; m < hours * 60; m++, t += 60) rows.push(`${t},${rate}`);
  }
  return parseTrace(name, rows.join('\n'));
}

export function stepExample(options: SimOptions, low = 2000, factor = 5, prefixHours = 3, afterHours = 1): StepExample {
  const step = flatTrace('step', [[prefixHours, low], [afterHours, low * factor]]);
  const flat = flatTrace('flat', [[prefixHours + afterHours, low]]);
  const run = (trace: Trace, kind: 'oracle' | 'adaptive' | number): RunResult => {
    const { series: _s, ...r } = simulate(trace, kind === 'oracle'
      ? oracleController(planOracle(trace, options), options)
      : kind === 'adaptive'
        ? policyController(policies.adaptive, options)
        : referenceController(trace, options, { ...REFERENCE_DEFAULTS, shardFloor: kind }), options);
    return { ...r, series: [] };
  };
  const floors = [0, 4, 6, 8, 12, 16].map((floor) => ({ floor, step: run(step, floor), flat: run(flat, floor) }));
  return {
    low, factor, prefixHours, afterHours,
    oracle: { step: run(step, 'oracle'), flat: run(flat, 'oracle') },
    adaptive: { step: run(step, 'adaptive'), flat: run(flat, 'adaptive') },
    floors,
  };
}

export function printStepExample(e: StepExample, prices: SimOptions['prices']): string {
  const o = e.oracle.flat;
  const hours = e.prefixHours + e.afterHours;
  const allowance = 0.25 * o.cost;
  return [
    `Worked example: ${e.low} rec/s (350 B) for ${e.prefixHours} h, then ×${e.factor} (${e.low * e.factor} rec/s) for ${e.afterHours} h — and the same ${hours} h without the step.`,
    `  oracle: step ${e.oracle.step.sloMinutes} SLO min, $${e.oracle.step.cost.toFixed(3)}; no step ${o.sloMinutes} SLO min, $${o.cost.toFixed(3)} (${o.shardHours.toFixed(1)} shard-h, ${o.kpuHours.toFixed(1)} KPU-h)`,
    `  the cost bound on the no-step trace leaves 0.25 × $${o.cost.toFixed(3)} = $${allowance.toFixed(3)} = ${(allowance / prices.shardHour).toFixed(1)} extra shard-hours over ${hours} h = ${(allowance / prices.shardHour / hours).toFixed(1)} shards held above the oracle's`,
    `  adaptive v6: step ${e.adaptive.step.sloMinutes} SLO min; no step ${(e.adaptive.flat.cost / o.cost).toFixed(2)}× oracle`,
    '  reference (h_s 0.3, h_f 0.3) with a shard floor F: SLO minutes on the step trace | cost ÷ oracle on the no-step trace | shard updates (step)',
    ...e.floors.map((f) => `    F ${String(f.floor).padStart(2)}: ${String(f.step.sloMinutes).padStart(3)} SLO min | ${(f.flat.cost / o.cost).toFixed(2)}× | ${f.step.shardUpdates}`),
  ].join('\n');
}
