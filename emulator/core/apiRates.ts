/**
 * Per-API request rates as AWS documents them (each number is cited in
 * emulator/README.md), and the limiter the dispatcher applies before an operation runs.
 * A rate is counted on a sliding one-second window per scope: the account (and region),
 * one stream, or one shard. Exceeding it answers with the exception that service
 * returns: Kinesis `LimitExceededException`, Managed Flink `ThrottlingException`,
 * CloudWatch `Throttling` (query code; the SDK surfaces it under that name).
 */
import { AwsError } from './errors.js';

export type RateScope = 'account' | 'stream' | 'shard';

export interface ApiRate {
  perSecond: number;
  scope: RateScope;
}

/** Target prefix → operation → rate. Operations absent here are not rate-limited. */
export type ApiRateTable = Record<string, Record<string, ApiRate>>;

const account = (perSecond: number): ApiRate => ({ perSecond, scope: 'account' });

export const AWS_API_RATES: ApiRateTable = {
  Kinesis_20131202: {
    CreateStream: account(5),
    DeleteStream: account(5),
    DescribeStream: account(10),
    DescribeStreamSummary: account(20),
    ListStreams: account(5),
    ListShards: { perSecond: 1000, scope: 'stream' },
    GetShardIterator: { perSecond: 5, scope: 'shard' },
    SplitShard: account(5),
    MergeShards: account(5),
    AddTagsToStream: account(5),
    ListTagsForStream: account(5),
    RemoveTagsFromStream: account(5),
    DescribeLimits: account(1),
  },
  // AWS publishes no per-operation rates for this API; these are the emulator's
  // assumption (emulator/README.md says so), so clients must handle ThrottlingException.
  KinesisAnalytics_20180523: {
    DescribeApplication: account(20),
    ListApplications: account(20),
    CreateApplication: account(5),
    DeleteApplication: account(5),
    StartApplication: account(5),
    StopApplication: account(5),
    UpdateApplication: account(5),
    RollbackApplication: account(5),
  },
  GraniteServiceVersion20100801: {
    GetMetricData: account(50),
    GetMetricStatistics: account(400),
    ListMetrics: account(25),
    PutMetricData: account(500),
    DescribeAlarms: account(9),
    PutMetricAlarm: account(3),
    DeleteAlarms: account(3),
  },
};

interface Subject {
  region: string;
  accountId: string;
  input: Record<string, unknown>;
}

function streamOf(input: Record<string, unknown>): string | null {
  if (typeof input.StreamName === 'string') return input.StreamName;
  if (typeof input.StreamARN === 'string') return input.StreamARN.slice(input.StreamARN.lastIndexOf('/') + 1);
  return null;
}

function throttled(prefix: string, subject: Subject, stream: string | null): AwsError {
  if (prefix === 'GraniteServiceVersion20100801') return new AwsError('ThrottlingException', 'Rate exceeded', 400, 'Throttling');
  if (prefix === 'KinesisAnalytics_20180523') return new AwsError('ThrottlingException', 'Rate exceeded');
  return new AwsError(
    'LimitExceededException',
    stream === null ? `Rate exceeded for account ${subject.accountId}.` : `Rate exceeded for stream ${stream} under account ${subject.accountId}.`,
  );
}

/** Call times in the last second, per key; memory is bounded by the rates themselves. */
export class ApiRateLimiter {
  private readonly calls = new Map<string, number[]>();

  constructor(private readonly table: ApiRateTable) {}

  /** Throws the service's throttling error when this call would exceed its rate. */
  admit(prefix: string, operation: string, subject: Subject, nowMs: number): void {
    const rate = this.table[prefix]?.[operation];
    if (rate === undefined) return;
    const stream = streamOf(subject.input);
    let key = `${prefix}.${operation}|${subject.region}|${subject.accountId}`;
    // A scope the request does not name (e.g. ListShards with NextToken) falls back to the account.
    if (rate.scope !== 'account' && stream !== null) key += `|${stream}`;
    if (rate.scope === 'shard' && typeof subject.input.ShardId === 'string') key += `|${subject.input.ShardId}`;
    let times = this.calls.get(key);
    if (times === undefined) {
      times = [];
      this.calls.set(key, times);
    }
    let expired = 0;
    while (expired < times.length && (times[expired] as number) <= nowMs - 1000) expired += 1;
    if (expired > 0) times.splice(0, expired);
    if (times.length >= rate.perSecond) throw throttled(prefix, subject, stream);
    times.push(nowMs);
  }

  clear(): void {
    this.calls.clear();
  }
}
