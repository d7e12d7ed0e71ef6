/**
 * The simulated taxi job of one Flink application: its Kinesis source, the article's
 * aggregations, checkpoints (source position + window state, taken together so a
 * restore reprocesses exactly what came after) and the results sink, which upserts by
 * window and key like the article's OpenSearch indices, so reprocessing after a
 * restore never duplicates a result.
 */
import type { StreamReader } from '../core/types.js';
import { parseTrip } from './trip.js';
import { copyPosition, emptyPosition, identityExpander, KinesisSource, type RecordExpander, type SourcePosition } from './source.js';
import {
  addTrip, copyWindowState, emptyWindowState, fireWindows, openCells, watermark,
  type PickupCount, type TripDuration, type WindowState,
} from './windows.js';

export interface JobCounters {
  recordsIn: number;
  malformed: number;
  outsideNewYork: number;
  late: number;
  resultsOut: number;
}

export interface JobCheckpoint {
  position: SourcePosition;
  windows: WindowState;
  counters: JobCounters;
}

export interface JobStepResult {
  processed: number;
  emitted: number;
  lagMs: number;
  /** millisBehindLatest per shard of the input. */
  shardLagMs: Map<string, number>;
  /** Source subtasks that had a shard to read. */
  busySubtasks: number;
}

export interface JobResults {
  inputStream: string;
  watermark: string | null;
  counters: JobCounters;
  /** Index `pickup_count` of the article. */
  pickupCount: PickupCount[];
  /** Index `trip_duration` of the article. */
  tripDuration: TripDuration[];
  openWindows: number;
}

function emptyCounters(): JobCounters {
  return { recordsIn: 0, malformed: 0, outsideNewYork: 0, late: 0, resultsOut: 0 };
}

/** The state of a job that has read nothing: from the trim horizon, no windows open. */
export function initialCheckpoint(): JobCheckpoint {
  return { position: emptyPosition(), windows: emptyWindowState(), counters: emptyCounters() };
}

export class TaxiJob {
  private position = emptyPosition();
  private windows = emptyWindowState();
  private counters = emptyCounters();
  private readonly source: KinesisSource;
  private readonly pickupIndex = new Map<string, PickupCount>();
  private readonly durationIndex = new Map<string, TripDuration>();

  constructor(
    streams: StreamReader,
    readonly inputStream: string,
    expand: RecordExpander = identityExpander,
  ) {
    this.source = new KinesisSource(streams, inputStream, expand);
  }

  inputExists(): boolean {
    return this.source.exists();
  }

  /** Reads and processes at most `budget` records with `parallelism` source subtasks. */
  step(budgetPerSubtask: number, parallelism: number, nowMs: number): JobStepResult {
    const readable = this.source.readable(this.position).length;
    const busySubtasks = Math.min(parallelism, readable);
    const read = this.source.read(this.position, budgetPerSubtask * busySubtasks, nowMs);
    for (const record of read.records) this.process(record.data);
    const emitted = this.emit();
    return { processed: read.records.length, emitted, lagMs: read.lagMs, shardLagMs: read.shardLagMs, busySubtasks };
  }

  /** Lag without reading (while the job is down). */
  lag(nowMs: number): number {
    return this.source.lag(this.position, nowMs).lagMs;
  }

  /** Per-shard lag without reading. */
  shardLags(nowMs: number): Map<string, number> {
    return this.source.lag(this.position, nowMs).shardLagMs;
  }

  checkpoint(): JobCheckpoint {
    return { position: copyPosition(this.position), windows: copyWindowState(this.windows), counters: { ...this.counters } };
  }

  restore(cp: JobCheckpoint): void {
    this.source.discardBuffers();
    this.position = copyPosition(cp.position);
    this.windows = copyWindowState(cp.windows);
    this.counters = { ...cp.counters };
  }

  /** Size of the keyed state, for the simulated heap. */
  stateSize(): number {
    return openCells(this.windows);
  }

  results(): JobResults {
    const wm = watermark(this.windows);
    return {
      inputStream: this.inputStream,
      watermark: Number.isFinite(wm) ? new Date(wm).toISOString() : null,
      counters: { ...this.counters },
      pickupCount: [...this.pickupIndex.values()],
      tripDuration: [...this.durationIndex.values()],
      openWindows: this.windows.pickups.size,
    };
  }

  private process(data: Buffer): void {
    this.counters.recordsIn += 1;
    const trip = parseTrip(data);
    if (trip === null) {
      this.counters.malformed += 1;
      return;
    }
    const outcome = addTrip(this.windows, trip);
    if (outcome === 'outside') this.counters.outsideNewYork += 1;
    else if (outcome === 'late') this.counters.late += 1;
  }

  private emit(): number {
    const fired = fireWindows(this.windows);
    for (const r of fired.pickupCounts) this.pickupIndex.set(`${r.windowStart}|${r.geohash}`, r);
    for (const r of fired.tripDurations) this.durationIndex.set(`${r.windowStart}|${r.geohash}|${r.airport}`, r);
    const emitted = fired.pickupCounts.length + fired.tripDurations.length;
    this.counters.resultsOut += emitted;
    return emitted;
  }
}
