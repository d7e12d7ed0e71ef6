/**
 * Issue 15: a pipeline whose spec names an IAM role makes every AWS call as that role — the
 * real pipeline workflow, the worker's STS credentials (cached), the emulator's AssumeRole and
 * its call log, which names the role behind each call. A pipeline without a role is unchanged.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { NativeConnection, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { createActivities } from '../../activities/index.js';
import { createRoleClients } from '../../activities/aws/clients.js';
import { planCalibration } from '../../model/calibration-plan.js';
import type { CalibrationStatus } from '../../model/calibration.js';
import {
  CALIBRATION_WORKFLOW_TYPE, calibrationWorkflowId, scaleOverrideUpdate, teardownSignal, type CalibrationWorkflowInput,
} from '../../workflows/contract.js';
import { startPipeline, testSpec } from '../workflows/lifecycle-harness.js';
import { TEST_REGION } from '../support/emulator.js';
import { temporalAddress, temporalNamespace } from '../support/temporal.js';
import { kinds, scalingSpec, settledIn, startScalingE2E, waitForScaling, type ScalingE2E } from './scaling-harness.js';

const ROLE = 'arn:aws:iam::123456789012:role/shardpilot-tenant-a';
let e2e: ScalingE2E;
let stop: () => Promise<void>;

beforeAll(async () => {
  e2e = await startScalingE2E({}, { worker: false });
  const url = e2e.cloud.emulator.url;
  const { roles, sts } = createRoleClients({
    region: TEST_REGION, local: true, publicationDelaySeconds: 0, apiRateShare: 1, endpoints: { kinesis: url, flink: url, cloudwatch: url, sts: url },
  });
  const connection = await NativeConnection.connect({ address: temporalAddress() });
  const worker = await Worker.create({
    connection, namespace: temporalNamespace(), taskQueue: e2e.taskQueue, workflowBundle: { codePath: inject('workflowBundlePath') },
    activities: createActivities({
      kinesis: e2e.cloud.kinesis, flink: e2e.cloud.flink, cloudwatch: e2e.cloud.cloudwatch, dataDir: 'data', roles, temporal: e2e.client,
      scalingPollIntervalMs: 100, pollTiming: { minDelayMs: 50, maxDelayMs: 200 },
    }),
  });
  const running = worker.run();
  stop = async () => {
    worker.shutdown();
    await running;
    await connection.close();
    roles.destroy();
    sts.destroy();
  };
});
afterAll(async () => {
  await stop?.();
  await e2e?.close();
});

/**
 * Calls the emulator served that name one of `resources` in their parameters, plus (with `metricReads`)
 * every GetMetricData — its logged parameters are summarised past the names, and only this test's pipeline ran
 * (since `since`, epoch ms).
 */
function callsFor(resources: string[], metricReads = false, since?: number) {
  return e2e.cloud.emulator.admin.calls({ since }).filter((c) => c.service !== 'sts'
    && ((metricReads && c.operation === 'GetMetricData') || resources.some((r) => JSON.stringify(c.params).includes(`"${r}`))));
}

