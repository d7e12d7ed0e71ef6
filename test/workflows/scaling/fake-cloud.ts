/**
 * An in-memory stand-in for Kinesis + Managed Flink behind the scaling activities'
 * interface: real state transitions with short delays, a call log, and faults — so the
 * saga's paths (verify, rollback, DEGRADED) are tested against a real Temporal server
 * without the emulator. Several pipelines share one Worker, keyed by stream name.
 */
import { ApplicationFailure, Context } from '@temporalio/activity';
import type { ScalingActivities } from '../../../activities/scaling/index.js';
import type { CapacitySnapshot, ScalingResources } from '../../../activities/scaling/types.js';
import type { MetricsSample } from '../../../scaling/types.js';

export interface FakePipeline {
  stream: { status: 'ACTIVE' | 'UPDATING'; openShards: number };
  app: { status: 'RUNNING' | 'UPDATING'; parallelism: number; currentParallelism: number; versionId: number };
  /** Records per second arriving on the stream (what IncomingRecords reports). */
  incomingPerSecond: number;
  calls: Array<{ op: 'UpdateShardCount' | 'UpdateApplication'; target: number }>;
  faults: {
    /** UpdateApplication calls that fail with an AWS error before changing anything. */
    failUpdateApplication: number;
    /** UpdateApplication calls after which the job keeps restarting (unhealthy). */
    unhealthyUpdates: number;
  };
  unhealthy: boolean;
  settleMs: number;
  /**
   * Records per second that periods overlapping an action in flight (from its first change to
   * the end of its verification) report instead of `incomingPerSecond`: evidence that is stale
   * once the action has finished.
   */
  spikeDuringActions?: number;
  /** Epoch seconds [from, to) of each action in flight; `to` null while it runs. */
  actions: Array<{ from: number; to: number | null }>;
  /** Every readMetrics call: when, and whether it asked for the capacity too. */
  reads: Array<{ atMs: number; described: boolean }>;
}

export class FakeCloud {
  private readonly pipelines = new Map<string, FakePipeline>();

  add(streamName: string, init: { shards: number; parallelism: number; incomingPerSecond?: number; settleMs?: number }): FakePipeline {
    const p: FakePipeline = {
      stream: { status: 'ACTIVE', openShards: init.shards },
      app: { status: 'RUNNING', parallelism: init.parallelism, currentParallelism: init.parallelism, versionId: 1 },
      incomingPerSecond: init.incomingPerSecond ?? 0,
      calls: [],
      faults: { failUpdateApplication: 0, unhealthyUpdates: 0 },
      unhealthy: false,
      settleMs: init.settleMs ?? 300,
      actions: [],
      reads: [],
    };
    this.pipelines.set(streamName, p);
    return p;
  }

  private get(streamName: string): FakePipeline {
    const p = this.pipelines.get(streamName);
    if (!p) throw ApplicationFailure.nonRetryable(`no fake stream ${streamName}`, 'AwsResourceNotFound');
    return p;
  }

  private snapshot(p: FakePipeline): CapacitySnapshot {
    return {
      streamStatus: p.stream.status, openShards: p.stream.openShards, applicationStatus: p.app.status,
      parallelism: p.app.parallelism, currentParallelism: p.app.currentParallelism, parallelismPerKpu: 1,
      autoScalingEnabled: false, applicationVersionId: p.app.versionId,
    };
  }

  private sample(p: FakePipeline, timestamp: number, periodSeconds: number): MetricsSample {
    const processing = p.app.status === 'RUNNING' && !p.unhealthy;
    const duringAction = p.actions.some((a) => timestamp + periodSeconds > a.from && (a.to === null || timestamp < a.to));
    const incoming = duringAction && p.spikeDuringActions !== undefined ? p.spikeDuringActions : p.incomingPerSecond;
    return {
      timestamp, periodSeconds,
      incomingRecords: incoming * periodSeconds, incomingBytes: incoming * periodSeconds * 300,
      writeProvisionedThroughputExceeded: 0, iteratorAgeMs: 0, millisBehindLatest: 0,
      numRecordsInPerSecond: processing ? incoming : 0, cpuUtilization: 50, kpus: p.app.currentParallelism + 1,
      downtime: processing ? 0 : 1000, fullRestarts: p.unhealthy ? timestamp : 0,
    };
  }

