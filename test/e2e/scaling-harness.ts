/**
 * End-to-end scaling set-up: the real pipeline workflow on a real Temporal dev server,
 * the project's activities, and the embedded emulator with short delays.
 */
import type { Client, WorkflowHandle } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker, type WorkflowBundleOption } from '@temporalio/worker';
import { inject } from 'vitest';
import { createActivities } from '../../activities/index.js';
import type { EmulatorOverrides } from '../../emulator/config.js';
import type { ScalingSpec } from '../../model/spec.js';
import type { PipelinePhase, PipelineStatus, ScalingRecord } from '../../model/status.js';
import { scalingHistoryQuery, statusQuery } from '../../workflows/contract.js';
import { startEmulatedCloud, type EmulatedCloud } from '../activities/scaling/emulated.js';
import { createTestClient, temporalAddress, temporalNamespace, uniqueTaskQueue } from '../support/temporal.js';
import { startPipeline, testSpec } from '../workflows/lifecycle-harness.js';

export interface ScalingE2E {
  cloud: EmulatedCloud;
  client: Client;
  taskQueue: string;
  close(): Promise<void>;
}

/** Worker state changes at INFO would drown the test output. */
function quietRuntime(): void {
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    // Already installed in this process.
  }
}

/** Emulator + client + (unless `worker: false`) an in-process Worker with the shared bundle. */
export async function startScalingE2E(overrides: EmulatorOverrides = {}, options: { worker?: boolean } = {}): Promise<ScalingE2E> {
  const cloud = await startEmulatedCloud({ callLogLimit: 100_000, ...overrides });
  const client = await createTestClient();
  const taskQueue = uniqueTaskQueue('scaling-e2e');
  const stopWorker = options.worker === false ? async () => undefined : await startWorker(cloud, taskQueue, undefined, client);
  return {
    cloud, client, taskQueue,
    async close() {
      await stopWorker();
      await client.connection.close();
      await cloud.close();
    },
  };
}

/**
 * A real Worker in this process on `taskQueue`, running `workflowBundle` (default: the run's
 * shared bundle of today's workflows); resolves to its (draining) stop function. With `temporal`,
 * the calibration activities can reach the pipeline workflow through it.
 */
export async function startWorker(
  cloud: EmulatedCloud, taskQueue: string, workflowBundle?: WorkflowBundleOption, temporal?: Client,
): Promise<() => Promise<void>> {
  quietRuntime();
  const codePath = inject('workflowBundlePath');
  if (workflowBundle === undefined && codePath === '') throw new Error(`shared workflow bundle failed: ${inject('workflowBundleError')}`);
  const connection = await NativeConnection.connect({ address: temporalAddress() });
  const worker = await Worker.create({
    connection, namespace: temporalNamespace(), taskQueue, workflowBundle: workflowBundle ?? { codePath },
    activities: createActivities({
      kinesis: cloud.kinesis, flink: cloud.flink, cloudwatch: cloud.cloudwatch, dataDir: 'data', scalingPollIntervalMs: 100,
      pollTiming: { minDelayMs: 50, maxDelayMs: 200 }, ...(temporal === undefined ? {} : { temporal }),
    }),
  });
  const running = worker.run();
  return async () => {
    worker.shutdown();
    await running;
    await connection.close();
  };
}

export function scalingSpec(overrides: Partial<ScalingSpec>): ScalingSpec {
  return {
    policy: 'none', enabled: true, intervalSeconds: 1, periodSeconds: 1, cooldownSeconds: 3,
    limits: { minShards: 1, maxShards: 16, minParallelism: 1, maxParallelism: 8, maxKpus: 64 },
    settleTimeoutSeconds: 10, verifyTimeoutSeconds: 4, parameters: {},
    ...overrides,
  };
}

export interface PipelineOptions {
  shards: number;
  parallelism: number;
  scaling: Partial<ScalingSpec>;
  recordsPerSecondPerSubtask?: number;
  continueAsNewAfterHistoryEvents?: number;
}

