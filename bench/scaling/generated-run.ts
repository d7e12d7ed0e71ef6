/**
 * One generated trace benchmarked: the unit of work of the generated suite, run in the
 * CLI's process or in a worker thread (./pool.ts). The per-second series are dropped:
 * the report reads only the rows and the target check, and they are large to copy.
 */
import { policies } from '../../scaling/index.js';
import { benchmarkTrace, checkTargets, type PolicyRow, type TargetCheck, type TraceBenchmark } from './benchmark.js';
import { generateTrace } from './generate.js';
import { policyController, simulate, type SimOptions } from './sim/simulate.js';

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
  const started = performance.now();
  const { series: _series, ...run } = simulate(trace, policyController(policies.adaptive, options), options);
  const oracle = cached.find((r) => r.policy === 'oracle')!;
  const rows = cached.map((r) => (r.policy === 'adaptive' ? { policy: 'adaptive' as const, ...run, costVsOracle: run.cost / oracle.cost } : r));
  const benchmark = { trace: trace.name, durationHours: trace.durationSeconds / 3600, rows, series: {}, millis: performance.now() - started };
  return { seed, family: trace.family, description: trace.description, benchmark, check: checkTargets(benchmark) };
}