  private async poll(until: () => boolean, deadlineEpochMs: number): Promise<boolean> {
    while (!until()) {
      if (Date.now() >= deadlineEpochMs) return false;
      Context.current().heartbeat();
      await Context.current().sleep(50);
    }
    return true;
  }

  activities(): ScalingActivities {
    const describe = (r: ScalingResources): CapacitySnapshot => this.snapshot(this.get(r.streamName));
    return {
      readMetrics: async (input) => {
        const p = this.get(input.streamName);
        p.reads.push({ atMs: Date.now(), described: input.describeCapacity !== false });
        const end = Math.floor(Date.now() / 1000 / input.periodSeconds) * input.periodSeconds - input.periodSeconds;
        const start = Math.max(end - input.maxPeriods * input.periodSeconds, (input.afterTimestamp ?? -Infinity) + input.periodSeconds);
        const samples: MetricsSample[] = [];
        for (let t = start; t < end; t += input.periodSeconds) samples.push(this.sample(p, t, input.periodSeconds));
        return input.describeCapacity === false ? { samples } : { samples, capacity: this.snapshot(p) };
      },
      describeCapacity: async (r) => describe(r),
      applyShardCount: async ({ streamName, targetShards }) => {
        const p = this.get(streamName);
        if (p.stream.status === 'UPDATING' || p.stream.openShards === targetShards) return { called: false, message: 'already' };
        p.calls.push({ op: 'UpdateShardCount', target: targetShards });
        p.actions.push({ from: Date.now() / 1000, to: null });
        p.stream.status = 'UPDATING';
        setTimeout(() => {
          p.stream = { status: 'ACTIVE', openShards: targetShards };
        }, p.settleMs);
        return { called: true, message: `UpdateShardCount → ${targetShards}` };
      },
      applyParallelism: async ({ applicationName, targetParallelism }) => {
        const p = this.get(applicationName.replace(/-hotspots$/, '-trips'));
        if (p.app.parallelism === targetParallelism && p.app.currentParallelism === targetParallelism && !p.unhealthy) {
          return { called: false, message: 'already' };
        }
        p.calls.push({ op: 'UpdateApplication', target: targetParallelism });
        if (p.faults.failUpdateApplication > 0) {
          p.faults.failUpdateApplication -= 1;
          throw ApplicationFailure.nonRetryable('InvalidApplicationConfigurationException: injected fault', 'AwsNonRetryable');
        }
        const unhealthy = p.faults.unhealthyUpdates > 0;
        if (unhealthy) p.faults.unhealthyUpdates -= 1;
        p.app = { ...p.app, status: 'UPDATING', parallelism: targetParallelism, versionId: p.app.versionId + 1 };
        setTimeout(() => {
          p.app = { ...p.app, status: 'RUNNING', currentParallelism: targetParallelism };
          p.unhealthy = unhealthy;
        }, p.settleMs);
        return { called: true, message: `UpdateApplication → ${targetParallelism}` };
      },
      revertApplication: async () => {
        throw ApplicationFailure.nonRetryable('the fake cloud has no stuck updates to roll back', 'AwsNonRetryable');
      },
      waitSettled: async (input) => {
        const p = this.get(input.streamName);
        const settled = await this.poll(() => p.stream.status === 'ACTIVE' && p.app.status === 'RUNNING', input.deadlineEpochMs);
        return { settled, capacity: this.snapshot(p), message: settled ? 'settled' : 'not settled in time' };
      },
      verifyHealth: async (input) => {
        const p = this.get(input.streamName);
        const healthy = await this.poll(
          () => p.stream.openShards === input.shards && p.app.currentParallelism === input.parallelism && p.app.status === 'RUNNING' && !p.unhealthy,
          input.deadlineEpochMs,
        );
        for (const a of p.actions) a.to ??= Date.now() / 1000;
        return {
          healthy,
          reasons: healthy ? ['healthy'] : [p.unhealthy ? 'fullRestarts climbing' : 'capacity not reached'],
          capacity: this.snapshot(p),
        };
      },
    };
  }
}
