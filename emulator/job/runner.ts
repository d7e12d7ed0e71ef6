/**
 * Runs one application's taxi job tick by tick: the capacity model (records per
 * second per busy source subtask), outages (nothing is processed while the application
 * starts, updates or restarts), periodic checkpoints, and the `AWS/KinesisAnalytics`
 * metrics AWS publishes for the application.
 *
 * Dimensions published: every metric with `Application`; `millisBehindLatest` also with
 * `Application` + `Flow=Input` + `Id=<input stream, non-alphanumerics as _>`, the form
 * AWS uses for the Kinesis source's lag, and — at MetricsLevel PARALLELISM — per shard
 * with `ShardId` added. Names follow the runtime (see `metricNames.ts`).
 */
import type { MetricSink } from '../core/types.js';
import { cpuUtilizationFor, DEFAULT_JOB_PROFILE, effectiveSubtaskRate, type JobProfile, type KpuLoad } from './profile.js';
import { KpuReport } from './kpuReport.js';
import { restartMetricName } from './metricNames.js';
import type { JobCheckpoint, TaxiJob } from './taxiJob.js';

export interface RunConditions {
  /** The application is RUNNING (not starting, updating or autoscaling). */
  running: boolean;
  parallelism: number;
  parallelismPerKpu: number;
  recordsPerSecondPerSubtask: number;
  /** How KPUs bind the job (profile.ts); absent: CPU-bound. */
  profile?: JobProfile;
  checkpointIntervalMs: number;
  checkpointingEnabled: boolean;
  /** Fault: the job keeps failing and restarting. */
  unhealthy: boolean;
  /** `RuntimeEnvironment`, e.g. `FLINK-1_20`: Flink 2.x publishes `numRestarts`, not `fullRestarts`. */
  runtime?: string;
  /** `MetricsLevel`: per-shard `millisBehindLatest` is a PARALLELISM-level metric. */
  metricsLevel?: string;
}

export interface TickReport {
  cpuUtilization: number;
  processed: number;
  lagMs: number;
}

/** Flink's fixed-delay restart strategy waits 10 s; in job ticks, so fast tests see restarts too. */
const TICKS_PER_RESTART = 10;
const NAMESPACE = 'AWS/KinesisAnalytics';
/** Unused capacity a subtask may carry to its next tick (see `tick`). */
const BANKED_CAPACITY_MS = 300;

function kpuLoadOf(c: RunConditions): KpuLoad {
  return {
    profile: c.profile ?? DEFAULT_JOB_PROFILE,
    recordsPerSecondPerSubtask: c.recordsPerSecondPerSubtask,
    parallelism: c.parallelism,
    parallelismPerKpu: c.parallelismPerKpu,
  };
}

export class JobRunner {
  private outageStartMs: number | null;
  private runningSinceMs: number | null = null;
  private fullRestarts = 0;
  private failedCheckpoints = 0;
  private lastCheckpointDurationMs = 0;
  private lastCheckpointMs: number;
  private lastCheckpoint: JobCheckpoint;
  /** Fractional record budget carried between ticks so low rates are exact over time. */
  private carry = 0;
  private unhealthyTicks = 0;
  private readonly kpuReport: KpuReport;

  constructor(
    private readonly applicationName: string,
    readonly job: TaxiJob,
    private readonly metrics: MetricSink,
    nowMs: number,
    publishing: { kpusPublishIntervalMs: number } = { kpusPublishIntervalMs: 0 },
  ) {
    this.kpuReport = new KpuReport(publishing.kpusPublishIntervalMs);
    this.outageStartMs = nowMs;
    this.lastCheckpointMs = nowMs;
    this.lastCheckpoint = job.checkpoint();
  }

  /** The job goes down (start, update, autoscaling, rollback); processing stops until `recover`. */
  beginOutage(nowMs: number): void {
    if (this.outageStartMs === null) this.outageStartMs = nowMs;
    this.runningSinceMs = null;
  }

