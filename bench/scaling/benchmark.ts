/**
 * One benchmark of every policy (and the oracle) on one trace. Pure and synchronous:
 * the CLI and the targets test both call it.
 */
import { policies } from '../../scaling/index.js';
import type { PolicyName } from '../../model/spec.js';
import { oracleController, planOracle } from './sim/oracle.js';
import { DEFAULT_SIM_OPTIONS, policyController, simulate, type SimOptions } from './sim/simulate.js';
import type { RunResult } from './sim/tally.js';
import type { Trace } from './sim/trace.js';

export const BENCH_POLICIES: PolicyName[] = ['article-step', 'aws-cpu', 'ds2', 'adaptive', 'none'];

export interface PolicyRow extends Omit<RunResult, 'series'> {
  policy: PolicyName | 'oracle';
  costVsOracle: number;
}

export interface TraceBenchmark {
  trace: string;
  durationHours: number;
  rows: PolicyRow[];
  series: Record<string, RunResult['series']>;
  millis: number;
}

export function benchmarkTrace(trace: Trace, options: SimOptions = DEFAULT_SIM_OPTIONS, names: PolicyName[] = BENCH_POLICIES): TraceBenchmark {
  const started = performance.now();
  const oracle = simulate(trace, oracleController(planOracle(trace, options), options), options);
  const runs: Array<[PolicyName | 'oracle', RunResult]> = [
    ...names.map((name): [PolicyName, RunResult] => [name, simulate(trace, policyController(policies[name], options), options)]),
    ['oracle', oracle],
  ];
  const rows = runs.map(([policy, { series: _series, ...rest }]) => ({ policy, ...rest, costVsOracle: rest.cost / oracle.cost }));
  return {
    trace: trace.name,
    durationHours: trace.durationSeconds / 3600,
    rows,
    series: Object.fromEntries(runs.map(([policy, r]) => [policy, r.series])),
    millis: performance.now() - started,
  };
}

export interface TargetCheck {
  trace: string;
  fewestSloMinutes: boolean;
  notDearerThanArticle: boolean;
  withinOracleBound: boolean;
  detail: string;
}

/** SCALING.md's three targets for `adaptive` on one trace. */
export function checkTargets(b: TraceBenchmark, oracleBound = 1.25): TargetCheck {
  const row = (p: string) => b.rows.find((r) => r.policy === p)!;
  const adaptive = row('adaptive');
  const others = b.rows.filter((r) => r.policy !== 'adaptive' && r.policy !== 'oracle');
  const fewest = others.every((r) => adaptive.sloMinutes < r.sloMinutes || (adaptive.sloMinutes === 0 && r.sloMinutes === 0));
  return {
    trace: b.trace,
    fewestSloMinutes: fewest,
    notDearerThanArticle: adaptive.cost <= row('article-step').cost,
    withinOracleBound: adaptive.costVsOracle <= oracleBound,
    detail: `adaptive ${adaptive.sloMinutes} SLO min, $${adaptive.cost.toFixed(3)} (${adaptive.costVsOracle.toFixed(2)}× oracle); `
      + others.map((r) => `${r.policy} ${r.sloMinutes} min $${r.cost.toFixed(3)}`).join(', '),
  };
}
