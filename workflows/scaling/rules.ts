/**
 * AWS's scaling constraints and the validation of manual requests, as pure functions:
 * the update validators, the action saga and the tests all ask the same questions.
 */
import { kpusFor, POLICY_NAMES, type PolicyName } from '../../model/spec.js';
import type { AutoscalingSettings, PipelinePhase } from '../../model/status.js';
import type { AutoscalingChange, ScaleOverrideRequest } from '../contract.js';
import { SHARD_UPDATES_PER_DAY, type Capacity, type ScalingPolicy, type ScalingTarget } from '../../scaling/types.js';

export const MAX_SHARDS = 10_000;
export const MAX_PARALLELISM = 256;

const isWholeNumber = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n);

/** UpdateShardCount's 2×/½ rule, in the words a person needs to fix the request. */
export function shardStepViolation(openShards: number, target: number): string | null {
  if (target > openShards * 2) {
    return `${target} shards is more than 2× the ${openShards} open shards (UpdateShardCount allows at most ${openShards * 2})`;
  }
  const minimum = Math.ceil(openShards / 2);
  if (target < minimum) {
    return `${target} shards is less than ½ of the ${openShards} open shards (UpdateShardCount allows at least ${minimum})`;
  }
  return null;
}

export function quotaViolation(shardUpdateTimes: number[]): string | null {
  if (shardUpdateTimes.length < SHARD_UPDATES_PER_DAY) return null;
  const oldest = Math.min(...shardUpdateTimes);
  const nextAt = new Date((oldest + 86_400) * 1000).toISOString();
  return `the UpdateShardCount quota is used up (${shardUpdateTimes.length} of ${SHARD_UPDATES_PER_DAY} calls in the last 24 h); ` +
    `the next call is possible at ${nextAt}`;
}

export function kpuViolation(parallelism: number, parallelismPerKpu: number, maxKpus: number): string | null {
  const kpus = kpusFor(parallelism, parallelismPerKpu);
  return kpus > maxKpus
    ? `parallelism ${parallelism} needs ${kpus} KPUs (ParallelismPerKPU ${parallelismPerKpu}), above the maximum of ${maxKpus}`
    : null;
}

export interface OverrideContext {
  phase: PipelinePhase;
  capacity: Capacity | null;
  actionInFlight: boolean;
  maxKpus: number;
}

/** Why a manual scale request cannot be accepted now, or null when it can. */
export function overrideViolation(req: ScaleOverrideRequest, ctx: OverrideContext): string | null {
  if (req.shards === undefined && req.parallelism === undefined && req.parallelismPerKpu === undefined) {
    return 'give a target shard count, a parallelism, a ParallelismPerKPU, or several';
  }
  if (req.shards !== undefined && (!isWholeNumber(req.shards) || req.shards < 1 || req.shards > MAX_SHARDS)) {
    return `shards must be a whole number from 1 to ${MAX_SHARDS}`;
  }
  if (req.parallelism !== undefined && (!isWholeNumber(req.parallelism) || req.parallelism < 1 || req.parallelism > MAX_PARALLELISM)) {
    return `parallelism must be a whole number from 1 to ${MAX_PARALLELISM}`;
  }
  if (req.parallelismPerKpu !== undefined && (!isWholeNumber(req.parallelismPerKpu) || req.parallelismPerKpu < 1 || req.parallelismPerKpu > 8)) {
    return 'parallelismPerKpu must be a whole number from 1 to 8';
  }
  if (ctx.phase !== 'RUNNING') return `the pipeline is ${ctx.phase}; scaling overrides are accepted only while it is RUNNING`;
  if (ctx.actionInFlight) return 'a scaling action is already under way; try again when it has finished';
  const capacity = ctx.capacity;
  if (capacity === null) return 'the current capacity is not known yet; try again in a few seconds';
  const shardsChange = req.shards !== undefined && req.shards !== capacity.shards;
  const parallelismChange = req.parallelism !== undefined && req.parallelism !== capacity.parallelism;
  const perKpuChange = req.parallelismPerKpu !== undefined && req.parallelismPerKpu !== capacity.parallelismPerKpu;
  if (!shardsChange && !parallelismChange && !perKpuChange) {
    return `the pipeline already has ${capacity.shards} shards and parallelism ${capacity.parallelism}` +
      (req.parallelismPerKpu === undefined ? '' : ` with ParallelismPerKPU ${capacity.parallelismPerKpu}`);
  }
  if (shardsChange && req.shards !== undefined) {
    // Not the 24-hour UpdateShardCount quota: past it the action reshards with SplitShard/MergeShards
    // (PATCHES.reshardPastQuota); only the policies keep within it.
    const step = shardStepViolation(capacity.shards, req.shards);
    if (step !== null) return step;
  }
  if (parallelismChange || perKpuChange) {
    const kpus = kpuViolation(req.parallelism ?? capacity.parallelism, req.parallelismPerKpu ?? capacity.parallelismPerKpu, ctx.maxKpus);
    if (kpus !== null) return kpus;
  }
  return null;
}

