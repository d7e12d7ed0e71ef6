/**
 * Issue 10 behaviours of pipelines left under shardpilot for months, on the real pipeline
 * workflow (dev server + Worker) against the emulator: how a pipeline ends while an action
 * runs, requests that arrive after teardown, cancellation from the Temporal UI, AWS's
 * 24-hour UpdateShardCount quota, carried state this build cannot read, and a policy or
 * replay controller that throws.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  autoscalingUpdate, eventsQuery, pipelineWorkflowId, scaleOverrideUpdate, scalingHistoryQuery, startReplayUpdate, statusQuery,
  teardownSignal,
} from '../../workflows/contract.js';
import { FAULTY_REPLAY_WORKFLOW_TYPE, INJECTED_REPLAY_FAULT } from '../fixtures/workflows/faulty-replay.js';
import { createPipeline } from '../activities/scaling/emulated.js';
import { startPipeline, testSpec, waitForPhase } from '../workflows/lifecycle-harness.js';
import {
  kinds, rejectionOf, scalingSpec, settledIn, startScalingE2E, startScalingPipeline, waitForScaling, type ScalingE2E,
} from './scaling-harness.js';

let e2e: ScalingE2E;

beforeAll(async () => {
  e2e = await startScalingE2E();
});
afterAll(async () => {
  await e2e?.close();
});

async function emulatorFault(path: string, body: object): Promise<void> {
  const response = await fetch(`${e2e.cloud.emulator.url}${path}`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
  });
  expect(response.ok).toBe(true);
}

/** The emulator's log of capacity changes and application stops for one pipeline, in arrival order. */
function lifecycleCalls(id: string): string[] {
  const watched = ['UpdateShardCount', 'SplitShard', 'MergeShards', 'UpdateApplication', 'RollbackApplication', 'StopApplication', 'DeleteApplication'];
  return e2e.cloud.emulator.admin.calls()
    .filter((c) => watched.includes(c.operation) && JSON.stringify(c.params).includes(`"${id}-`))
    .map((c) => `${c.operation}:${c.outcome}`);
}

/** Phases the pipeline went through, from its event list. */
async function phaseTrail(handle: WorkflowHandle): Promise<string[]> {
  return (await handle.query(eventsQuery)).flatMap((e) => (e.kind === 'phase' && typeof e.data?.to === 'string' ? [e.data.to] : []));
}

describe('a long-lived pipeline ends in order', () => {
  it('teardown during a scaling action lets it roll back first, refuses later requests, and nothing changes capacity once stopping began', { timeout: 120_000 }, async () => {
    const handle = await startScalingPipeline(e2e, 'll-end', { shards: 2, parallelism: 1, scaling: { settleTimeoutSeconds: 4, verifyTimeoutSeconds: 3 } });
    await emulatorFault('/_emulator/flink/faults', { application: 'll-end-hotspots', fault: 'stuck-updating' });
    await handle.executeUpdate(scaleOverrideUpdate, { args: [{ parallelism: 2, reason: 'before the teardown' }] });
    await waitForScaling(e2e.client, handle.workflowId, (s) => s.phase === 'SCALING', 'the action to run');
    await handle.signal(teardownSignal, { reason: 'decommissioned' });

    // Accepted now, these would never run: they are refused, saying why.
    expect(await rejectionOf(handle.executeUpdate(startReplayUpdate, { args: [{}] }))).toMatch(/teardown was requested/);
    expect(await rejectionOf(handle.executeUpdate(autoscalingUpdate, { args: [{ cooldownSeconds: 5 }] }))).toMatch(/teardown was requested/);
    expect(await rejectionOf(handle.executeUpdate(scaleOverrideUpdate, { args: [{ shards: 3 }] }))).toMatch(/teardown was requested/);

    expect(await handle.result()).toMatchObject({ phase: 'DELETED' });
    // The stuck update was rolled back before the application was stopped, and nothing came after.
    expect(lifecycleCalls('ll-end')).toEqual(['UpdateApplication:ok', 'RollbackApplication:ok', 'StopApplication:ok', 'DeleteApplication:ok']);
    const trail = await phaseTrail(handle);
    expect(trail.slice(trail.indexOf('TEARING_DOWN'))).toEqual(['TEARING_DOWN', 'DELETED']);
  });

  it('cancellation from the Temporal UI or a client tears down in order, after the running action has rolled back', { timeout: 120_000 }, async () => {
    const handle = await startScalingPipeline(e2e, 'll-cancel', { shards: 2, parallelism: 1, scaling: { settleTimeoutSeconds: 3, verifyTimeoutSeconds: 3 } });
    await emulatorFault('/_emulator/flink/faults', { application: 'll-cancel-hotspots', fault: 'stuck-updating' });
    await handle.executeUpdate(scaleOverrideUpdate, { args: [{ parallelism: 2 }] });
    await waitForScaling(e2e.client, handle.workflowId, (s) => s.phase === 'SCALING', 'the action to run');
    await handle.cancel();
    expect(await handle.result()).toMatchObject({ phase: 'DELETED' });
    expect(lifecycleCalls('ll-cancel')).toEqual(['UpdateApplication:ok', 'RollbackApplication:ok', 'StopApplication:ok', 'DeleteApplication:ok']);
    const events = await handle.query(eventsQuery);
    expect(events.map((e) => e.message)).toContain('Teardown requested: cancellation requested (Temporal UI or client): tearing down in order');
  });
});