export async function startScalingPipeline(e2e: ScalingE2E, id: string, o: PipelineOptions): Promise<WorkflowHandle> {
  const spec = testSpec(id, {
    stream: { shardCount: o.shards, adopt: false, retentionHours: 24 },
    application: {
      parallelism: o.parallelism, parallelismPerKpu: 1, runtime: 'FLINK-1_20', snapshotsEnabled: true, adopt: false,
      serviceExecutionRole: 'arn:aws:iam::000000000000:role/flink',
      properties: { 'shardpilot.emulator': { RecordsPerSecondPerSubtask: String(o.recordsPerSecondPerSubtask ?? 4400) } },
    },
    scaling: scalingSpec(o.scaling),
  });
  const handle = await startPipeline(e2e.client, e2e.taskQueue, spec,
    o.continueAsNewAfterHistoryEvents === undefined ? {} : { continueAsNewAfterHistoryEvents: o.continueAsNewAfterHistoryEvents });
  await waitForScaling(e2e.client, handle.workflowId, (s) => s.phase === 'RUNNING' && s.capacity !== null, 'RUNNING with capacity', 60_000);
  return handle;
}

export interface Observed {
  status: PipelineStatus;
  history: ScalingRecord[];
}

/** Polls status and scaling history of the latest run (so it follows continue-as-new). */
export async function waitForScaling(
  client: Client, workflowId: string, done: (status: PipelineStatus, history: ScalingRecord[]) => boolean, what: string, timeoutMs = 60_000,
): Promise<Observed> {
  const deadline = Date.now() + timeoutMs;
  let last: Observed | undefined;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const handle = client.workflow.getHandle(workflowId);
      last = { status: await handle.query(statusQuery), history: await handle.query(scalingHistoryQuery) };
      if (done(last.status, last.history)) return last;
    } catch (err) {
      // Between two runs of a continue-as-new chain a query can miss; ask again.
      lastError = err;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(
    `timed out waiting for ${what}; phase ${last?.status.phase}, capacity ${JSON.stringify(last?.status.capacity)}, replay ${JSON.stringify(last?.status.replay)}, ` +
    `history ${JSON.stringify(last?.history.slice(-6))}, last error ${String(lastError)}`,
  );
}

export const settledIn = (phases: PipelinePhase[]) => (s: PipelineStatus): boolean => phases.includes(s.phase) && s.activeAction === null;

/** UpdateShardCount / UpdateApplication calls the emulator served for one resource. */
export function changeCalls(e2e: ScalingE2E, resource: string): Array<{ operation: string; outcome: string; target: unknown }> {
  return e2e.cloud.emulator.admin.calls()
    .filter((c) => c.operation === 'UpdateShardCount' || c.operation === 'UpdateApplication')
    .filter((c) => JSON.stringify(c.params).includes(`"${resource}"`))
    .map((c) => {
      const p = c.params as Record<string, unknown>;
      const config = p.ApplicationConfigurationUpdate as { FlinkApplicationConfigurationUpdate?: { ParallelismConfigurationUpdate?: { ParallelismUpdate?: number } } } | undefined;
      return {
        operation: c.operation,
        outcome: c.outcome,
        target: p.TargetShardCount ?? config?.FlinkApplicationConfigurationUpdate?.ParallelismConfigurationUpdate?.ParallelismUpdate,
      };
    });
}

/** The history without the quiet "keep capacity" decisions. */
export const kinds = (history: ScalingRecord[]): string[] =>
  history.filter((r) => !(r.kind === 'decision' && r.outcome === 'none')).map((r) => `${r.kind}:${r.outcome}`);

export async function rejectionOf(update: Promise<unknown>): Promise<string> {
  try {
    await update;
  } catch (err) {
    const cause = (err as { cause?: unknown }).cause;
    return cause instanceof Error ? cause.message : String(err);
  }
  throw new Error('the update was accepted, but a rejection was expected');
}
