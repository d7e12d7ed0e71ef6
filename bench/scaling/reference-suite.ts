/**
 * One generated trace measured for the causal reference (./reference-controller.ts): the
 * peers, adaptive and the oracle once (benchmarkTrace, as bench:scaling runs them), then
 * the reference at every setting of a grid, each judged by the SAME target check as
 * adaptive (checkTargets with the reference's row in adaptive's place).
 */
import { benchmarkTrace, checkTargets, type PolicyRow, type TargetName } from './benchmark.js';
import { generateTrace } from './generate.js';
import { inAdaptivesPlace } from './generated-run.js';
import { REFERENCE_DEFAULTS, referenceController, type ReferenceParams } from './reference-controller.js';
import { policies } from '../../scaling/index.js';
import { policyController, type Controller, type SimOptions } from './sim/simulate.js';
import type { Trace } from './sim/trace.js';

export interface Setting {
  label: string;
  params: ReferenceParams;
}

/** The sweep: stream headroom (and two hard floors), Flink headroom, two hold pairs. */
export function referenceGrid(maxShards: number): Setting[] {
  const stream: Array<[string, Partial<ReferenceParams>]> = [
    ...[0.1, 0.3, 0.6, 1, 2].map((h): [string, Partial<ReferenceParams>] => [`h_s ${h}`, { streamHeadroom: h }]),
    [`floor ${maxShards / 4}`, { streamHeadroom: 0.3, shardFloor: maxShards / 4 }],
    [`floor ${maxShards / 2}`, { streamHeadroom: 0.3, shardFloor: maxShards / 2 }],
  ];
  const holds: Array<[string, Partial<ReferenceParams>]> = [
    ['hold 30/10 min', { streamHoldSeconds: 1800, flinkHoldSeconds: 600 }],
    ['hold 2 h/30 min', { streamHoldSeconds: 7200, flinkHoldSeconds: 1800 }],
  ];
  return stream.flatMap(([s, sp]) => [0.1, 0.3, 0.6].flatMap((hf) => holds.map(([h, hp]) => ({
    label: `${s}, h_f ${hf}, ${h}`,
    params: { ...REFERENCE_DEFAULTS, ...sp, flinkHeadroom: hf, ...hp },
  }))));
}

/**
 * adaptive's own insurance knobs, for the same hindsight question (is there a setting that meets all four on this
 * trace?): the shard sizing and scale-in utilisations and Flink's target utilisation. The defaults are the first.
 */
export const ADAPTIVE_VARIANTS: Array<{ label: string; parameters: Record<string, number> }> = [0.9, 0.6].flatMap((shardTarget) =>
  [0.65, 0.4].flatMap((shardIn) => [0.9, 0.75].map((flinkTarget) => ({
    label: `shardTarget ${shardTarget}, shardScaleIn ${shardIn}, flinkTarget ${flinkTarget}`,
    parameters: { shardTargetUtilization: shardTarget, shardScaleInUtilization: shardIn, flinkTargetUtilization: flinkTarget },
  }))));

/**
 * The sensing-delay ablation: one setting of the grid seen `delays` seconds late, to tell what
 * present knowledge is worth (a policy reading CloudWatch sees a period 1–3 minutes late).
 */
export function delayGrid(maxShards: number, label: string, delays: number[]): Setting[] {
  const base = gridSetting(maxShards, label);
  return delays.map((d) => ({ label: `${label}, seen ${d} s late`, params: { ...base.params, sensingDelaySeconds: d } }));
}

/**
 * The forecast ablation (not causal): settings of the grid given an exact forecast of the next `lookaheads` seconds,
 * to tell what a forecast could be worth against the targets (0: the causal setting itself).
 */
export function lookaheadGrid(maxShards: number, labels: string[], lookaheads: number[]): Setting[] {
  return labels.flatMap((label) => {
    const base = gridSetting(maxShards, label);
    return lookaheads.map((l) => ({ label: `${label}, forecast ${l} s`, params: { ...base.params, lookaheadSeconds: l } }));
  });
}

/** The grid's setting of that label (an ablation starts from one), or an error naming it. */
function gridSetting(maxShards: number, label: string): Setting {
  const base = referenceGrid(maxShards).find((s) => s.label === label);
  if (!base) throw new Error(`no grid setting '${label}'`);
  return base;
}

export interface SettingResult {
  sloMinutes: number;
  cost: number;
  costVsOracle: number;
  restarts: number;
  shardUpdates: number;
  met: Record<TargetName, boolean>;
}

export interface ReferenceTrace {
  seed: number;
  family: string;
  description: string;
  /** The peers', adaptive's and the oracle's rows (bench:scaling's). */
  rows: PolicyRow[];
  adaptiveMet: Record<TargetName, boolean>;
  /** Per grid setting, in the grid's order. */
  settings: SettingResult[];
  /** adaptive per ADAPTIVE_VARIANTS (the first: the defaults, = its row in `rows`); empty unless asked for. */
  adaptiveVariants: SettingResult[];
}

/** The reference's row on `trace` at `params`, checked against the peers and oracle of `rows`. */
export function runReference(trace: Trace, options: SimOptions, rows: PolicyRow[], params: ReferenceParams): SettingResult {
  return judge(trace, options, rows, referenceController(trace, options, params));
}

/** Runs `controller` on `trace` and checks it against the peers and oracle of `rows`, in adaptive's place. */
function judge(trace: Trace, options: SimOptions, rows: PolicyRow[], controller: Controller): SettingResult {
  const { benchmark, check } = inAdaptivesPlace(trace, options, rows, controller);
  const run = benchmark.rows.find((r) => r.policy === 'adaptive')!;
  return { sloMinutes: run.sloMinutes, cost: run.cost, costVsOracle: run.costVsOracle, restarts: run.restarts, shardUpdates: run.shardUpdates, met: check.met };
}

export function referenceSeed(seed: number, options: SimOptions, grid: Setting[], adaptiveVariants = false): ReferenceTrace {
  const trace = generateTrace(seed);
  const b = benchmarkTrace(trace, options, ['article-step', 'aws-cpu', 'ds2', 'adaptive']);
  return {
    seed,
    family: trace.family,
    description: trace.description,
    rows: b.rows,
    adaptiveMet: checkTargets(b).met,
    settings: grid.map((s) => runReference(trace, options, b.rows, s.params)),
    adaptiveVariants: adaptiveVariants
      ? ADAPTIVE_VARIANTS.map((v) => {
        const o = { ...options, config: { ...options.config, parameters: { ...options.config.parameters, ...v.parameters } } };
        return judge(trace, o, b.rows, policyController(policies.adaptive, o));
      })
      : [],
  };
}
