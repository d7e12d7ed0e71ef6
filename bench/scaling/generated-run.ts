/**
 * One generated trace benchmarked: the unit of work of the generated suite, run in the
 * CLI's process or in a worker thread (./pool.ts). The per-second series are dropped:
 * the report reads only the rows and the target check, and they are large to copy.
 */
import { policies } from '../../scaling/index.js';
import { benchmarkTrace, checkTargets, type PolicyRow, type TargetCheck, type TraceBenchmark } from './benchmark.js';
import { generateTrace } from './generate.js';
import { policyController, simulate, type Controller, type SimOptions } from './sim/simulate.js';
import type { Trace } from './sim/trace.js';

export interface GeneratedRun {
  seed: number;
  family: string;
  description: string;
  benchmark: TraceBenchmark;
  check: TargetCheck;
}

export function runGenerated(seed: number, options: SimOptions): GeneratedRun {
  const trace = generateTrace(seed);
  const benchmark = { ...benchmarkTrace(trace, options), series: {} };
  return { seed, family: trace.family, description: trace.description, benchmark, check: checkTargets(benchmark) };
}

/**
 * Only adaptive runs again; the peers' and the oracle's rows come from an earlier run of the
 * same seed and model (they do not depend on adaptive). For trying a rule on the tuning
 * seeds in seconds (`--adaptive-only FILE`), never for the published figures.
 */
export function rerunAdaptive(seed: number, options: SimOptions, cached: PolicyRow[]): GeneratedRun {
  const trace = generateTrace(seed);
  return { seed, family: trace.family, description: trace.description, ...inAdaptivesPlace(trace, options, cached, policyController(policies.adaptive, options)) };
}

/**
 * Runs `controller` on `trace` and judges it in adaptive's place against the peers' and the
 * oracle's `rows` (which do not depend on adaptive): adaptive at other settings, or the causal
 * reference (./reference-suite.ts), under the same target check.
 */
export function inAdaptivesPlace(trace: Trace, options: SimOptions, rows: PolicyRow[], controller: Controller): { benchmark: TraceBenchmark; check: TargetCheck } {
  const started = performance.now();
  const { series: _series, ...run } = simulate(trace, controller, options);
  const oracle = rows.find((r) => r.policy === 'oracle')!;
  const replaced = rows.map((r) => (r.policy === 'adaptive' ? { policy: 'adaptive' as const, ...run, costVsOracle: run.cost / oracle.cost } : r));
  const benchmark = { trace: trace.name, durationHours: trace.durationSeconds / 3600, rows: replaced, series: {}, millis: performance.now() - started };
  return { benchmark, check: checkTargets(benchmark) };
}
