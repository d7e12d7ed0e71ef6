/**
 * Sends one batch until every record is acknowledged. PutRecords succeeds or fails per
 * record; only the failed ones are sent again, with exponential backoff and jitter. A
 * record rejected with ProvisionedThroughputExceededException is back-pressure: it is
 * retried for as long as it takes and counted, never an error. Other per-record
 * failures are retried a bounded number of times. A whole-call error goes through the
 * project's one AWS error mapping: retryable kinds are retried here a few times, the
 * rest (stream gone, access denied) end the replay.
 *
 * Order: a batch is acknowledged in full before the next is sent, so a retried record
 * can only move behind records of its own batch; partition keys are trip ids, so no
 * two records of a key are ever reordered.
 */
import { PutRecordsCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { classifyAwsError, toFailure } from '../aws/errors.js';
import type { OutgoingRecord } from './batch.js';

export interface RecordResult {
  /** Absent when the record was stored. */
  errorCode?: string;
  errorMessage?: string;
}

/** Where batches go: a Kinesis stream in production, anything with the same per-record contract in tests. */
export interface RecordSink {
  readonly name: string;
  /** How many user records (and bytes) one batch may hold; default PutRecords' 500 records and 5 MiB. */
  readonly batchLimits?: { maxRecords: number; maxBytes: number };
  putRecords(records: readonly OutgoingRecord[]): Promise<RecordResult[]>;
}

export function kinesisSink(kinesis: KinesisClient, streamName: string): RecordSink {
  return {
    name: streamName,
    async putRecords(records) {
      const out = await kinesis.send(
        new PutRecordsCommand({
          StreamName: streamName,
          Records: records.map((r) => ({ PartitionKey: r.partitionKey, Data: r.data })),
        }),
      );
      const results = out.Records ?? [];
      if (results.length !== records.length) {
        throw new Error(`PutRecords answered ${results.length} results for ${records.length} records`);
      }
      return results.map((r) => (r.ErrorCode ? { errorCode: r.ErrorCode, errorMessage: r.ErrorMessage } : {}));
    },
  };
}

export const THROTTLED = 'ProvisionedThroughputExceededException';

export interface RetryOptions {
  baseDelayMs: number;
  maxDelayMs: number;
  /**
   * Throttling is expected at full speed: the shard's one-second window frees up
   * continuously, so its backoff stays short (a long sleep would waste capacity) and
   * restarts whenever a call got records through.
   */
  throttleBaseDelayMs: number;
  throttleMaxDelayMs: number;
  /** Attempts for records failing with something other than throttling, and for whole-call errors. */
  maxAttempts: number;
  random: () => number;
  sleep: (ms: number) => Promise<void>;
}

export interface SendOutcome {
  throttledRetries: number;
  failedRetries: number;
  calls: number;
}

/** Exponential, capped, with "equal jitter": never less than half the step, so retries spread without stalling. */
export function backoffMs(attempt: number, options: Pick<RetryOptions, 'baseDelayMs' | 'maxDelayMs' | 'random'>): number {
  const step = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return step / 2 + options.random() * (step / 2);
}

export async function sendBatch(sink: RecordSink, records: readonly OutgoingRecord[], retry: RetryOptions): Promise<SendOutcome> {
  const outcome: SendOutcome = { throttledRetries: 0, failedRetries: 0, calls: 0 };
  let pending = records;
  let throttleRound = 0;
  let failureRound = 0;
  let callErrors = 0;
  while (pending.length > 0) {
    let results: RecordResult[];
    try {
      outcome.calls++;
      results = await sink.putRecords(pending);
    } catch (err) {
      callErrors++;
      if (classifyAwsError(err) === 'retryable' && callErrors < retry.maxAttempts) {
        await retry.sleep(backoffMs(callErrors, retry));
        continue;
      }
      throw toFailure(err, `sending ${pending.length} records to ${sink.name}`);
    }
    const failed: OutgoingRecord[] = [];
    let throttled = 0;
    let lastError = '';
    results.forEach((r, i) => {
      if (r.errorCode === undefined) return;
      failed.push(pending[i]!);
      if (r.errorCode === THROTTLED) throttled++;
      else lastError = `${r.errorCode}: ${r.errorMessage ?? ''}`;
    });
    if (failed.length === 0) break;
    outcome.throttledRetries += throttled;
    outcome.failedRetries += failed.length - throttled;
    if (throttled < failed.length) {
      failureRound++;
      if (failureRound >= retry.maxAttempts) {
        throw new Error(`${failed.length - throttled} records to ${sink.name} still failing after ${failureRound} attempts (${lastError})`);
      }
    }
    const progressed = failed.length < pending.length;
    if (throttled < failed.length) {
      await retry.sleep(backoffMs(failureRound, retry));
    } else {
      throttleRound = progressed ? 1 : throttleRound + 1;
      await retry.sleep(backoffMs(throttleRound, { ...retry, baseDelayMs: retry.throttleBaseDelayMs, maxDelayMs: retry.throttleMaxDelayMs }));
    }
    pending = failed;
  }
  return outcome;
}
