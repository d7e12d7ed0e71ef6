/**
 * Contracts between the emulator's core (HTTP/h2c server, error framing, validation,
 * call log, faults, admin API) and its service modules (Kinesis, Managed Flink,
 * CloudWatch). Internal types only; wire shapes live beside each operation.
 */

/** Time source for every service: real milliseconds in the emulator; tests may speed delays via config. */
export interface Clock {
  nowMs(): number;
}

export interface RequestContext {
  /** Epoch ms when the request arrived. */
  nowMs: number;
  region: string;
  accountId: string;
  /** The operation name, e.g. `PutRecords`. */
  operation: string;
}

/** One declarative validation rule set for an input member (kinesalite-style table). */
export interface FieldRule {
  type?: 'string' | 'integer' | 'number' | 'boolean' | 'object' | 'array' | 'blob' | 'timestamp';
  required?: boolean;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  min?: number;
  max?: number;
  enum?: readonly string[];
  /** For arrays. */
  minItems?: number;
  maxItems?: number;
}
/** Keys are member names as on the wire (`StreamName`); the message uses lower-camel (`streamName`) as AWS does. */
export type ValidationTable = Record<string, FieldRule>;

export interface Operation<I = Record<string, unknown>, O = unknown> {
  validation?: ValidationTable;
  handle(input: I, ctx: RequestContext): O | Promise<O>;
}

export interface ServiceModule {
  /** e.g. `Kinesis_20131202`, `KinesisAnalytics_20180523`, `GraniteServiceVersion20100801`. */
  targetPrefix: string;
  /** Content type the service answers with: `application/x-amz-json-1.1` or `-1.0`. */
  contentType: string;
  /** Key of the error message in error bodies: Kinesis/CloudWatch `message`, Flink `Message`. */
  errorMessageKey: 'message' | 'Message';
  /** CloudWatch is query-compatible: error responses also carry `x-amzn-query-error`. */
  queryCompatible?: boolean;
  operations: Record<string, Operation<never, unknown>>;
  /** Drop all state (admin reset). */
  reset(): void;
  /** Stop timers and background jobs (server close). */
  close?(): void | Promise<void>;
  /** Extra admin routes under `/_emulator/<path>`; `method path` → handler. */
  adminRoutes?: Record<string, AdminHandler>;
}

export type AdminHandler = (req: { body: unknown; query: URLSearchParams; params: Record<string, string> }) =>
  unknown | Promise<unknown>;

/** Where services publish the metrics AWS would publish (implemented by the CloudWatch module). */
export interface MetricSink {
  record(datum: {
    namespace: string;
    metricName: string;
    dimensions: Record<string, string>;
    value: number;
    /** Epoch ms; stored at 1-second resolution. */
    timestampMs: number;
    unit?: string;
    /**
     * How much this value weighs in its period's Average (and SampleCount); default 1. The job
     * weighs each tick's figures by the time the tick covered, so a period's Average is a
     * time average even when a busy process ticks unevenly.
     */
    count?: number;
  }): void;
}

/** In-process read access to streams, for the simulated Flink job (implemented by the Kinesis module). */
export interface ShardView {
  shardId: string;
  parentShardId: string | null;
  adjacentParentShardId: string | null;
  /** Closed by resharding: no more records will arrive. */
  closed: boolean;
}
export interface StreamRecordView {
  sequenceNumber: string;
  partitionKey: string;
  data: Buffer;
  arrivalMs: number;
}
export interface ShardReadResult {
  records: StreamRecordView[];
  /** True when the shard is closed and every record has been returned. */
  endOfClosedShard: boolean;
  /** Arrival time of the newest record in the shard (for MillisBehindLatest); null when empty. */
  latestArrivalMs: number | null;
}
export interface StreamReader {
  streamExists(streamName: string): boolean;
  /** All shards of the stream, open and closed, in creation order. */
  shards(streamName: string): ShardView[];
  /** Records after `afterSequenceNumber` (null: from the trim horizon), at most `limit`; a peek, not counted. */
  readShard(streamName: string, shardId: string, afterSequenceNumber: string | null, limit: number): ShardReadResult;
  /**
   * The same read as one GetRecords call: counted against the shard's read limits (shared
   * with every other consumer) and in the `GetRecords.*` metrics. `throttled`: the shard's
   * budget is spent, nothing was read. Absent: reads are free (test doubles).
   */
  fetchShard?(streamName: string, shardId: string, afterSequenceNumber: string | null, limit: number, nowMs: number): ShardReadResult & { throttled: boolean };
}
