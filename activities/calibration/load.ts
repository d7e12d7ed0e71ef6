/**
 * The calibration's load: taxi trips of the committed sample sent to the stream at a
 * constant rate for a step's duration. The replay's own schedule follows event time (the
 * taxi day's curve), so it cannot hold a rate; this sends the same records through the
 * same PutRecords path (throttled records re-sent and counted) at the rate the step asks
 * for. Partition keys get a per-step suffix, so repeated trips spread over the shards like
 * fresh ones.
 *
 * By default the trips are KPL-aggregated (as the replay's `aggregate` option and the
 * article's `-aggregate` do): many trips per Kinesis record, so one producer drives
 * several times the per-KPU rate with few PutRecords calls, and a shard takes ~2,900
 * trips/s (its 1 MiB/s) instead of 1,000 records/s. That is how a calibration against AWS
 * reaches 2× a KPU's rate from one worker; the job de-aggregates and counts trips.
 */
import { Context } from '@temporalio/activity';
import { readTrips } from '../../data/readers/source.js';
import { SAMPLE_FILE } from '../../data/sample.js';
import { MAX_RECORDS_PER_CALL, type OutgoingRecord } from '../replay/batch.js';
import { kplAggregatingSink } from '../replay/kpl-sink.js';
import { kinesisSink, sendBatch, type RecordSink, type RetryOptions } from '../replay/put-records.js';
import type { AcceptedBucket } from '../../workflows/calibration/analysis.js';

export interface DriveLoadInput {
  streamName: string;
  recordsPerSecond: number;
  durationSeconds: number;
  /** Distinguishes this step's partition keys from every other step's. */
  keySuffix: string;
  /** KPL-aggregate the trips (default); false sends one Kinesis record per trip. */
  aggregate?: boolean;
  /**
   * Also count what was acknowledged per bucket of this many seconds (the metric period), so
   * the step can be judged on what reached the stream in the very periods whose metrics it
   * reads: a busy machine delivers in bursts, and a whole-step average hides where they fell.
   */
  bucketSeconds?: number;
}


export interface DriveLoadResult {
  sent: number;
  throttled: number;
  startedEpochMs: number;
  endedEpochMs: number;
  /** Records acknowledged per second of the step. */
  sentPerSecond: number;
  /** Records of the schedule skipped after stalls rather than sent in a burst (MAX_CATCH_UP_MS). */
  skipped?: number;
  /** With `bucketSeconds`: records acknowledged per bucket, in time order (buckets with none omitted). */
  acceptedByBucket?: AcceptedBucket[];
}


/**
 * How often the load tops up to its schedule: five times a second. Each top-up costs one
 * PutRecords per shard (the KPL sink sends each shard its own aggregated records), and on a
 * busy worker the calls, not the records, take the CPU; the Kinesis connector polls each shard
 * every 200 ms by default, so finer top-ups would only add calls. Still even to a 1 s period.
 */
const TICK_MS = 200;
const HEARTBEAT_MS = 1000;
/**
 * After a stall (a busy machine, a pause) the load makes up at most this much of the schedule
 * and skips the rest: a constant rate must not arrive as a burst, which would build a backlog a
 * job near its ceiling takes seconds to drain and make it look saturated. What is skipped shows
 * as a lower accepted rate, and the step is held again.
 */
const MAX_CATCH_UP_MS = 300;
const CALLS_IN_FLIGHT = 4;

let trips: Promise<Buffer[]> | null = null;

/** The sample's trips as record payloads, read once per process. */
function sampleTrips(file: string): Promise<Buffer[]> {
  trips ??= (async () => {
    const out: Buffer[] = [];
    for await (const item of readTrips(file)) if (item.kind === 'trip') out.push(Buffer.from(JSON.stringify(item.trip)));
    if (out.length === 0) throw new Error(`no trips in ${file}`);
    return out;
  })();
  return trips;
}

const sleep = (ms: number, signal: AbortSignal): Promise<void> => new Promise((resolve) => {
  const aborted = () => {
    clearTimeout(timer);
    resolve();
  };
  const timer = setTimeout(() => {
    signal.removeEventListener('abort', aborted);
    resolve();
  }, ms);
  signal.addEventListener('abort', aborted, { once: true });
});

export interface LoadDeps {
  sink: (streamName: string, aggregate: boolean) => RecordSink;
  sampleFile?: string;
  now?: () => number;
}

