/**
 * The contract between the scaling policies (pure), the pipeline workflow and the
 * offline simulator. Everything is plain JSON: it crosses Temporal boundaries and
 * continue-as-new. No clock here: time arrives in the observation.
 */

/** Current capacity of the pipeline. */
export interface Capacity {
  shards: number;
  parallelism: number;
  parallelismPerKpu: number;
}

export type StreamStatus = 'CREATING' | 'ACTIVE' | 'UPDATING' | 'DELETING' | 'UNKNOWN';
export type ApplicationStatus =
  | 'READY' | 'STARTING' | 'RUNNING' | 'UPDATING' | 'AUTOSCALING' | 'STOPPING' | 'FORCE_STOPPING'
  | 'ROLLING_BACK' | 'ROLLED_BACK' | 'DELETING' | 'MAINTENANCE' | 'UNKNOWN';

/**
 * One CloudWatch period's values, as read by a single GetMetricData call.
 * `null` means CloudWatch returned no datapoint for that period (missing data is
 * explicit; a policy decides whether it counts as 0).
 */
export interface MetricsSample {
  /** Epoch seconds of the period's start. */
  timestamp: number;
  periodSeconds: number;
  /** AWS/Kinesis, dimension StreamName. Sums over the period unless noted. */
  incomingRecords: number | null;
  incomingBytes: number | null;
  writeProvisionedThroughputExceeded: number | null;
  /** Maximum over the period. */
  iteratorAgeMs: number | null;
  /**
   * AWS/Kinesis `GetRecords.Records`, Sum: Kinesis records the stream's consumers (the Flink job) read.
   * Optional: samples recorded before it was read, and the offline simulator, have none.
   */
  getRecordsRecords?: number | null;
  /** AWS/KinesisAnalytics, dimension Application. Maximum over the period. */
  millisBehindLatest: number | null;
  /** Average over the period. */
  numRecordsInPerSecond: number | null;
  /** Average over the period, percent. */
  cpuUtilization: number | null;
  /** Maximum over the period. */
  kpus: number | null;
  /** Maximum over the period, ms. */
  downtime: number | null;
  /** Maximum over the period (a counter). */
  fullRestarts: number | null;
}

/** What a policy sees at one tick. */
export interface Observation {
  /** Epoch seconds at which the observation was taken. */
  now: number;
  /** Complete periods since the previous tick, oldest first (usually one; may be empty). */
  samples: MetricsSample[];
  capacity: Capacity;
  streamStatus: StreamStatus;
  applicationStatus: ApplicationStatus;
  /** Epoch seconds of every UpdateShardCount call in the last 24 h (the rolling quota). */
  shardUpdateTimes: number[];
}

export interface PolicyLimits {
  minShards: number;
  maxShards: number;
  minParallelism: number;
  maxParallelism: number;
  maxKpus: number;
}

export interface PolicyConfig {
  cooldownSeconds: number;
  limits: PolicyLimits;
  /** Policy-specific numbers (validated by the policy's `validateParameters`). */
  parameters: Record<string, number>;
}

export interface ScalingTarget {
  shards?: number;
  parallelism?: number;
}

export interface Decision {
  /** `none`: keep capacity. `scale`: apply `target` (only the fields that change). */
  kind: 'none' | 'scale';
  target: ScalingTarget;
  /**
   * Reasons in words and numbers, e.g.
   * "IncomingRecords 61,200/min > 48,000 = 80 % of 1 shard".
   */
  reasons: string[];
}

/** Plain JSON policy state (cooldowns, consecutive-period counters, learned rates). */
export type PolicyState = Record<string, unknown>;

export interface DecideResult<S extends PolicyState = PolicyState> {
  decision: Decision;
  nextState: S;
}

export interface ActionOutcome {
  /** Epoch seconds when the action finished (settled or rolled back). */
  at: number;
  target: ScalingTarget;
  result: 'applied' | 'rolled-back' | 'failed';
}

export interface ScalingPolicy<S extends PolicyState = PolicyState> {
  name: string;
  /** Human-readable one-liner for docs and the API. */
  description: string;
  /** Parameter names with defaults; unknown names are rejected by `validateParameters`. */
  defaultParameters: Record<string, number>;
  /** Returns `[parameter, rule]` pairs; empty when valid. */
  validateParameters(parameters: Record<string, number>): Array<[string, string]>;
  initialState(config: PolicyConfig): S;
  decide(state: S, observation: Observation, config: PolicyConfig): DecideResult<S>;
  /**
   * Told what happened to the action it asked for (or an override), so cooldowns and
   * learned rates stay right. Pure: returns the new state.
   */
  onActionOutcome(state: S, outcome: ActionOutcome, config: PolicyConfig): S;
  /**
   * A person (or an applied KPU calibration) set these parameters: what the policy learned
   * from them starts again from the new values, which become its prior. Pure; absent: nothing learned.
   */
  reseed?(state: S, changed: string[], config: PolicyConfig): S;
  /** What the policy has learned, by parameter name (null: not yet), shown next to the parameters in the status. */
  learned?(state: S): Record<string, number | null>;
}

/** AWS UpdateShardCount quota: at most this many calls per stream per rolling 24 h. */
export const SHARD_UPDATES_PER_DAY = 10;
export const DAY_SECONDS = 86_400;
