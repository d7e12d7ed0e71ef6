/**
 * Shared set-up for the scaling workflow tests: one Worker for the scaling host
 * fixture, bundled once per file, and helpers to start pipelines and wait on them.
 */
import { resolve } from 'node:path';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { NativeConnection, Worker, bundleWorkflowCode } from '@temporalio/worker';
import { resolveSpec, type PipelineSpecInput, type ScalingSpec, type StreamSpec } from '../../../model/spec.js';
import type { PipelineStatus, ScalingRecord } from '../../../model/status.js';
import { scalingHistoryQuery, statusQuery, teardownSignal } from '../../../workflows/contract.js';
import type { fixtureScalingHostWorkflow, ScalingHostResult } from '../../fixtures/scaling-host/workflow.js';
import { createTestClient, temporalAddress, temporalNamespace, uniqueTaskQueue } from '../../support/temporal.js';

export const HOST_WORKFLOWS = resolve(import.meta.dirname, '../../fixtures/scaling-host/workflow.ts');

export interface HostHarness {
  client: Client;
  taskQueue: string;
  close(): Promise<void>;
}

export async function startHostWorker(activities: object): Promise<HostHarness> {
  const taskQueue = uniqueTaskQueue('scaling');
  const { code } = await bundleWorkflowCode({ workflowsPath: HOST_WORKFLOWS, logger: quietLogger });
  const connection = await NativeConnection.connect({ address: temporalAddress() });
  const worker = await Worker.create({
    connection, namespace: temporalNamespace(), taskQueue, activities, workflowBundle: { code },
  });
  const running = worker.run();
  const client = await createTestClient();
  return {
    client,
    taskQueue,
    async close() {
      worker.shutdown();
      await running;
      await connection.close();
      await client.connection.close();
    },
  };
}

const ignore = (): void => undefined;
const quietLogger = { log: ignore, trace: ignore, debug: ignore, info: ignore, warn: ignore, error: ignore };

/** Short intervals and bounds so each test takes seconds. */
export interface TestSpecInput {
  stream?: Partial<StreamSpec>;
  scaling?: Partial<ScalingSpec>;
}

export function fastSpec(id: string, input: TestSpecInput = {}) {
  const spec: PipelineSpecInput = {
    retainOnFailure: false,
    retainStreamOnDelete: false,
    stream: { shardCount: 8, adopt: false, retentionHours: 24, ...input.stream },
    scaling: {
      policy: 'none', enabled: true, intervalSeconds: 1, periodSeconds: 1, cooldownSeconds: 60,
      limits: { minShards: 1, maxShards: 16, minParallelism: 1, maxParallelism: 32, maxKpus: 64 },
      settleTimeoutSeconds: 5, verifyTimeoutSeconds: 3, parameters: {},
      ...input.scaling,
    },
  };
  return resolveSpec(spec, id);
}

export type HostHandle = WorkflowHandle<typeof fixtureScalingHostWorkflow>;

export async function startHost(
  h: HostHarness, id: string, input: TestSpecInput = {}, continueAsNewAfterHistoryEvents?: number,
): Promise<HostHandle> {
  const handle = await h.client.workflow.start<typeof fixtureScalingHostWorkflow>('fixtureScalingHostWorkflow', {
    taskQueue: h.taskQueue,
    workflowId: `scaling-host-${id}`,
    args: [{ spec: fastSpec(id, input), continueAsNewAfterHistoryEvents }],
  });
  await waitFor(handle, (s) => s.capacity !== null, 'capacity to be read');
  return handle;
}

export async function waitFor(
  handle: HostHandle, predicate: (status: PipelineStatus, history: ScalingRecord[]) => boolean, what: string, timeoutMs = 20_000,
): Promise<{ status: PipelineStatus; history: ScalingRecord[] }> {
  const deadline = Date.now() + timeoutMs;
  let last: { status: PipelineStatus; history: ScalingRecord[] } | undefined;
  while (Date.now() < deadline) {
    try {
      // Queries go to the latest run, so they follow continue-as-new.
      const latest = handle.client.getHandle(handle.workflowId);
      last = { status: await latest.query(statusQuery), history: await latest.query(scalingHistoryQuery) };
      if (predicate(last.status, last.history)) return last;
    } catch {
      // The run may be between continue-as-new hand-overs; ask again.
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}; last status phase ${last?.status.phase}, history ${JSON.stringify(last?.history)}`);
}

export async function finish(handle: HostHandle): Promise<ScalingHostResult> {
  const latest = handle.client.getHandle<typeof fixtureScalingHostWorkflow>(handle.workflowId);
  await latest.signal(teardownSignal, { reason: 'test done' });
  return latest.result();
}

export const kinds = (history: ScalingRecord[]): string[] => history.map((r) => `${r.kind}:${r.outcome}`);

/** The reason an update was rejected: the validator's ApplicationFailure rides as the cause. */
export async function rejection(update: Promise<unknown>): Promise<string> {
  try {
    await update;
  } catch (err) {
    const cause = (err as { cause?: unknown }).cause;
    return cause instanceof Error ? cause.message : String(err);
  }
  throw new Error('the update was accepted, but a rejection was expected');
}
