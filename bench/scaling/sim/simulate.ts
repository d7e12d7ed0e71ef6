/**
 * Runs a scaling policy — the real code from scaling/ — against a trace in virtual
 * time, the way the pipeline workflow drives it: a tick every `intervalSeconds` with
 * the periods CloudWatch has published since the last tick; at most one action at a
 * time (stream first when growing, Flink first when shrinking, as the workflow's saga
 * does); the action settles, is verified for `verifySeconds`, and the policy hears the
 * outcome. Requests AWS would refuse (beyond 2×/½, over the quota, above the KPU
 * maximum) fail like AWS fails them.
 */
import { DAY_SECONDS, SHARD_UPDATES_PER_DAY, type Decision, type Observation, type PolicyConfig, type ScalingPolicy, type ScalingTarget } from '../../../scaling/types.js';
import { CloudWatchRecorder } from './cloudwatch.js';
import { PlatformModel, type Capacity, type ModelOptions, type SecondStats } from './model.js';
import { rowAtSecond, type Trace } from './trace.js';
import { Tally, type Prices, type RunResult } from './tally.js';

export interface SimOptions extends ModelOptions {
  initial: Capacity;
  config: PolicyConfig;
  /** The rate a trace row without a true rate uses (the policy's configured value). */
  configuredUnitRate: number;
  intervalSeconds: number;
  periodSeconds: number;
  reportingDelaySeconds: number;
  /** The workflow's health verification after an action settles. */
  verifySeconds: number;
  sloSeconds: number;
  startEpoch: number;
  prices: Prices;
}

export const DEFAULT_SIM_OPTIONS: SimOptions = {
  reshardSeconds: 180,
  restartSeconds: 45,
  initial: { shards: 8, parallelism: 1, parallelismPerKpu: 1 },
  config: { cooldownSeconds: 600, limits: { minShards: 1, maxShards: 16, minParallelism: 1, maxParallelism: 32, maxKpus: 64 }, parameters: {} },
  configuredUnitRate: 4400,
  intervalSeconds: 60,
  periodSeconds: 60,
  reportingDelaySeconds: 60,
  verifySeconds: 60,
  sloSeconds: 60,
  startEpoch: 1_699_920_000,
  prices: { shardHour: 0.015, kpuHour: 0.11, onDemandStreamHour: 0.04, onDemandGbWritten: 0.08, onDemandGbRead: 0.04 },
};

type Step = { kind: 'shards' | 'parallelism'; to: number };

/** Why AWS (or the workflow's own checks) would refuse the step, or null. */
function refusal(step: Step, model: PlatformModel, second: number, options: SimOptions): string | null {
  const limits = options.config.limits;
  if (step.kind === 'shards') {
    if (step.to > model.shards * 2 || step.to < Math.ceil(model.shards / 2)) return 'beyond 2×/½';
    if (step.to < limits.minShards || step.to > limits.maxShards) return 'outside bounds';
    const used = model.shardUpdateTimes.filter((t) => t > second - DAY_SECONDS).length;
    if (used >= SHARD_UPDATES_PER_DAY) return 'UpdateShardCount quota exceeded';
    return null;
  }
  if (step.to < limits.minParallelism || step.to > limits.maxParallelism) return 'outside bounds';
  if (Math.ceil(step.to / model.parallelismPerKpu) + 1 > limits.maxKpus) return 'above the KPU maximum';
  return null;
}

function stepsFor(target: ScalingTarget, model: PlatformModel): Step[] {
  const steps: Step[] = [];
  if (target.shards !== undefined && target.shards !== model.shards) steps.push({ kind: 'shards', to: target.shards });
  if (target.parallelism !== undefined && target.parallelism !== model.parallelism) steps.push({ kind: 'parallelism', to: target.parallelism });
  if (steps.length === 2 && target.shards! < model.shards) steps.reverse();
  return steps;
}

export interface Controller {
  /** Called before every simulated second; may start actions on the model. */
  beforeSecond(second: number, model: PlatformModel, recorder: CloudWatchRecorder, tally: Tally): void;
  readonly decisions: Decision[];
}

