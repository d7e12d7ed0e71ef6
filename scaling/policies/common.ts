/**
 * Helpers shared by every policy: AWS constraints as inputs (the UpdateShardCount
 * quota and 2×/½ rule, KPU maximum, bounds), parameter validation, and number
 * formatting for reasons. Pure: no clock, no I/O.
 */
import {
  DAY_SECONDS,
  SHARD_UPDATES_PER_DAY,
  type Capacity,
  type MetricsSample,
  type Observation,
  type PolicyConfig,
  type PolicyLimits,
} from '../types.js';

/** The article's calibrated throughput of one parallelism unit (records/s). */
export const ARTICLE_RECORDS_PER_PARALLELISM = 4400;
/** Kinesis write limits per shard. */
export const SHARD_RECORDS_PER_SECOND = 1000;
export const SHARD_BYTES_PER_SECOND = 1_000_000;

export type ParameterRule = { min: number; max: number; integer?: boolean };

/** Rejects unknown names and values outside `[min, max]` (or non-integers where required). */
export function validateAgainst(
  rules: Record<string, ParameterRule>,
  parameters: Record<string, number>,
): Array<[string, string]> {
  const errors: Array<[string, string]> = [];
  for (const [name, value] of Object.entries(parameters)) {
    const rule = rules[name];
    if (!rule) {
      errors.push([name, `unknown parameter; known: ${Object.keys(rules).join(', ') || 'none'}`]);
      continue;
    }
    if (typeof value !== 'number' || !Number.isFinite(value)) errors.push([name, 'must be a finite number']);
    else if (value < rule.min || value > rule.max) errors.push([name, `must be between ${rule.min} and ${rule.max}`]);
    else if (rule.integer && !Number.isInteger(value)) errors.push([name, 'must be an integer']);
  }
  return errors;
}

/** Defaults overlaid with the configured values (validated elsewhere). */
export function parametersOf<K extends string>(defaults: Record<K, number>, config: PolicyConfig): Record<K, number> {
  const merged = { ...defaults };
  for (const key of Object.keys(defaults) as K[]) {
    const value = config.parameters[key];
    if (typeof value === 'number' && Number.isFinite(value)) merged[key] = value;
  }
  return merged;
}

/** "61,200" — thousands separators without Intl, so workflow replays never depend on ICU data. */
export function fmt(value: number, decimals = 0): string {
  const fixed = Math.abs(value).toFixed(decimals);
  const [whole = '0', frac] = fixed.split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${value < 0 ? '-' : ''}${grouped}${frac ? `.${frac}` : ''}`;
}

export function plural(n: number, word: string): string {
  return `${fmt(n)} ${word}${n === 1 ? '' : 's'}`;
}

export function kpus(parallelism: number, parallelismPerKpu: number): number {
  return Math.ceil(parallelism / parallelismPerKpu) + 1;
}

/** UpdateShardCount calls inside the rolling 24 h window ending at `now`. */
export function shardUpdatesInWindow(observation: Observation): number {
  return observation.shardUpdateTimes.filter((t) => t > observation.now - DAY_SECONDS).length;
}

export function remainingShardUpdates(observation: Observation): number {
  return Math.max(0, SHARD_UPDATES_PER_DAY - shardUpdatesInWindow(observation));
}

/**
 * The shard counts one UpdateShardCount call may reach: at most 2×, at least ½ (rounded
 * up), within bounds. When the stream is outside the bounds (an override, or bounds
 * lowered since), the range is the one AWS-legal step towards them: never an illegal
 * jump straight to the bound, which AWS would refuse.
 */
export function shardRange(current: number, limits: PolicyLimits): { min: number; max: number } {
  const legalMin = Math.ceil(current / 2);
  const legalMax = current * 2;
  if (current > limits.maxShards) {
    const step = Math.max(limits.maxShards, legalMin);
    return { min: step, max: step };
  }
  if (current < limits.minShards) {
    const step = Math.min(limits.minShards, legalMax);
    return { min: step, max: step };
  }
  return { min: Math.max(limits.minShards, legalMin), max: Math.min(limits.maxShards, legalMax) };
}

/** Where the capacity is outside the configured bounds, in words; null when within. */
export function outOfBounds(capacity: Capacity, limits: PolicyLimits): string | null {
  const out: string[] = [];
  if (capacity.shards > limits.maxShards) out.push(`${capacity.shards} shards > maxShards ${limits.maxShards}`);
  if (capacity.shards < limits.minShards) out.push(`${capacity.shards} shards < minShards ${limits.minShards}`);
  const maxP = maxParallelismFor(limits, capacity.parallelismPerKpu);
  if (capacity.parallelism > maxP) out.push(`parallelism ${capacity.parallelism} > ${maxP} (maxParallelism / maxKpus)`);
  if (capacity.parallelism < limits.minParallelism) out.push(`parallelism ${capacity.parallelism} < minParallelism ${limits.minParallelism}`);
  return out.length ? out.join(', ') : null;
}

/** Highest parallelism allowed by the bounds and the KPU maximum (one KPU is the orchestration KPU). */
export function maxParallelismFor(limits: PolicyLimits, parallelismPerKpu: number): number {
  return Math.max(1, Math.min(limits.maxParallelism, (limits.maxKpus - 1) * parallelismPerKpu));
}

/**
 * Why the stream may not be resharded now, or null when it may. Checks the stream
 * status and the 10-per-24 h quota (`reserve` calls are kept back for later use).
 */
export function shardChangeBlocker(observation: Observation, reserve = 0): string | null {
  if (observation.streamStatus !== 'ACTIVE') return `stream is ${observation.streamStatus}, not ACTIVE`;
  const used = shardUpdatesInWindow(observation);
  if (used >= SHARD_UPDATES_PER_DAY) return `UpdateShardCount quota used up (${used} of ${SHARD_UPDATES_PER_DAY} in 24 h)`;
  if (SHARD_UPDATES_PER_DAY - used <= reserve) {
    return `only ${SHARD_UPDATES_PER_DAY - used} UpdateShardCount calls left in 24 h, kept in reserve`;
  }
  return null;
}

/** Why Flink may not be changed now, or null when it may. */
export function flinkChangeBlocker(observation: Observation): string | null {
  if (observation.applicationStatus !== 'RUNNING') return `application is ${observation.applicationStatus}, not RUNNING`;
  if (observation.streamStatus === 'UPDATING') return 'stream is UPDATING (resharding); Flink waits';
  return null;
}

/** Records per second in one sample, or null when CloudWatch had no datapoint. */
export function incomingRate(sample: MetricsSample): number | null {
  return sample.incomingRecords === null ? null : sample.incomingRecords / sample.periodSeconds;
}

/** Samples newer than the last one the policy saw (the workflow may re-send a period after a restart). */
export function newSamples(samples: MetricsSample[], lastSeen: number | null): MetricsSample[] {
  return samples.filter((s) => lastSeen === null || s.timestamp > lastSeen);
}

export function capacityText(capacity: Capacity): string {
  return `${plural(capacity.shards, 'shard')}, parallelism ${capacity.parallelism}`;
}
