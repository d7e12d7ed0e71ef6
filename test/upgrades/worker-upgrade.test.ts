/**
 * The upgrade a user does: pipelines run for a while on the previous release's worker
 * (its frozen workflow bundle), that worker is stopped, and a worker with today's code
 * takes over. Each pipeline must carry on — tick, scale, replay, continue as new and tear
 * down — with no nondeterminism (no failed workflow task) anywhere in its history.
 */
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PipelineStatus } from '../../model/status.js';
import { replayControlUpdate, scaleOverrideUpdate, teardownSignal } from '../../workflows/contract.js';
import { replayWorkflowId } from '../../workflows/replay/messages.js';
import {
  changeCalls, kinds, scalingSpec, settledIn, startScalingE2E, startScalingPipeline, startWorker, waitForScaling, type ScalingE2E,
} from '../e2e/scaling-harness.js';
import { until } from '../support/worker-process.js';
import { queryStatus, startPipeline, testSpec } from '../workflows/lifecycle-harness.js';
import { loadPreviousWorkflows, previousReleases } from './previous-workflows.js';

const Cause = temporal.api.enums.v1.WorkflowTaskFailedCause;
/** Failed workflow tasks that are not about the code: a signal raced a completion, a worker left its sticky queue. */
const BENIGN = new Set([Cause.WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND, Cause.WORKFLOW_TASK_FAILED_CAUSE_RESET_STICKY_TASK_QUEUE]);

let e2e: ScalingE2E;
let stopPrevious: (() => Promise<void>) | undefined;
let stopCurrent: (() => Promise<void>) | undefined;

beforeAll(async () => {
  // A slow reshard keeps the override in flight while the workers are swapped.
  e2e = await startScalingE2E({ kinesis: { updateShardCountMs: 5000 } }, { worker: false });
});
afterAll(async () => {
  await stopPrevious?.();
  await stopCurrent?.();
  await e2e?.close();
});

const status = (client: Client, workflowId: string): Promise<PipelineStatus> => queryStatus(client.workflow.getHandle(workflowId));

/** Failed workflow tasks of every run of `workflowId`, as "run: cause: message". */
async function failedWorkflowTasks(client: Client, workflowId: string): Promise<string[]> {
  const failures: string[] = [];
  for await (const run of client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) {
    const history = await client.workflow.getHandle(workflowId, run.runId).fetchHistory();
    for (const event of history.events ?? []) {
      const failed = event.workflowTaskFailedEventAttributes;
      if (failed && !BENIGN.has(failed.cause ?? Cause.WORKFLOW_TASK_FAILED_CAUSE_UNSPECIFIED)) {
        failures.push(`${workflowId} ${run.runId}: ${Cause[failed.cause ?? 0]}: ${failed.failure?.message ?? ''}`);
      }
    }
  }
  return failures;
}

describe.each(previousReleases())('upgrading the worker from release %s to today\'s workflow code', (release) => {
  it('keeps pipelines started on it running: mid-action, mid-replay and across continue-as-new', { timeout: 240_000 }, async () => {
    const previous = loadPreviousWorkflows(release);
    stopPrevious = await startWorker(e2e.cloud, e2e.taskQueue, previous.bundle);
    const { client } = e2e;

    // On the previous release: one pipeline that continues as new every few ticks, one replaying, one mid-override.
    const ticking = await startScalingPipeline(e2e, 'upg-can', {
      shards: 2, parallelism: 1, scaling: { cooldownSeconds: 2 }, continueAsNewAfterHistoryEvents: 40,
    });
    const replaying = await startPipeline(client, e2e.taskQueue, testSpec('upg-rpl', {
      replay: { source: 'sample', speedup: 300, startPaused: false }, scaling: scalingSpec({ policy: 'none' }),
    }));
    const acting = await startScalingPipeline(e2e, 'upg-act', { shards: 4, parallelism: 1, scaling: { settleTimeoutSeconds: 60 } });
    await until('a continue-as-new on the previous release', async () => (await status(client, ticking.workflowId)).continuedAsNewCount >= 1, 60_000);
    await until('the replay to send events', async () => ((await status(client, replaying.workflowId)).replay?.eventsSent ?? 0) > 0, 60_000);
    await acting.executeUpdate(scaleOverrideUpdate, { args: [{ shards: 6, parallelism: 2, reason: 'in flight during the upgrade' }] });
    await until('UpdateShardCount to be sent', () => changeCalls(e2e, 'upg-act-trips').length > 0, 30_000);

    const before = {
      runs: (await status(client, ticking.workflowId)).continuedAsNewCount,
      sent: (await status(client, replaying.workflowId)).replay?.eventsSent ?? 0,
    };
    // The deploy: the previous worker drains and stops, today's takes the same task queue.
    await stopPrevious();
    stopPrevious = undefined;
    stopCurrent = await startWorker(e2e.cloud, e2e.taskQueue);

    // The action begun on the previous release finishes on today's, applied once.
    const acted = await waitForScaling(client, acting.workflowId, (s, h) => settledIn(['RUNNING'])(s) && h.some((r) => r.kind === 'verification'),
      'the in-flight override to be verified', 90_000);
    expect(kinds(acted.history)).toEqual(['override:ok', 'action:ok', 'verification:ok']);
    expect(acted.status.capacity).toMatchObject({ shards: 6, parallelism: 2 });
    expect(changeCalls(e2e, 'upg-act-trips')).toEqual([{ operation: 'UpdateShardCount', outcome: 'ok', target: 6 }]);

    // The ticking pipeline keeps its carried state, continues as new on today's code and still scales.
    await waitForScaling(client, ticking.workflowId, (s) => s.continuedAsNewCount > before.runs, 'a continue-as-new on today\'s code', 60_000);
    await client.workflow.getHandle(ticking.workflowId).executeUpdate(scaleOverrideUpdate, { args: [{ shards: 3, reason: 'after the upgrade' }] });
    const scaled = await waitForScaling(client, ticking.workflowId, (s, h) => settledIn(['RUNNING'])(s) && h.some((r) => r.kind === 'verification'),
      'an override on today\'s code', 90_000);
    expect(scaled.status.capacity?.shards).toBe(3);

    // The replay child started by the previous release keeps sending, and still obeys its pipeline.
    await until('the replay to go on after the upgrade', async () => ((await status(client, replaying.workflowId)).replay?.eventsSent ?? 0) > before.sent, 60_000);
    await client.workflow.getHandle(replaying.workflowId).executeUpdate(replayControlUpdate, { args: [{ action: 'stop' }] });
    await until('the replay to stop', async () => (await status(client, replaying.workflowId)).replay?.state === 'stopped', 30_000);

    for (const id of [ticking.workflowId, replaying.workflowId, acting.workflowId]) {
      const handle = client.workflow.getHandle(id);
      await handle.signal(teardownSignal, { reason: 'upgrade test done' });
      expect(await handle.result()).toMatchObject({ phase: 'DELETED' });
    }
    const ids = [ticking.workflowId, replaying.workflowId, acting.workflowId, replayWorkflowId('upg-rpl')];
    const failures = (await Promise.all(ids.map((id) => failedWorkflowTasks(client, id)))).flat();
    expect(failures).toEqual([]);
  });
});
