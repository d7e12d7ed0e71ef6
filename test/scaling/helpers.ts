/** Builders for policy tests: plain observations and samples with explicit missing data. */
import type { Capacity, MetricsSample, Observation, PolicyConfig } from '../../scaling/types.js';
import { DEFAULT_LIMITS } from '../../model/spec.js';

export const T0 = 1_699_920_000; // midnight UTC, a multiple of 300 s like CloudWatch's aligned periods

export function sample(timestamp: number, values: Partial<MetricsSample> = {}, periodSeconds = 60): MetricsSample {
  return {
    timestamp,
    periodSeconds,
    incomingRecords: null,
    incomingBytes: null,
    writeProvisionedThroughputExceeded: null,
    iteratorAgeMs: null,
    millisBehindLatest: null,
    numRecordsInPerSecond: null,
    cpuUtilization: null,
    kpus: null,
    downtime: null,
    fullRestarts: null,
    ...values,
  };
}

export function observation(now: number, samples: MetricsSample[], capacity: Partial<Capacity> = {}, extra: Partial<Observation> = {}): Observation {
  return {
    now,
    samples,
    capacity: { shards: 8, parallelism: 1, parallelismPerKpu: 1, ...capacity },
    streamStatus: 'ACTIVE',
    applicationStatus: 'RUNNING',
    shardUpdateTimes: [],
    ...extra,
  };
}

export function config(parameters: Record<string, number> = {}, cooldownSeconds = 600): PolicyConfig {
  return { cooldownSeconds, limits: { ...DEFAULT_LIMITS }, parameters };
}