  /** Stopped: no outage is running any more (the next start begins a new one). */
  halt(): void {
    this.outageStartMs = null;
    this.runningSinceMs = null;
  }

  /** Back up after a restart: state comes from the snapshot (or the last checkpoint). */
  recover(nowMs: number, from: JobCheckpoint | null): void {
    this.job.restore(from ?? this.lastCheckpoint);
    this.lastCheckpoint = this.job.checkpoint();
    this.lastCheckpointMs = nowMs;
    this.outageStartMs = null;
    this.runningSinceMs = nowMs;
    this.carry = 0;
  }

  /** A snapshot taken now (StopApplication, UpdateApplication with snapshots enabled). */
  snapshot(): JobCheckpoint {
    return this.job.checkpoint();
  }

  latestCheckpoint(): JobCheckpoint {
    return this.lastCheckpoint;
  }

  tick(nowMs: number, elapsedMs: number, c: RunConditions): TickReport {
    let processed = 0;
    let emitted = 0;
    let lagMs: number;
    let shardLagMs: Map<string, number>;
    let saturated = false;
    const load = kpuLoadOf(c);
    const capacityPerSubtask = (effectiveSubtaskRate(load) * elapsedMs) / 1000;
    const healthy = c.running && !c.unhealthy && this.job.inputExists();
    if (healthy) {
      this.unhealthyTicks = 0;
      const budget = capacityPerSubtask + this.carry;
      const step = this.job.step(Math.floor(budget), c.parallelism, nowMs);
      // Capacity a subtask left unused while its input was late (a stalled event loop delivers
      // records in bursts) is kept for a moment, as Flink's network buffers would absorb it;
      // bounded, so an idle job never banks more than a fraction of a second.
      const unused = step.busySubtasks > 0 ? budget - step.processed / step.busySubtasks : budget - Math.floor(budget);
      this.carry = Math.min(Math.max(0, unused), (effectiveSubtaskRate(load) * BANKED_CAPACITY_MS) / 1000);
      processed = step.processed;
      emitted = step.emitted;
      lagMs = step.lagMs;
      shardLagMs = step.shardLagMs;
      // Every busy subtask used its whole budget: records wait upstream, the source is backpressured.
      saturated = step.busySubtasks > 0 && step.processed >= Math.floor(budget) * step.busySubtasks && step.processed > 0;
      this.maybeCheckpoint(nowMs, c);
    } else {
      if (c.running) this.restartLoop(nowMs, c);
      lagMs = this.job.inputExists() ? this.job.lag(nowMs) : 0;
      shardLagMs = this.job.inputExists() ? this.job.shardLags(nowMs) : new Map();
    }
    const cpu = elapsedMs > 0 ? cpuUtilizationFor(load, (processed * 1000) / elapsedMs) : 0;
    // Each tick's figures weigh by the time it covered: a period's Average is then a time
    // average (records processed ÷ seconds) even when a starved event loop ticks unevenly —
    // a short tick right after a long one would otherwise count as much as the long one.
    const weight = Math.max(1, elapsedMs) / 1000;
    this.publish(nowMs, elapsedMs, c, { processed, emitted, lagMs, cpu, shardLagMs }, weight);
    this.publishLoad(nowMs, saturated, capacityPerSubtask * c.parallelism, processed, weight);
    return { cpuUtilization: cpu, processed, lagMs };
  }

  /**
   * Flink's task metrics of the source: time per second spent backpressured (waiting on a
   * busy downstream) and busy. Saturated, the whole second is backpressure.
   */
  private publishLoad(nowMs: number, saturated: boolean, capacity: number, processed: number, count: number): void {
    const busy = capacity > 0 ? Math.min(1000, (1000 * processed) / capacity) : 0;
    const values: Record<string, number> = { backPressuredTimeMsPerSecond: saturated ? 1000 : 0, busyTimeMsPerSecond: busy };
    for (const [metricName, value] of Object.entries(values)) {
      this.metrics.record({
        namespace: NAMESPACE, metricName, dimensions: { Application: this.applicationName }, value, timestampMs: nowMs, unit: 'Milliseconds', count,
      });
    }
  }

