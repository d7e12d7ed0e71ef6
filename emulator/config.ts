/**
 * Every knob of the emulator, with two profiles: `demo` (delays of seconds, so a person
 * can watch states change) and `test` (near-zero delays, so suites stay fast). Timing is
 * configuration: the state transitions are real in both profiles, only their length differs.
 */

export interface KinesisOptions {
  createStreamMs: number;
  deleteStreamMs: number;
  updateShardCountMs: number;
  /** How long Increase/DecreaseStreamRetentionPeriod keep the stream UPDATING. */
  updateRetentionPeriodMs: number;
  /** Per-shard throughput limits; off for pure functional tests and the ingest benchmark. */
  limitsEnabled: boolean;
  writeRecordsPerSecond: number;
  writeBytesPerSecond: number;
  readCallsPerSecond: number;
  readBytesPerSecond: number;
  /** Default RetentionPeriodHours of a new stream. */
  retentionHours: number;
  /** Oldest records are trimmed once all streams together hold more than this many bytes. */
  memoryCapBytes: number;
  iteratorTtlMs: number;
  /** UpdateShardCount calls allowed per stream per rolling 24 hours. */
  updateShardCountPerDay: number;
  /** Shards one stream may have open (AWS's default per-stream quota is 10,000 via request). */
  maxShardsPerStream: number;
}

export interface FlinkOptions {
  createApplicationMs: number;
  startApplicationMs: number;
  updateApplicationMs: number;
  stopApplicationMs: number;
  forceStopApplicationMs: number;
  rollbackApplicationMs: number;
  deleteApplicationMs: number;
  /** Throughput of one source subtask of the simulated taxi job. */
  recordsPerSecondPerSubtask: number;
  maxKpus: number;
  /** How often the simulated job processes records and publishes its metrics. */
  jobTickMs: number;
}

export interface CloudWatchOptions {
  retentionMs: number;
}

export interface EmulatorOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  accountId: string;
  /** Region used when a request carries no SigV4 credential scope. */
  region: string;
  /** Entries kept in the admin call log (oldest dropped first). */
  callLogLimit: number;
  /** Largest request body accepted (PutRecords may carry 5 MiB of data, base64-encoded). */
  maxBodyBytes: number;
  kinesis: KinesisOptions;
  flink: FlinkOptions;
  cloudwatch: CloudWatchOptions;
}

export type EmulatorProfile = 'demo' | 'test';

export type EmulatorOverrides = {
  [K in keyof EmulatorOptions]?: EmulatorOptions[K] extends object ? Partial<EmulatorOptions[K]> : EmulatorOptions[K];
};

const MiB = 1024 * 1024;

const demo: EmulatorOptions = {
  host: '127.0.0.1',
  port: 4566,
  accountId: '000000000000',
  region: 'us-east-1',
  callLogLimit: 5000,
  maxBodyBytes: 16 * MiB,
  kinesis: {
    createStreamMs: 3000,
    deleteStreamMs: 2000,
    updateShardCountMs: 8000,
    updateRetentionPeriodMs: 2000,
    limitsEnabled: true,
    writeRecordsPerSecond: 1000,
    writeBytesPerSecond: MiB,
    readCallsPerSecond: 5,
    readBytesPerSecond: 2 * MiB,
    retentionHours: 24,
    memoryCapBytes: 1024 * MiB,
    iteratorTtlMs: 5 * 60_000,
    updateShardCountPerDay: 10,
    maxShardsPerStream: 10_000,
  },
  flink: {
    createApplicationMs: 0,
    startApplicationMs: 8000,
    updateApplicationMs: 10_000,
    stopApplicationMs: 5000,
    forceStopApplicationMs: 1000,
    rollbackApplicationMs: 8000,
    deleteApplicationMs: 2000,
    recordsPerSecondPerSubtask: 4400,
    maxKpus: 64,
    jobTickMs: 1000,
  },
  cloudwatch: { retentionMs: 3 * 3600_000 },
};

const test: EmulatorOptions = {
  ...demo,
  port: 0,
  callLogLimit: 2000,
  kinesis: {
    ...demo.kinesis,
    createStreamMs: 20,
    deleteStreamMs: 20,
    updateShardCountMs: 30,
    updateRetentionPeriodMs: 20,
    limitsEnabled: false,
    memoryCapBytes: 256 * MiB,
  },
  flink: {
    ...demo.flink,
    startApplicationMs: 50,
    updateApplicationMs: 100,
    stopApplicationMs: 30,
    forceStopApplicationMs: 10,
    rollbackApplicationMs: 50,
    deleteApplicationMs: 20,
    jobTickMs: 100,
  },
};

const profiles: Record<EmulatorProfile, EmulatorOptions> = { demo, test };

/** The profile's options with the overrides laid over them, one level deep per service. */
export function resolveEmulatorOptions(profile: EmulatorProfile, overrides: EmulatorOverrides = {}): EmulatorOptions {
  const base = profiles[profile];
  return {
    ...base,
    ...overrides,
    kinesis: { ...base.kinesis, ...overrides.kinesis },
    flink: { ...base.flink, ...overrides.flink },
    cloudwatch: { ...base.cloudwatch, ...overrides.cloudwatch },
  };
}
