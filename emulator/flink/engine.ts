/**
 * The application state machine. Each transitional status (STARTING, UPDATING, …) is a
 * pending transition that completes after its configured delay; `advance` completes
 * the due ones, and runs before every operation and every job tick, so what a caller
 * sees depends only on the clock. The job itself is driven by `tick`.
 */
import { randomBytes } from 'node:crypto';
import type { FlinkOptions } from '../config.js';
import type { Clock, MetricSink, StreamReader } from '../core/types.js';
import { kplExpander } from '../job/deaggregate.js';
import { JobRunner } from '../job/runner.js';
import { profileFromProperties } from '../job/profile.js';
import { initialCheckpoint, TaxiJob, type JobCheckpoint } from '../job/taxiJob.js';
import { kpusFor, property } from './configuration.js';
import type { Application, ApplicationStatus, ApplicationVersion, OperationRecord } from './model.js';

export const INPUT_GROUP = 'FlinkApplicationProperties';
export const INPUT_KEY = 'InputStreamName';
/** Per-application override of the job's throughput, so tests can make the true rate differ. */
export const EMULATOR_GROUP = 'shardpilot.emulator';
export const RATE_KEY = 'RecordsPerSecondPerSubtask';
/** Per-application resource profile of the job (emulator/job/profile.ts): `cpu-bound` or `io-bound`. */
export const PROFILE_KEY = 'JobProfile';
export const IO_CPU_SHARE_KEY = 'IoCpuShare';

/** Statuses in which the application's cluster exists and publishes metrics. */
const LIVE: ReadonlySet<ApplicationStatus> = new Set(['STARTING', 'RUNNING', 'UPDATING', 'AUTOSCALING', 'ROLLING_BACK']);

/** AWS autoscaling: CPU ≥ 75 % for 15 samples doubles; < 10 % for 6 hours of minute samples halves. */
const SCALE_OUT_CPU = 75;
const SCALE_OUT_SAMPLES = 15;
const SCALE_IN_CPU = 10;
const SCALE_IN_SAMPLES = 360;

export interface EngineDeps {
  config: FlinkOptions;
  metrics: MetricSink;
  streams: StreamReader;
  clock: Clock;
}

export function newToken(): string {
  return randomBytes(12).toString('hex');
}

export class FlinkEngine {
  readonly apps = new Map<string, Application>();
  private lastTickMs: number | null = null;

  constructor(readonly deps: EngineDeps) {}

  /** Completes every transition that is due; a completion may start no new one in the past. */
  advance(nowMs: number): void {
    for (const app of [...this.apps.values()]) {
      const pending = app.pending;
      if (pending && pending.dueMs <= nowMs) {
        app.pending = null;
        pending.complete(pending.dueMs);
      }
    }
  }

  beginOperation(app: Application, operation: string, nowMs: number, versions?: { from: number; to: number }): OperationRecord {
    const op: OperationRecord = {
      id: randomBytes(6).toString('hex'),
      operation,
      startMs: nowMs,
      endMs: null,
      status: 'IN_PROGRESS',
      ...(versions ? { versionFrom: versions.from, versionTo: versions.to } : {}),
    };
    app.operations.push(op);
    return op;
  }

  private finish(op: OperationRecord, status: OperationRecord['status'], nowMs: number, error?: string): void {
    op.status = status;
    op.endMs = nowMs;
    if (error !== undefined) op.error = error;
  }

  private schedule(app: Application, op: OperationRecord, delayMs: number, nowMs: number, complete: (atMs: number) => void): void {
    app.pending = {
      dueMs: nowMs + delayMs,
      operationId: op.id,
      complete: (atMs) => {
        complete(atMs);
        this.finish(op, 'SUCCESSFUL', atMs);
      },
    };
  }

  /** Makes `version` current, keeping the one it replaces for RollbackApplication. */
  installVersion(app: Application, version: ApplicationVersion, nowMs: number): void {
    app.previous.push(app.current);
    app.current = version;
    app.conditionalToken = newToken();
    app.lastUpdateMs = nowMs;
  }

  inputStream(version: ApplicationVersion): string {
    return property(version, INPUT_GROUP, INPUT_KEY) ?? '';
  }