/** Only the fields that differ from the current capacity. */
export function changingPart(target: ScalingTarget, capacity: Capacity): ScalingTarget {
  const out: ScalingTarget = {};
  if (target.shards !== undefined && target.shards !== capacity.shards) out.shards = target.shards;
  if (target.parallelism !== undefined && target.parallelism !== capacity.parallelism) out.parallelism = target.parallelism;
  return out;
}

/** Why a policy's target breaks the configured bounds, or null. The policy should never ask; the workflow checks anyway. */
export function boundsViolation(target: ScalingTarget, settings: AutoscalingSettings): string | null {
  const l = settings.limits;
  if (target.shards !== undefined && (target.shards < l.minShards || target.shards > l.maxShards)) {
    return `${target.shards} shards is outside the bounds ${l.minShards}…${l.maxShards}`;
  }
  if (target.parallelism !== undefined && (target.parallelism < l.minParallelism || target.parallelism > l.maxParallelism)) {
    return `parallelism ${target.parallelism} is outside the bounds ${l.minParallelism}…${l.maxParallelism}`;
  }
  return null;
}

export type PolicyResolver = (name: PolicyName) => ScalingPolicy | undefined;

/** The per-unit rate every rate-based policy reads: a fact about the job (e.g. a KPU calibration's), not about one policy. */
export const UNIT_RATE_PARAMETER = 'recordsPerSecondPerParallelism';

/**
 * Applies a change to the settings, or explains every problem with it. With `carryUnitRate`, a
 * policy switch keeps the per-unit rate in force when the new policy reads one.
 */
export function applyAutoscalingChange(
  current: AutoscalingSettings,
  change: AutoscalingChange,
  resolvePolicy: PolicyResolver,
  options: { carryUnitRate?: boolean } = {},
): { settings: AutoscalingSettings; problems: string[] } {
  const problems: string[] = [];
  const policyName = change.policy ?? current.policy;
  if (!(POLICY_NAMES as readonly string[]).includes(policyName)) problems.push(`policy must be one of ${POLICY_NAMES.join(', ')}`);
  const policy = problems.length === 0 ? resolvePolicy(policyName) : undefined;
  if (problems.length === 0 && policy === undefined) problems.push(`policy ${policyName} is not available in this version`);
  if (change.paused !== undefined && typeof change.paused !== 'boolean') problems.push('paused must be true or false');
  if (change.intervalSeconds !== undefined && (!isWholeNumber(change.intervalSeconds) || change.intervalSeconds < 1 || change.intervalSeconds > 3600)) {
    problems.push('intervalSeconds must be a whole number from 1 to 3600');
  }
  if (change.cooldownSeconds !== undefined && (!isWholeNumber(change.cooldownSeconds) || change.cooldownSeconds < 0 || change.cooldownSeconds > 86_400)) {
    problems.push('cooldownSeconds must be a whole number from 0 to 86400');
  }
  const limits = { ...current.limits, ...(change.limits ?? {}) };
  const ranges: Array<[keyof typeof limits, number, number]> = [
    ['minShards', 1, MAX_SHARDS], ['maxShards', 1, MAX_SHARDS],
    ['minParallelism', 1, MAX_PARALLELISM], ['maxParallelism', 1, MAX_PARALLELISM], ['maxKpus', 2, 1000],
  ];
  for (const [name, min, max] of ranges) {
    const value = limits[name];
    if (!isWholeNumber(value) || value < min || value > max) problems.push(`limits.${name} must be a whole number from ${min} to ${max}`);
  }
  if (limits.minShards > limits.maxShards) problems.push('limits.minShards must not exceed limits.maxShards');
  if (limits.minParallelism > limits.maxParallelism) problems.push('limits.minParallelism must not exceed limits.maxParallelism');
  // A new policy starts from its own defaults; the same policy keeps its current numbers.
  const switching = change.policy !== undefined && change.policy !== current.policy;
  const base = switching ? (policy?.defaultParameters ?? {}) : current.parameters;
  const rate = current.parameters[UNIT_RATE_PARAMETER];
  const carried: Record<string, number> = options.carryUnitRate === true && switching && rate !== undefined && UNIT_RATE_PARAMETER in base ? { [UNIT_RATE_PARAMETER]: rate } : {};
  const parameters = { ...base, ...carried, ...(change.parameters ?? {}) };
  if (policy !== undefined) {
    for (const [name, rule] of policy.validateParameters(parameters)) problems.push(`parameters.${name} ${rule}`);
  }
  return {
    settings: {
      ...current,
      policy: policyName,
      paused: change.paused ?? current.paused,
      intervalSeconds: change.intervalSeconds ?? current.intervalSeconds,
      cooldownSeconds: change.cooldownSeconds ?? current.cooldownSeconds,
      limits,
      parameters,
    },
    problems,
  };
}
