/**
 * The replay engine, free of Temporal so the CLI, the activity and the tests share it.
 * It reads a trip source from a checkpoint, releases each event at
 * `anchor.wallMs + (eventTime − anchor.eventMs) / speedup`, batches what is due into
 * PutRecords calls and advances the checkpoint only when a whole batch is
 * acknowledged. Stopping (deadline or abort) never loses an event: what was not
 * acknowledged is read again from the checkpoint by the next run.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { readTrips } from '../../data/readers/source.js';
import { encodeTrip, type TripFormat } from '../../data/trip-encoding.js';
import { eventTimeMs } from '../../data/trip.js';
import { RecordBatch, MAX_BYTES_PER_RECORD, recordBytes, type OutgoingRecord } from './batch.js';
import { sendBatch, type RecordSink, type RetryOptions } from './put-records.js';
import { RateMeter } from './rate.js';
import type { MalformedLine, ReplayCheckpoint, ScheduleAnchor, Speedup } from './types.js';

export interface Clock {
  now(): number;
  /** Resolves after `ms`, or early when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  async sleep(ms, signal) {
    try {
      await delay(ms, undefined, { signal });
    } catch (err) {
      if ((err as Error).name !== 'AbortError') throw err;
    }
  },
};

export interface ReplayProgressTick {
  checkpoint: ReplayCheckpoint;
  anchor: ScheduleAnchor | null;
  eventsPerSecond: number;
}

export interface ReplayRunOptions {
  file: string;
  sink: RecordSink;
  speedup: Speedup;
  from: ReplayCheckpoint;
  /** The schedule to keep; null anchors it at the first event this run sends, now. */
  anchor: ScheduleAnchor | null;
  /** Wall time (ms) at which to stop at the next batch boundary: a chunk's end. */
  deadlineMs?: number;
  signal?: AbortSignal;
  clock?: Clock;
  retry?: Partial<RetryOptions>;
  /** Longest an event waits in a batch for later ones before the batch is sent. */
  maxBatchDelayMs?: number;
  onProgress?: (tick: ReplayProgressTick) => void;
  onMalformed?: (malformed: MalformedLine) => void;
  /** How each trip is encoded (data/trip-encoding.ts); JSON when absent. */
  format?: TripFormat;
}

export interface ReplayRunResult extends ReplayProgressTick {
  /** True when the source is exhausted and everything is acknowledged. */
  finished: boolean;
}

export function dueAt(anchor: ScheduleAnchor, eventMs: number, speedup: number): number {
  return anchor.wallMs + (eventMs - anchor.eventMs) / speedup;
}

/** The replay's retry policy for PutRecords (the sleep comes from the run's clock). */
export const DEFAULT_RETRY: Omit<RetryOptions, 'sleep'> = {
  baseDelayMs: 50,
  maxDelayMs: 2_000,
  throttleBaseDelayMs: 25,
  throttleMaxDelayMs: 100,
  maxAttempts: 8,
  random: Math.random,
};

export async function runReplay(options: ReplayRunOptions): Promise<ReplayRunResult> {
  const clock = options.clock ?? systemClock;
  const retry: RetryOptions = { ...DEFAULT_RETRY, sleep: (ms) => clock.sleep(ms, options.signal), ...options.retry };
  const maxBatchDelayMs = options.maxBatchDelayMs ?? 100;
  const speedup = options.speedup;
  const meter = new RateMeter(5_000);
  let anchor = options.anchor;
  let checkpoint: ReplayCheckpoint = { ...options.from, position: { ...options.from.position } };
  meter.add(clock.now(), checkpoint.eventsSent);
  // What is consumed but not yet acknowledged: it becomes the checkpoint when the batch is.
  let batch = new RecordBatch(options.sink.batchLimits);
  let pending = { position: checkpoint.position, malformed: 0, lastEventMs: checkpoint.lastEventMs, lastDueMs: 0 };

  const stopRequested = (): boolean =>
    options.signal?.aborted === true || (options.deadlineMs !== undefined && clock.now() >= options.deadlineMs);

  const tick = (): ReplayProgressTick => ({ checkpoint, anchor, eventsPerSecond: meter.perSecond() });

  // One batch may be on its way while the next is read and built: reading and encoding
  // trips costs about as much time as sending them, and a batch still waits for the one
  // before it to be acknowledged before it is sent, so order and checkpoints are as before.
  let inFlight: Promise<void> | null = null;
  const settleInFlight = async (): Promise<void> => {
    const sending = inFlight;
    inFlight = null;
    await sending;
  };

  const send = async (records: OutgoingRecord[], consumed: typeof pending): Promise<void> => {
    const sent = await sendBatch(options.sink, records, retry);
    const ackedAt = clock.now();
    checkpoint = {
      position: consumed.position,
      eventsSent: checkpoint.eventsSent + records.length,
      malformedLines: checkpoint.malformedLines + consumed.malformed,
      throttledRetries: checkpoint.throttledRetries + sent.throttledRetries,
      failedRetries: checkpoint.failedRetries + sent.failedRetries,
      lastEventMs: consumed.lastEventMs,
      lagMs: speedup === 'max' ? 0 : Math.max(0, ackedAt - consumed.lastDueMs),
    };
    meter.add(ackedAt, checkpoint.eventsSent);
    options.onProgress?.(tick());
  };

  const flush = async (): Promise<void> => {
    await settleInFlight();
    const consumed = { ...pending };
    pending = { ...pending, malformed: 0 };
    if (batch.size > 0) {
      const sending = send(batch.records, consumed);
      // Observed when settled; until then a failure must not surface as unhandled.
      sending.catch(() => undefined);
      inFlight = sending;
    } else {
      checkpoint = {
        ...checkpoint,
        position: consumed.position,
        malformedLines: checkpoint.malformedLines + consumed.malformed,
      };
      options.onProgress?.(tick());
    }
    batch = new RecordBatch(options.sink.batchLimits);
  };

  let finished = true;
  for await (const item of readTrips(options.file, checkpoint.position)) {
    if (stopRequested()) {
      finished = false;
      break;
    }
    if (item.kind === 'malformed') {
      options.onMalformed?.({ line: item.line, reason: item.reason });
      pending.malformed++;
      pending.position = item.end;
      continue;
    }
    const record: OutgoingRecord = { partitionKey: item.trip.trip_id, data: encodeTrip(item.trip, options.format ?? 'json') };
    if (recordBytes(record) > MAX_BYTES_PER_RECORD || item.trip.trip_id.length > 256) {
      options.onMalformed?.({ line: item.line, reason: 'record too large for Kinesis (1 MiB) or trip_id longer than 256 characters' });
      pending.malformed++;
      pending.position = item.end;
      continue;
    }
    const eventMs = eventTimeMs(item.trip);
    let due = clock.now();
    if (speedup !== 'max') {
      anchor ??= { wallMs: clock.now(), eventMs };
      due = dueAt(anchor, eventMs, speedup);
      const wait = due - clock.now();
      if (wait > 0) {
        if (batch.size > 0 && due - batch.firstDueMs > maxBatchDelayMs) await flush();
        const until = Math.min(due, options.deadlineMs ?? Infinity);
        await clock.sleep(until - clock.now(), options.signal);
        if (clock.now() < due && stopRequested()) {
          finished = false;
          break;
        }
      }
    }
    if (!batch.fits(record)) await flush();
    batch.add(record, due);
    pending.position = item.end;
    pending.lastEventMs = eventMs;
    pending.lastDueMs = due;
    if (batch.full) await flush();
  }
  await flush();
  await settleInFlight();
  return { ...tick(), finished };
}