export async function driveLoad(deps: LoadDeps, input: DriveLoadInput, signal: AbortSignal, heartbeat: (details: unknown) => void): Promise<DriveLoadResult> {
  const payloads = await sampleTrips(deps.sampleFile ?? SAMPLE_FILE);
  const now = deps.now ?? Date.now;
  const sink = deps.sink(input.streamName, input.aggregate !== false);
  const perCall = sink.batchLimits?.maxRecords ?? MAX_RECORDS_PER_CALL;
  const retry: RetryOptions = {
    baseDelayMs: 50, maxDelayMs: 1000, throttleBaseDelayMs: 25, throttleMaxDelayMs: 100, maxAttempts: 8,
    random: Math.random, sleep: (ms) => sleep(ms, signal),
  };
  const startedEpochMs = now();
  const endMs = startedEpochMs + input.durationSeconds * 1000;
  let sent = 0;
  let throttled = 0;
  let next = 0;
  let lastBeat = 0;
  const bucketMs = input.bucketSeconds !== undefined && input.bucketSeconds > 0 ? input.bucketSeconds * 1000 : null;
  const buckets = new Map<number, number>();
  // Counted when the stream acknowledged them: that is when the job can first read them.
  const accepted = (records: number): void => {
    if (bucketMs === null) return;
    const start = (Math.floor(now() / bucketMs) * bucketMs) / 1000;
    buckets.set(start, (buckets.get(start) ?? 0) + records);
  };
  const maxOwed = Math.max(1, Math.round((input.recordsPerSecond * MAX_CATCH_UP_MS) / 1000));
  let skipped = 0;
  while (!signal.aborted && now() < endMs) {
    const tickStarted = now();
    let due = Math.floor(((now() - startedEpochMs) / 1000) * input.recordsPerSecond) - skipped;
    if (due - next > maxOwed) {
      skipped += due - next - maxOwed;
      due = next + maxOwed;
    }
    while (next < due && !signal.aborted) {
      // Several calls in flight: one call's round trip must not cap the rate.
      const batches: OutgoingRecord[][] = [];
      while (next < due && batches.length < CALLS_IN_FLIGHT) {
        const count = Math.min(perCall, due - next);
        const records: OutgoingRecord[] = [];
        for (let i = 0; i < count; i += 1) {
          records.push({ partitionKey: `${next}-${input.keySuffix}`, data: payloads[next % payloads.length]! });
          next += 1;
        }
        batches.push(records);
      }
      const outcomes = await Promise.all(batches.map(async (records) => {
        const outcome = await sendBatch(sink, records, retry);
        accepted(records.length);
        return outcome;
      }));
      batches.forEach((records, i) => {
        sent += records.length;
        throttled += outcomes[i]!.throttledRetries;
      });
    }
    if (now() - lastBeat >= HEARTBEAT_MS) {
      lastBeat = now();
      heartbeat({ sent, throttled });
    }
    // Tops up on a 200 ms schedule, not 200 ms after the calls returned: on a busy worker the calls
    // take a good part of a tick, and a fixed pause on top made every tick owe more than the catch-up
    // limit, so the load skipped a steady share of the rate (it reached 60 % of it at load 11).
    await sleep(Math.max(0, TICK_MS - (now() - tickStarted)), signal);
  }
  const endedEpochMs = now();
  const seconds = Math.max(0.001, (endedEpochMs - startedEpochMs) / 1000);
  const acceptedByBucket = bucketMs === null ? {} : { acceptedByBucket: [...buckets].map(([start, records]) => ({ start, records })).sort((a, b) => a.start - b.start) };
  return { sent, throttled, startedEpochMs, endedEpochMs, sentPerSecond: sent / seconds, ...acceptedByBucket, ...(skipped > 0 ? { skipped } : {}) };
}

export function activityLoadDeps(kinesis: Parameters<typeof kinesisSink>[0]): LoadDeps {
  return { sink: (streamName, aggregate) => (aggregate ? kplAggregatingSink(kinesis, streamName) : kinesisSink(kinesis, streamName)) };
}

export function currentActivitySignal(): { signal: AbortSignal; heartbeat: (details: unknown) => void } {
  const ctx = Context.current();
  return { signal: ctx.cancellationSignal, heartbeat: (d) => ctx.heartbeat(d) };
}
