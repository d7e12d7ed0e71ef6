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
/** The peers adaptive must beat (SCALING.md): 'on-demand' is Kinesis on-demand mode with Managed Flink's own autoscaling. */
export const PEERS = ['article-step', 'aws-cpu', 'ds2', 'on-demand'] as const;
export type RowName = PolicyName | 'on-demand' | 'oracle';

export interface PolicyRow extends Omit<RunResult, 'series'> {
  policy: RowName;
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
  const onDemand: SimOptions = { ...options, streamMode: 'on-demand' };
  const runs: Array<[RowName, RunResult]> = [
    ...names.map((name): [PolicyName, RunResult] => [name, simulate(trace, policyController(policies[name], options), options)]),
    ['on-demand', simulate(trace, policyController(policies['aws-cpu'], onDemand), onDemand)],
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

/** SCALING.md's per-trace targets for adaptive (issue 16). */
export const TARGETS = {
  fewestSlo: 'fewest SLO minutes of all peers (ties allowed)',
  oracleCost: 'cost ≤ 1.25 × oracle',
  undominated: 'no peer dominates (SLO ≤ and cost ≤, one strictly)',
  restarts: 'restarts ≤ 1.5 × oracle + 2',
} as const;
export type TargetName = keyof typeof TARGETS;
export const ORACLE_COST_BOUND = 1.25;
export const SUITE_SLO_BOUND = 3;

export interface TargetCheck {
  trace: string;
  met: Record<TargetName, boolean>;
  /** Why each missed target was missed, in words and numbers. */
  misses: string[];
  detail: string;
}

const row = (b: TraceBenchmark, p: RowName) => b.rows.find((r) => r.policy === p)!;

export function checkTargets(b: TraceBenchmark): TargetCheck {
  const adaptive = row(b, 'adaptive');
  const oracle = row(b, 'oracle');
  const peers = PEERS.map((p) => row(b, p));
  const better = peers.filter((r) => r.sloMinutes < adaptive.sloMinutes);
  const dominators = peers.filter((r) => r.sloMinutes <= adaptive.sloMinutes && r.cost <= adaptive.cost
    && (r.sloMinutes < adaptive.sloMinutes || r.cost < adaptive.cost));
  const restartBound = 1.5 * oracle.restarts + 2;
  const met: Record<TargetName, boolean> = {
    fewestSlo: better.length === 0,
    oracleCost: adaptive.costVsOracle <= ORACLE_COST_BOUND,
    undominated: dominators.length === 0,
    restarts: adaptive.restarts <= restartBound,
  };
  const misses: string[] = [];
  if (!met.fewestSlo) misses.push(`SLO: adaptive ${adaptive.sloMinutes} min > ${better.map((r) => `${r.policy} ${r.sloMinutes}`).join(', ')}`);
  if (!met.oracleCost) misses.push(`cost: adaptive $${adaptive.cost.toFixed(2)} = ${adaptive.costVsOracle.toFixed(2)}× oracle $${oracle.cost.toFixed(2)}`);
  if (!met.undominated) misses.push(`dominated by ${dominators.map((r) => `${r.policy} (${r.sloMinutes} min, $${r.cost.toFixed(2)})`).join(', ')} vs adaptive ${adaptive.sloMinutes} min, $${adaptive.cost.toFixed(2)}`);
  if (!met.restarts) misses.push(`restarts: adaptive ${adaptive.restarts} > ${restartBound} (oracle ${oracle.restarts})`);
  return {
    trace: b.trace,
    met,
    misses,
    detail: `adaptive ${adaptive.sloMinutes} SLO min, $${adaptive.cost.toFixed(3)} (${adaptive.costVsOracle.toFixed(2)}× oracle), ${adaptive.restarts} restarts; `
      + [...peers, oracle].map((r) => `${r.policy} ${r.sloMinutes} min $${r.cost.toFixed(3)} ${r.restarts} restarts`).join(', '),
  };
}

export interface SuiteCheck {
  traces: number;
  adaptiveSloMinutes: number;
  oracleSloMinutes: number;
  /** adaptive's total SLO minutes ≤ 3 × the oracle's. */
  met: boolean;
  /** Share of traces meeting each target, and all four at once. */
  share: Record<TargetName | 'all', number>;
}

export function checkSuite(results: TraceBenchmark[], checks: TargetCheck[] = results.map(checkTargets)): SuiteCheck {
  const adaptiveSloMinutes = results.reduce((a, b) => a + row(b, 'adaptive').sloMinutes, 0);
  const oracleSloMinutes = results.reduce((a, b) => a + row(b, 'oracle').sloMinutes, 0);
  const n = Math.max(1, checks.length);
  const share = Object.fromEntries((Object.keys(TARGETS) as TargetName[]).map((t) => [t, checks.filter((c) => c.met[t]).length / n])) as Record<TargetName, number>;
  return {
    traces: results.length,
    adaptiveSloMinutes,
    oracleSloMinutes,
    met: adaptiveSloMinutes <= SUITE_SLO_BOUND * oracleSloMinutes,
    share: { ...share, all: checks.filter((c) => Object.values(c.met).every(Boolean)).length / n },
  };
}