describe('a pipeline with a role to assume (spec roleArn)', () => {
  it('provisions, scales, replays and tears down with the role\'s credentials, assuming the role once', { timeout: 120_000 }, async () => {
    const spec = testSpec('role-a', {
      roleArn: ROLE,
      replay: { source: 'sample', speedup: 3600, startPaused: false },
      scaling: scalingSpec({ policy: 'none' }),
    });
    const handle = await startPipeline(e2e.client, e2e.taskQueue, spec);
    await waitForScaling(e2e.client, handle.workflowId, (s) => s.phase === 'RUNNING' && s.capacity !== null, 'RUNNING', 60_000);
    await handle.executeUpdate(scaleOverrideUpdate, { args: [{ shards: 3 }] });
    const { history } = await waitForScaling(e2e.client, handle.workflowId, (s, h) => settledIn(['RUNNING'])(s) && h.some((r) => r.kind === 'verification'), 'verified override');
    expect(kinds(history)).toEqual(['override:ok', 'action:ok', 'verification:ok']);
    await waitForScaling(e2e.client, handle.workflowId, () => e2e.cloud.emulator.admin.calls({ operation: 'PutRecords' }).length > 0, 'the replay writing', 60_000);
    await handle.signal(teardownSignal, { reason: 'test done' });
    expect(await handle.result()).toMatchObject({ phase: 'DELETED' });

    const calls = callsFor(['role-a-trips', 'role-a-hotspots', 'shardpilot-role-a'], true);
    const operations = new Set(calls.map((c) => c.operation));
    for (const op of ['CreateStream', 'CreateApplication', 'StartApplication', 'PutDashboard', 'UpdateShardCount', 'GetMetricData', 'PutRecords', 'DeleteApplication', 'DeleteStream']) {
      expect(operations, `the pipeline made no ${op} call`).toContain(op);
    }
    const withoutRole = calls.filter((c) => c.role !== ROLE).map((c) => `${c.operation} (${c.role ?? 'worker credentials'})`);
    expect(withoutRole).toEqual([]);
    const assumed = e2e.cloud.emulator.admin.calls({ operation: 'AssumeRole' });
    expect(assumed.map((c) => (c.params as { RoleArn: string }).RoleArn)).toEqual([ROLE]);
    // The worker's policy in docs allows exactly this call.
    const policy = JSON.parse(readFileSync(resolve(import.meta.dirname, '../../docs/iam-assume-role-policy.json'), 'utf8')) as {
      Statement: Array<{ Action: string[]; Resource: string }>;
    };
    expect(policy.Statement.some((st) => st.Action.includes('sts:AssumeRole')
      && new RegExp(`^${st.Resource.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`).test(ROLE))).toBe(true);
  });

  it('makes the calls of a pipeline without a role with the worker\'s own credentials', { timeout: 90_000 }, async () => {
    const handle = await startPipeline(e2e.client, e2e.taskQueue, testSpec('role-none', { scaling: scalingSpec({ policy: 'none' }) }));
    await waitForScaling(e2e.client, handle.workflowId, (s) => s.phase === 'RUNNING' && s.capacity !== null, 'RUNNING', 60_000);
    await handle.signal(teardownSignal, { reason: 'test done' });
    await handle.result();
    const calls = callsFor(['role-none-trips', 'role-none-hotspots']);
    expect(calls.length).toBeGreaterThan(5);
    expect(calls.filter((c) => c.role !== undefined)).toEqual([]);
  });

  it('calibrates with the role\'s credentials too: the calibration\'s own load and metric reads', { timeout: 120_000 }, async () => {
    const since = Date.now();
    const spec = testSpec('role-cal', { roleArn: ROLE, scaling: scalingSpec({ policy: 'none' }) });
    const handle = await startPipeline(e2e.client, e2e.taskQueue, spec);
    await waitForScaling(e2e.client, handle.workflowId, (s) => s.phase === 'RUNNING' && s.capacity !== null, 'RUNNING', 60_000);
    const calibrating = Date.now();
    // One short step at the pipeline's own capacity: enough for the load and the metric reads.
    const { plan, problems } = planCalibration(
      {
        rates: [400], stepSeconds: 4, confirmSteps: 0, parallelism: 2, parallelismPerKpu: [1], steps: 1, headroom: 0.25,
        budget: { maxDurationSeconds: 600, maxCostUsd: 5 }, prices: { kpuHourUsd: 0.11, shardHourUsd: 0.015 },
      },
      { shards: 2, parallelism: 2, periodSeconds: 1, maxKpus: 64 },
    );
    expect(problems).toEqual([]);
    const input: CalibrationWorkflowInput = { pipelineId: spec.id, calibrationId: 'cal-role', request: plan!.request, timing: { metricsDelaySeconds: 0 } };
    const calibration = await e2e.client.workflow.start(CALIBRATION_WORKFLOW_TYPE, {
      workflowId: calibrationWorkflowId(spec.id), taskQueue: e2e.taskQueue, args: [input],
    });
    const done = await calibration.result() as CalibrationStatus;
    expect(done.state, JSON.stringify(done.steps.map((st) => st.reasons))).toBe('completed');
    expect(done.steps.length).toBeGreaterThan(0);
    await handle.signal(teardownSignal, { reason: 'test done' });
    await handle.result();

    // The pipeline has no replay: every PutRecords is the calibration's load.
    expect(e2e.cloud.emulator.admin.calls({ operation: 'PutRecords', since: calibrating }).length, 'the calibration sent no load').toBeGreaterThan(0);
    expect(e2e.cloud.emulator.admin.calls({ operation: 'GetMetricData', since: calibrating }).length).toBeGreaterThan(0);
    // Every call of this pipeline — its own and its calibration's (load, ListShards, metric reads) — as the role.
    const withoutRole = callsFor(['role-cal-trips', 'role-cal-hotspots'], true, since).filter((c) => c.role !== ROLE).map((c) => `${c.operation} (${c.role ?? 'worker credentials'})`);
    expect(withoutRole).toEqual([]);
  });
});