describe('AWS quotas over a long life', () => {
  it('reshards with SplitShard/MergeShards when the 10-per-24-hours UpdateShardCount quota is spent, forward and in the rollback', { timeout: 120_000 }, async () => {
    const handle = await startScalingPipeline(e2e, 'll-quota', { shards: 2, parallelism: 1, scaling: {} });
    // Spent by someone else (another tool, the console): the workflow's own count is still 0.
    await emulatorFault('/_emulator/faults', {
      kind: 'fail', operation: 'UpdateShardCount', resource: 'll-quota-trips', count: 10, errorName: 'LimitExceededException',
      message: 'Rate exceeded for stream ll-quota-trips under account 000000000000. UpdateShardCount can be called 10 times per rolling 24-hour period.',
    });
    await handle.executeUpdate(scaleOverrideUpdate, { args: [{ shards: 3 }] });
    const first = await waitForScaling(e2e.client, handle.workflowId, (s, h) => settledIn(['RUNNING'])(s) && h.some((r) => r.kind === 'verification'), 'the verified action');
    expect(kinds(first.history)).toEqual(['override:ok', 'action:ok', 'verification:ok']);
    expect(first.history.find((r) => r.kind === 'action')?.reasons.join('; '))
      .toMatch(/resharded ll-quota-trips 2 → 3 shards by 2 SplitShard and 1 MergeShards calls \(UpdateShardCount quota spent: .*24-hour period\.\)/);
    expect(first.history.find((r) => r.kind === 'verification')?.reasons.join('; ')).toMatch(/stream ACTIVE with 3 open shards/);
    expect(first.status.capacity?.shards).toBe(3);
    expect(lifecycleCalls('ll-quota')).toEqual(['UpdateShardCount:error', 'SplitShard:ok', 'SplitShard:ok', 'MergeShards:ok']);

    // More shards and parallelism; the Flink update fails, so the rollback takes the shards back to 3, by hand too.
    await emulatorFault('/_emulator/faults', {
      kind: 'fail', operation: 'UpdateApplication', resource: 'll-quota-hotspots', count: 1, errorName: 'InvalidApplicationConfigurationException',
      message: 'Injected: invalid.',
    });
    await handle.executeUpdate(scaleOverrideUpdate, { args: [{ shards: 6, parallelism: 2 }] });
    const second = await waitForScaling(e2e.client, handle.workflowId, (s, h) => settledIn(['RUNNING', 'DEGRADED'])(s) && h.some((r) => r.kind === 'rollback'), 'the rollback');
    expect(kinds(second.history)).toEqual(['override:ok', 'action:ok', 'verification:ok', 'override:ok', 'action:failed', 'rollback:ok']);
    const rollback = second.history.find((r) => r.kind === 'rollback')?.reasons.join('; ');
    expect(rollback).toMatch(/resharded ll-quota-trips 6 → 3 shards by 0 SplitShard and 3 MergeShards calls \(UpdateShardCount quota spent/);
    expect(second.status).toMatchObject({ phase: 'RUNNING', capacity: { shards: 3, parallelism: 1 } });
    expect(lifecycleCalls('ll-quota').slice(4)).toEqual([
      'UpdateShardCount:error', 'SplitShard:ok', 'SplitShard:ok', 'SplitShard:ok', 'UpdateApplication:error',
      'UpdateShardCount:error', 'MergeShards:ok', 'MergeShards:ok', 'MergeShards:ok',
    ]);
    await handle.signal(teardownSignal, {});
    await handle.result();
  });
});

describe('carried state this build cannot read', () => {
  it('leaves the pipeline DEGRADED and explained, keeps its resources, and returns to RUNNING when a person resumes autoscaling', { timeout: 120_000 }, async () => {
    const spec = testSpec('ll-carry', { scaling: scalingSpec({ intervalSeconds: 1, periodSeconds: 1 }) });
    await createPipeline(e2e.cloud, { streamName: spec.stream.name, applicationName: spec.application.name }, 2, 1);
    // A continue-as-new input from before versioning whose scaling slice has a version no build knows.
    const carried = JSON.parse(readFileSync(resolve(import.meta.dirname, '../workflows/fixtures/carried-v1.json'), 'utf8'));
    carried.resources = { ...carried.resources, streamName: spec.stream.name, applicationName: spec.application.name };
    carried.extensions.replay = { pendingStart: null, childActive: false, progress: null, malformedRecorded: 0 };
    carried.extensions.scaling.version = 0;
    const handle = await startPipeline(e2e.client, e2e.taskQueue, spec, { carried });

    const degraded = await waitForPhase(handle, ['DEGRADED']);
    expect(degraded.attention).toMatch(/carried state could not be read: scaling slice has version 0; this build reads version 1/);
    expect(degraded.attention).toMatch(/Nothing was reset.*resume autoscaling \(PUT \/pipelines\/ll-carry\/autoscaling with \{"paused": false\}\)/);
    expect(degraded.autoscaling.paused).toBe(true);
    expect(degraded.resources).toMatchObject({ createdStream: true, createdApplication: true });

    await handle.executeUpdate(autoscalingUpdate, { args: [{ paused: false }] });
    const { status } = await waitForScaling(e2e.client, handle.workflowId, (s) => s.phase === 'RUNNING' && s.capacity?.shards === 2, 'RUNNING again');
    expect(status.attention).toBeNull();
    expect((await handle.query(statusQuery)).autoscaling.paused).toBe(false);
    await handle.signal(teardownSignal, {});
    expect(await handle.result()).toMatchObject({ phase: 'DELETED' });
  });
});

/** A continue-as-new input from before versioning (version 1), pointed at `spec`'s resources, ticking every second. */
interface CarriedV1 {
  resources: object;
  extensions: { replay: unknown; scaling: Record<string, unknown> & { settings: object } };
}
function carriedFor(spec: ReturnType<typeof testSpec>): CarriedV1 {
  const carried = JSON.parse(readFileSync(resolve(import.meta.dirname, '../workflows/fixtures/carried-v1.json'), 'utf8')) as CarriedV1;
  carried.resources = { ...carried.resources, streamName: spec.stream.name, applicationName: spec.application.name };
  carried.extensions.replay = { pendingStart: null, childActive: false, progress: null, malformedRecorded: 0 };
  Object.assign(carried.extensions.scaling.settings, { intervalSeconds: 1, periodSeconds: 1, cooldownSeconds: 3 });
  Object.assign(carried.extensions.scaling, { pendingOverride: null, lastSampleTimestamp: null });
  return carried;
}

describe('DEGRADED is always recoverable', () => {
  it('a policy that throws (its state written by another build) leaves the pipeline DEGRADED and explained; resuming restarts the policy and returns to RUNNING', { timeout: 120_000 }, async () => {
    const spec = testSpec('ll-policy', { scaling: scalingSpec({ policy: 'article-step' }) });
    await createPipeline(e2e.cloud, { streamName: spec.stream.name, applicationName: spec.application.name }, 2, 1);
    const carried = carriedFor(spec);
    // article-step's state as an older build wrote it: this build's article-step cannot read it.
    expect(carried.extensions.scaling.policyState).toEqual({ lowStreak: 2 });
    const handle = await startPipeline(e2e.client, e2e.taskQueue, spec, { carried });

    const degraded = await waitForPhase(handle, ['DEGRADED'], 60_000);
    expect(degraded.attention).toMatch(
      /^The scaling controller stopped with an error: policy article-step threw while deciding: article-step cannot read its state \(lastSampleTimestamp must be a number or null\); it was not written by this policy in this build\./,
    );
    expect(degraded.attention).toMatch(/nothing is scaled meanwhile\. Its state may have been written by another shardpilot build/);
    expect(degraded.attention).toMatch(/resume with PUT \/pipelines\/ll-policy\/autoscaling and \{"paused": false\}: the policy starts again from its initial state/);
    expect((await handle.query(scalingHistoryQuery)).filter((r) => r.kind === 'decision')).toEqual([]);

    await handle.executeUpdate(autoscalingUpdate, { args: [{ paused: false }] });
    // The controller runs again: the restarted policy decides (and says so in its own words).
    const { status, history } = await waitForScaling(e2e.client, handle.workflowId,
      (s, h) => s.phase === 'RUNNING' && h.some((r) => r.kind === 'decision' && r.source === 'policy'), 'RUNNING with a policy decision');
    expect(status.attention).toBeNull();
    expect(history.find((r) => r.kind === 'decision')?.reasons.join(' ')).toMatch(/shards: IncomingRecords|no new period|no IncomingRecords datapoint yet/);
    expect((await handle.query(eventsQuery)).map((e) => e.message))
      .toContain('Policy article-step starts from its initial state: policy article-step had thrown, and a person resumed autoscaling');
    await handle.signal(teardownSignal, {});
    expect(await handle.result()).toMatchObject({ phase: 'DELETED' });
  });

  it('a replay controller that throws leaves the pipeline DEGRADED and explained; resuming runs it again and a replay starts', { timeout: 120_000 }, async () => {
    const spec = testSpec('ll-replay-fault', { scaling: scalingSpec({}) });
    const handle = e2e.client.workflow.getHandle(pipelineWorkflowId(spec.id));
    await e2e.client.workflow.start(FAULTY_REPLAY_WORKFLOW_TYPE, { taskQueue: e2e.taskQueue, workflowId: handle.workflowId, args: [{ spec }] });

    const degraded = await waitForPhase(handle, ['DEGRADED'], 60_000);
    expect(degraded.attention).toBe(
      `The replay controller stopped with an error: ${INJECTED_REPLAY_FAULT}. The stream and the application keep running; nothing is ` +
      'replayed meanwhile. Fix the cause (the pipeline\'s workflow history in the Temporal UI shows the failing step; a replay child that ' +
      'ran keeps its own history), then resume with PUT /pipelines/ll-replay-fault/autoscaling and {"paused": false}: the replay controller ' +
      'starts again and the pipeline returns to RUNNING.',
    );
    expect(degraded.lastError).toMatchObject({ step: 'replay run', message: INJECTED_REPLAY_FAULT });
    // Accepted while DEGRADED, it waits for the controller.
    expect(await handle.executeUpdate(startReplayUpdate, { args: [{ startPaused: true }] })).toMatchObject({ state: 'paused' });

    await handle.executeUpdate(autoscalingUpdate, { args: [{ paused: false }] });
    await waitForPhase(handle, ['RUNNING'], 60_000);
    const deadline = Date.now() + 60_000;
    let messages: string[] = [];
    while (Date.now() < deadline && !messages.some((m) => m.startsWith('Replay child replay-ll-replay-fault started'))) {
      await new Promise((r) => setTimeout(r, 250));
      messages = (await handle.query(eventsQuery)).map((e) => e.message);
    }
    expect(messages.filter((m) => m.startsWith('Replay child'))).toEqual([expect.stringMatching(/^Replay child replay-ll-replay-fault started: sample/)]);
    expect((await handle.query(statusQuery)).attention).toBeNull();
    await handle.signal(teardownSignal, {});
    expect(await handle.result()).toMatchObject({ phase: 'DELETED' });
  });
});