export function policyController(policy: ScalingPolicy, options: SimOptions): Controller {
  type Action = { steps: Step[]; index: number; stepEnds: number; target: ScalingTarget; failed: boolean };
  let state = policy.initialState(options.config);
  let action: Action | null = null;
  let nextTick = 0;
  const decisions: Decision[] = [];
  const epoch = (s: number) => options.startEpoch + s;

  function startStep(a: Action, model: PlatformModel, tally: Tally, second: number): void {
    const step = a.steps[a.index]!;
    const why = refusal(step, model, second, options);
    if (why) {
      tally.rejected++;
      a.failed = true;
      a.stepEnds = second + 1;
      return;
    }
    tally.actions++;
    a.stepEnds = step.kind === 'shards' ? model.startReshard(second, step.to) : model.startRestart(second, step.to);
  }

  return {
    decisions,
    beforeSecond(second, model, recorder, tally) {
      if (action && second >= action.stepEnds) {
        if (!action.failed && action.index + 1 < action.steps.length) {
          action.index++;
          startStep(action, model, tally, second);
        } else {
          const verified = action.failed ? second : second + options.verifySeconds;
          state = policy.onActionOutcome(state, { at: epoch(verified), target: action.target, result: action.failed ? 'failed' : 'applied' }, options.config);
          nextTick = Math.ceil(verified / options.intervalSeconds) * options.intervalSeconds;
          action = null;
        }
      }
      if (action || second < nextTick) return;
      nextTick = second + options.intervalSeconds;
      const observation: Observation = {
        now: epoch(second),
        samples: recorder.take(second),
        capacity: { shards: model.shards, parallelism: model.parallelism, parallelismPerKpu: model.parallelismPerKpu },
        streamStatus: model.streamUpdating ? 'UPDATING' : 'ACTIVE',
        applicationStatus: model.restarting ? 'UPDATING' : 'RUNNING',
        shardUpdateTimes: model.shardUpdateTimes.filter((t) => t > second - DAY_SECONDS).map(epoch),
      };
      const result = policy.decide(state, observation, options.config);
      state = result.nextState;
      if (result.decision.kind !== 'scale') return;
      decisions.push(result.decision);
      const steps = stepsFor(result.decision.target, model);
      if (steps.length === 0) return;
      action = { steps, index: 0, stepEnds: second, target: result.decision.target, failed: false };
      startStep(action, model, tally, second);
    },
  };
}

/** What one simulated second looked like, for a caller that explains a run (bench/scaling/slo-causes.ts). */
export type SecondObserver = (second: number, model: PlatformModel, stats: SecondStats, input: { recordsPerSecond: number; bytesPerRecord: number; trueRatePerParallelism: number }) => void;

/** Runs `controller` over the whole trace and tallies what a person would pay and suffer. */
export function simulate(trace: Trace, controller: Controller, options: SimOptions, observe?: SecondObserver): RunResult {
  const model = new PlatformModel(options.initial, options);
  const recorder = new CloudWatchRecorder(options.startEpoch, options.periodSeconds, options.reportingDelaySeconds);
  const tally = new Tally(options);
  const rowAt = rowAtSecond(trace);
  for (let second = 0; second < trace.durationSeconds; second++) {
    controller.beforeSecond(second, model, recorder, tally);
    const row = rowAt(second);
    const input = {
      recordsPerSecond: row.recordsPerSecond,
      bytesPerRecord: row.bytesPerRecord,
      trueRatePerParallelism: row.trueRatePerParallelism ?? options.configuredUnitRate,
    };
    const stats: SecondStats = model.step(second, input);
    observe?.(second, model, stats, input);
    recorder.record(second, stats, row.bytesPerRecord, model.fullRestarts);
    tally.add(second, stats, row.recordsPerSecond, row.trueRatePerParallelism ?? options.configuredUnitRate);
  }
  return tally.result(model.fullRestarts, model.shardUpdateTimes.length, controller.decisions.length);
}