  private runnerFor(app: Application, nowMs: number): JobRunner {
    const stream = this.inputStream(app.current);
    if (!app.runner || app.runner.job.inputStream !== stream) {
      // The connector de-aggregates KPL records, so the job always sees user records.
      app.runner = new JobRunner(app.name, new TaxiJob(this.deps.streams, stream, kplExpander), this.deps.metrics, nowMs, {
        kpusPublishIntervalMs: this.deps.config.kpusPublishIntervalMs,
      });
    }
    return app.runner;
  }

  /** Back to RUNNING after a restart, from `restoreFrom` (null: the latest checkpoint). */
  private resume(app: Application, atMs: number, restoreFrom: JobCheckpoint | null): void {
    app.status = 'RUNNING';
    app.lastUpdateMs = atMs;
    const before = app.runner;
    const runner = this.runnerFor(app, atMs);
    // State of another input stream cannot be restored: a new input starts afresh.
    runner.recover(atMs, runner === before ? restoreFrom : initialCheckpoint());
  }

  start(app: Application, nowMs: number, skipRestore: boolean): OperationRecord {
    const op = this.beginOperation(app, 'StartApplication', nowMs);
    app.status = 'STARTING';
    const runner = this.runnerFor(app, nowMs);
    runner.beginOutage(nowMs);
    const restoreFrom = skipRestore ? initialCheckpoint() : (app.snapshot ?? runner.latestCheckpoint());
    this.schedule(app, op, this.deps.config.startApplicationMs, nowMs, (at) => {
      app.currentParallelism = app.current.parallelism.parallelism;
      app.autoscaling = { highCpuSamples: 0, lowCpuSamples: 0 };
      this.resume(app, at, restoreFrom);
    });
    return op;
  }

  stop(app: Application, force: boolean, nowMs: number): OperationRecord {
    this.cancelPending(app, nowMs);
    const op = this.beginOperation(app, 'StopApplication', nowMs);
    app.status = force ? 'FORCE_STOPPING' : 'STOPPING';
    // A graceful stop takes a snapshot; a forced one leaves only the last checkpoint.
    if (app.runner) app.snapshot = force || !app.current.snapshotsEnabled ? app.runner.latestCheckpoint() : app.runner.snapshot();
    app.runner?.beginOutage(nowMs);
    const delay = force ? this.deps.config.forceStopApplicationMs : this.deps.config.stopApplicationMs;
    this.schedule(app, op, delay, nowMs, (at) => {
      app.status = 'READY';
      app.lastUpdateMs = at;
      app.faults.unhealthy = false;
      app.runner?.halt();
    });
    return op;
  }

  /** UpdateApplication of a RUNNING application: restart with the new version from a snapshot. */
  updateRunning(app: Application, version: ApplicationVersion, nowMs: number): OperationRecord {
    const from = app.current.versionId;
    const runner = this.runnerFor(app, nowMs);
    const snapshot = app.current.snapshotsEnabled ? runner.snapshot() : null;
    this.installVersion(app, version, nowMs);
    app.versionUpdatedFrom = from;
    const op = this.beginOperation(app, 'UpdateApplication', nowMs, { from, to: version.versionId });
    app.status = 'UPDATING';
    runner.beginOutage(nowMs);
    const stuck = app.faults.stuckOnNextUpdate;
    const unhealthy = app.faults.unhealthyAfterNextUpdate;
    app.faults.stuckOnNextUpdate = false;
    app.faults.unhealthyAfterNextUpdate = false;
    this.schedule(app, op, stuck ? Infinity : this.deps.config.updateApplicationMs, nowMs, (at) => {
      app.currentParallelism = app.current.parallelism.parallelism;
      app.faults.unhealthy = unhealthy;
      this.resume(app, at, snapshot);
    });
    return op;
  }

