/**
 * Shared by the life-cycle workflow tests and the crash test: start a pipeline workflow
 * the way the API does, and poll its status until a phase is reached.
 */
import type { Client, WorkflowHandle, WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import { resolveSpec, type PipelineSpec, type PipelineSpecInput } from '../../model/spec.js';
import type { PipelinePhase, PipelineStatus } from '../../model/status.js';
import type { PipelineWorkflowInput, pipelineWorkflow } from '../../workflows/pipeline.js';
import {
  PIPELINE_WORKFLOW_TYPE, applicationNameKey, pipelineIdKey, pipelinePhaseKey, pipelineStaticDetails, pipelineStaticSummary,
  STALE_ACTIVATION_REFUSED, pipelineWorkflowId, statusQuery, streamNameKey,
} from '../../workflows/contract.js';

/** A small pipeline whose scaling loop stays out of the way of life-cycle tests. */
export function testSpec(id: string, input: Partial<PipelineSpecInput> = {}): PipelineSpec {
  return resolveSpec(
    {
      retainOnFailure: false,
      retainStreamOnDelete: false,
      ...input,
      stream: { shardCount: 2, adopt: false, retentionHours: 24, ...input.stream },
      application: {
        parallelism: 2, parallelismPerKpu: 1, runtime: 'FLINK-1_20', snapshotsEnabled: true, adopt: false,
        serviceExecutionRole: 'arn:aws:iam::000000000000:role/flink', ...input.application,
      },
      scaling: input.scaling ?? {
        policy: 'none', enabled: false, intervalSeconds: 3600, periodSeconds: 60, cooldownSeconds: 600,
        limits: { minShards: 1, maxShards: 16, minParallelism: 1, maxParallelism: 32, maxKpus: 64 },
        settleTimeoutSeconds: 60, verifyTimeoutSeconds: 60, parameters: {},
      },
    },
    id,
  );
}

export async function startPipeline(
  client: Client,
  taskQueue: string,
  spec: PipelineSpec,
  extra: Omit<PipelineWorkflowInput, 'spec'> = {},
  memo?: Record<string, unknown>,
): Promise<WorkflowHandleWithFirstExecutionRunId<typeof pipelineWorkflow>> {
  return client.workflow.start<typeof pipelineWorkflow>(PIPELINE_WORKFLOW_TYPE, {
    taskQueue,
    workflowId: pipelineWorkflowId(spec.id),
    args: [{ spec, ...extra }],
    ...(memo ? { memo } : {}),
    staticSummary: pipelineStaticSummary(spec),
    staticDetails: pipelineStaticDetails(spec),
    typedSearchAttributes: [
      { key: pipelineIdKey, value: spec.id },
      { key: pipelinePhaseKey, value: 'PROVISIONING' },
      { key: streamNameKey, value: spec.stream.name },
      { key: applicationNameKey, value: spec.application.name },
    ],
  });
}

/**
 * The status query, asked again while the worker refuses it as stale: after a worker crash or a
 * deploy, the replacement refuses a query that would run on events no workflow task has started
 * yet (workflows/stale-activation.ts; the API answers 503 then), and the API's clients ask again.
 */
export async function queryStatus(handle: WorkflowHandle, timeoutMs = 30_000): Promise<PipelineStatus> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await handle.query(statusQuery);
    } catch (err) {
      if (!(err instanceof Error && err.message.includes(STALE_ACTIVATION_REFUSED)) || Date.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

/** Polls the status query; throws with the last status when the phase is not reached in time. */
export async function waitForPhase(
  handle: WorkflowHandle,
  phases: PipelinePhase[],
  timeoutMs = 30_000,
): Promise<PipelineStatus> {
  const deadline = Date.now() + timeoutMs;
  let last: PipelineStatus | undefined;
  while (Date.now() < deadline) {
    last = await queryStatus(handle, Math.max(0, deadline - Date.now()));
    if (phases.includes(last.phase)) return last;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`phase ${phases.join('/')} not reached in ${timeoutMs} ms; last status: ${JSON.stringify(last?.phase)} ${JSON.stringify(last?.lastError)}`);
}
