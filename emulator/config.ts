/**
 * Every knob of the emulator, with three profiles: `demo` (delays of seconds, so a person
 * can watch states change), `test` (near-zero delays, so suites stay fast) and `aws`
 * (CloudWatch's standard resolution and publication delay for the `AWS/` namespaces, KPUs
 * published hourly, per-API rate limits and account quotas as AWS documents them — see
 * emulator/README.md). Timing is configuration: the state transitions are real in every
 * profile, only their length differs.
 */
import { AWS_API_RATES, type ApiRateTable } from './core/apiRates.js';

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
  /**
   * Open shards all streams of the account may have in one region (AWS: 20,000 in us-east-1,
   * us-west-2 and eu-west-1, 1,000 elsewhere by default); null: no account quota.
   */
  shardsPerAccount: number | null;
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
  /** Applications per account and region (AWS: 100); null: no quota. */
  maxApplications: number | null;
  /**
   * How often `KPUs` is published: 0 on every job tick (fast profiles); AWS publishes it
   * hourly, so the `aws` profile uses 3,600,000 and control planes must not read capacity from it.
   */
  kpusPublishIntervalMs: number;
}

export interface CloudWatchOptions {
  retentionMs: number;
  /**
   * Resolution, in seconds, at which metrics of the `AWS/` namespaces are readable: 1 in the
   * fast profiles, 60 (standard resolution) on AWS. A shorter requested period returns one
   * datapoint per stored minute, as CloudWatch does.
   */
  awsNamespaceResolutionSec: number;
  /**
   * How long after a resolution interval closes its `AWS/` datapoints become readable (0 in
   * the fast profiles, about a minute on AWS); the open interval is never readable.
   */
  publicationDelayMs: number;
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
  /** Per-API request rates (control-plane throttling); off in the fast profiles. */
  apiRates: { enabled: boolean; table: ApiRateTable };
}

export type EmulatorProfile = 'demo' | 'test' | 'aws';

export const EMULATOR_PROFILES: readonly EmulatorProfile[] = ['demo', 'test', 'aws'];

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
    shardsPerAccount: null,
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
    maxApplications: null,
    kpusPublishIntervalMs: 0,
  },
  cloudwatch: { retentionMs: 3 * 3600_000, awsNamespaceResolutionSec: 1, publicationDelayMs: 0 },
  apiRates: { enabled: false, table: AWS_API_RATES },
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

/** AWS's region-dependent default shard quota (see emulator/README.md). */
export function defaultShardQuota(region: string): number {
  return ['us-east-1', 'us-west-2', 'eu-west-1'].includes(region) ? 20_000 : 1000;
}

/**
 * AWS's clocks and limits; the state-transition delays stay the demo's seconds (AWS takes
 * minutes), since what a control plane can be fooled by is metric timing and throttling.
 */
const aws: EmulatorOptions = {
  ...demo,
  kinesis: { ...demo.kinesis, shardsPerAccount: defaultShardQuota(demo.region) },
  flink: { ...demo.flink, maxApplications: 100, kpusPublishIntervalMs: 3600_000 },
  // AWS keeps minute data 15 days; 6 hours bounds memory for hundreds of pipelines.
  cloudwatch: { ...demo.cloudwatch, retentionMs: 6 * 3600_000, awsNamespaceResolutionSec: 60, publicationDelayMs: 60_000 },
  apiRates: { enabled: true, table: AWS_API_RATES },
};

const profiles: Record<EmulatorProfile, EmulatorOptions> = { demo, test, aws };

/** The profile's options with the overrides laid over them, one level deep per service. */
export function resolveEmulatorOptions(profile: EmulatorProfile, overrides: EmulatorOverrides = {}): EmulatorOptions {
  const base = profiles[profile];
  return {
    ...base,
    ...overrides,
    kinesis: { ...base.kinesis, ...overrides.kinesis },
    flink: { ...base.flink, ...overrides.flink },
    cloudwatch: { ...base.cloudwatch, ...overrides.cloudwatch },
    apiRates: { ...base.apiRates, ...overrides.apiRates },
  };
}