  /** A failing job: restarts every few ticks, each one a full restart with failed checkpoints. */
  private restartLoop(nowMs: number, c: RunConditions): void {
    if (this.outageStartMs === null) this.outageStartMs = nowMs;
    this.runningSinceMs = null;
    if (this.unhealthyTicks % TICKS_PER_RESTART === 0) {
      this.fullRestarts += 1;
      if (c.checkpointingEnabled) this.failedCheckpoints += 1;
    }
    this.unhealthyTicks += 1;
  }

  private maybeCheckpoint(nowMs: number, c: RunConditions): void {
    if (!c.checkpointingEnabled || nowMs - this.lastCheckpointMs < c.checkpointIntervalMs) return;
    this.lastCheckpoint = this.job.checkpoint();
    this.lastCheckpointMs = nowMs;
    // Simulated: a checkpoint's duration grows with the keyed state it writes.
    this.lastCheckpointDurationMs = 40 + Math.round(this.job.stateSize() / 50);
  }

  private publish(
    nowMs: number,
    elapsedMs: number,
    c: RunConditions,
    t: { processed: number; emitted: number; lagMs: number; cpu: number; shardLagMs: Map<string, number> },
    count: number,
  ): void {
    const app = { Application: this.applicationName };
    const perSecond = elapsedMs > 0 ? 1000 / elapsedMs : 0;
    const heap = Math.min(95, 15 + this.job.stateSize() / (c.parallelism * 200));
    const kpus = this.kpuReport.observe(nowMs, elapsedMs, Math.ceil(c.parallelism / c.parallelismPerKpu) + 1);
    if (kpus !== null) {
      this.metrics.record({ namespace: NAMESPACE, metricName: 'KPUs', dimensions: app, value: kpus.value, timestampMs: kpus.timestampMs, unit: 'Count' });
    }
    const values: Record<string, [number, string]> = {
      downtime: [this.outageStartMs === null ? 0 : nowMs - this.outageStartMs, 'Milliseconds'],
      uptime: [this.runningSinceMs === null ? 0 : nowMs - this.runningSinceMs, 'Milliseconds'],
      [restartMetricName(c.runtime)]: [this.fullRestarts, 'Count'],
      numRecordsInPerSecond: [t.processed * perSecond, 'Count/Second'],
      numRecordsOutPerSecond: [t.emitted * perSecond, 'Count/Second'],
      cpuUtilization: [t.cpu, 'Percent'],
      containerCPUUtilization: [t.cpu, 'Percent'],
      heapMemoryUtilization: [heap, 'Percent'],
      lastCheckpointDuration: [this.lastCheckpointDurationMs, 'Milliseconds'],
      numberOfFailedCheckpoints: [this.failedCheckpoints, 'Count'],
      millisBehindLatest: [t.lagMs, 'Milliseconds'],
    };
    for (const [metricName, [value, unit]] of Object.entries(values)) {
      this.metrics.record({ namespace: NAMESPACE, metricName, dimensions: app, value, timestampMs: nowMs, unit, count });
    }
    const input = { ...app, Flow: 'Input', Id: this.job.inputStream.replace(/[^a-zA-Z0-9_]/g, '_') };
    this.metrics.record({ namespace: NAMESPACE, metricName: 'millisBehindLatest', dimensions: input, value: t.lagMs, timestampMs: nowMs, unit: 'Milliseconds', count });
    if (c.metricsLevel === 'PARALLELISM') {
      for (const [shardId, lag] of t.shardLagMs) {
        this.metrics.record({ namespace: NAMESPACE, metricName: 'millisBehindLatest', dimensions: { ...input, ShardId: shardId }, value: lag, timestampMs: nowMs, unit: 'Milliseconds', count });
      }
    }
  }
}
