/**
 * Turns the model's seconds into what CloudWatch would report: one sample per period
 * (Sums for the stream counters, Maximum for ages, Average for rates and CPU), with
 * explicit missing data (no puts → no IncomingRecords datapoint; a job that was down
 * all period reports no Flink metrics), published `reportingDelaySeconds` after the
 * period ends.
 */
import type { MetricsSample } from '../../../scaling/types.js';
import type { SecondStats } from './model.js';

interface Accumulator {
  offered: number;
  accepted: number;
  bytes: number;
  throttled: number;
  processed: number;
  busySum: number;
  runningSeconds: number;
  maxBehindMs: number;
  maxKpus: number;
  maxDowntimeMs: number;
}

const empty = (): Accumulator => ({
  offered: 0, accepted: 0, bytes: 0, throttled: 0, processed: 0, busySum: 0, runningSeconds: 0, maxBehindMs: 0, maxKpus: 0, maxDowntimeMs: 0,
});

export class CloudWatchRecorder {
  private readonly published: Array<{ availableAt: number; sample: MetricsSample }> = [];
  private current = empty();
  private delivered = 0;

  constructor(
    private readonly startEpoch: number,
    private readonly periodSeconds: number,
    private readonly reportingDelaySeconds: number,
  ) {}

  /** Records second `second` (relative) of the simulation; closes a period at its end. */
  record(second: number, stats: SecondStats, bytesPerRecord: number, fullRestarts: number): void {
    const a = this.current;
    a.offered += stats.offered;
    a.accepted += stats.accepted;
    a.bytes += stats.accepted * bytesPerRecord;
    a.throttled += stats.throttled;
    a.processed += stats.processed;
    if (stats.busy !== null) {
      a.busySum += stats.busy;
      a.runningSeconds++;
      a.maxBehindMs = Math.max(a.maxBehindMs, stats.behindSeconds * 1000);
    }
    a.maxKpus = Math.max(a.maxKpus, stats.kpus);
    a.maxDowntimeMs = Math.max(a.maxDowntimeMs, stats.downtimeMs);
    if ((second + 1) % this.periodSeconds === 0) this.close(second + 1 - this.periodSeconds, fullRestarts);
  }

  private close(periodStart: number, fullRestarts: number): void {
    const a = this.current;
    const P = this.periodSeconds;
    const puts = a.offered > 0;
    const ran = a.runningSeconds > 0;
    this.published.push({
      availableAt: periodStart + P + this.reportingDelaySeconds,
      sample: {
        timestamp: this.startEpoch + periodStart,
        periodSeconds: P,
        incomingRecords: puts ? Math.round(a.accepted) : null,
        incomingBytes: puts ? Math.round(a.bytes) : null,
        writeProvisionedThroughputExceeded: puts ? Math.round(a.throttled) : null,
        iteratorAgeMs: ran ? Math.round(a.maxBehindMs) : null,
        millisBehindLatest: ran ? Math.round(a.maxBehindMs) : null,
        numRecordsInPerSecond: ran ? a.processed / P : null,
        cpuUtilization: ran ? (100 * a.busySum) / a.runningSeconds : null,
        kpus: a.maxKpus,
        downtime: a.maxDowntimeMs,
        fullRestarts,
      },
    });
    this.current = empty();
  }

  /** Periods published by relative second `now` and not yet handed out, oldest first. */
  take(now: number): MetricsSample[] {
    const out: MetricsSample[] = [];
    while (this.delivered < this.published.length && this.published[this.delivered]!.availableAt <= now) {
      out.push(this.published[this.delivered]!.sample);
      this.delivered++;
    }
    return out;
  }
}