  rollback(app: Application, previous: ApplicationVersion, nowMs: number): OperationRecord {
    this.cancelPending(app, nowMs);
    const from = app.current.versionId;
    const version: ApplicationVersion = { ...previous, versionId: from + 1, createdMs: nowMs };
    this.installVersion(app, version, nowMs);
    app.versionRolledBackFrom = from;
    app.versionRolledBackTo = previous.versionId;
    const op = this.beginOperation(app, 'RollbackApplication', nowMs, { from, to: version.versionId });
    app.status = 'ROLLING_BACK';
    this.runnerFor(app, nowMs).beginOutage(nowMs);
    this.schedule(app, op, this.deps.config.rollbackApplicationMs, nowMs, (at) => {
      app.currentParallelism = app.current.parallelism.parallelism;
      app.faults.unhealthy = false;
      this.resume(app, at, null);
    });
    return op;
  }

  delete(app: Application, nowMs: number): OperationRecord {
    this.cancelPending(app, nowMs);
    const op = this.beginOperation(app, 'DeleteApplication', nowMs);
    app.status = 'DELETING';
    app.runner = null;
    this.schedule(app, op, this.deps.config.deleteApplicationMs, nowMs, () => {
      this.apps.delete(app.name);
    });
    return op;
  }

  /** An interrupted transition (e.g. a stuck update being rolled back) is cancelled. */
  private cancelPending(app: Application, nowMs: number): void {
    if (!app.pending) return;
    const op = app.operations.find((o) => o.id === app.pending?.operationId);
    if (op) this.finish(op, 'CANCELLED', nowMs);
    app.pending = null;
  }

  /** One job step for every live application, then AWS's own autoscaling. */
  tick(nowMs: number): void {
    this.advance(nowMs);
    const elapsed = this.lastTickMs === null ? this.deps.config.jobTickMs : Math.max(0, nowMs - this.lastTickMs);
    this.lastTickMs = nowMs;
    for (const app of this.apps.values()) {
      if (!LIVE.has(app.status) || !app.runner) continue;
      const v = app.current;
      const rate = Number(property(v, EMULATOR_GROUP, RATE_KEY) ?? this.deps.config.recordsPerSecondPerSubtask);
      const report = app.runner.tick(nowMs, elapsed, {
        running: app.status === 'RUNNING',
        parallelism: app.currentParallelism,
        parallelismPerKpu: v.parallelism.parallelismPerKpu,
        recordsPerSecondPerSubtask: Number.isFinite(rate) && rate >= 0 ? rate : this.deps.config.recordsPerSecondPerSubtask,
        profile: profileFromProperties(property(v, EMULATOR_GROUP, PROFILE_KEY), property(v, EMULATOR_GROUP, IO_CPU_SHARE_KEY)),
        checkpointIntervalMs: v.checkpoint.checkpointIntervalMs,
        checkpointingEnabled: v.checkpoint.checkpointingEnabled,
        unhealthy: app.faults.unhealthy,
        runtime: v.runtime,
        metricsLevel: v.monitoring.metricsLevel,
      });
      if (app.status === 'RUNNING' && v.parallelism.autoScalingEnabled) this.autoscale(app, report.cpuUtilization, nowMs);
    }
  }

  private autoscale(app: Application, cpu: number, nowMs: number): void {
    const a = app.autoscaling;
    a.highCpuSamples = cpu >= SCALE_OUT_CPU ? a.highCpuSamples + 1 : 0;
    a.lowCpuSamples = cpu < SCALE_IN_CPU ? a.lowCpuSamples + 1 : 0;
    const current = app.currentParallelism;
    const perKpu = app.current.parallelism.parallelismPerKpu;
    let target = current;
    if (a.highCpuSamples >= SCALE_OUT_SAMPLES) target = Math.min(current * 2, 256);
    else if (a.lowCpuSamples >= SCALE_IN_SAMPLES) target = Math.max(app.current.parallelism.parallelism, Math.floor(current / 2));
    while (target > current && kpusFor(target, perKpu) > this.deps.config.maxKpus) target -= 1;
    if (target === current) return;
    app.autoscaling = { highCpuSamples: 0, lowCpuSamples: 0 };
    const op = this.beginOperation(app, 'UpdateApplication', nowMs);
    const runner = app.runner as JobRunner;
    const snapshot = runner.snapshot();
    app.status = 'AUTOSCALING';
    runner.beginOutage(nowMs);
    this.schedule(app, op, this.deps.config.updateApplicationMs, nowMs, (at) => {
      app.currentParallelism = target;
      this.resume(app, at, snapshot);
    });
  }
}
