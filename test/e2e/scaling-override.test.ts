import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scaleOverrideUpdate, teardownSignal } from '../../workflows/contract.js';
import {
  changeCalls, kinds, rejectionOf, settledIn, startScalingE2E, startScalingPipeline, waitForScaling, type ScalingE2E,
} from './scaling-harness.js';

let e2e: ScalingE2E;

beforeAll(async () => {
  e2e = await startScalingE2E();
});
afterAll(async () => {
  await e2e?.close();
});

describe('manual scale overrides on the real pipeline workflow (emulator)', () => {
  it('rejects 20 shards on an 8-shard stream as more than 2×, then applies and verifies 12 shards', { timeout: 120_000 }, async () => {
    const handle = await startScalingPipeline(e2e, 'sc-ovr', { shards: 8, parallelism: 1, scaling: {} });
    const rejected = await rejectionOf(handle.executeUpdate(scaleOverrideUpdate, { args: [{ shards: 20 }] }));
    expect(rejected).toMatch(/20 shards is more than 2× the 8 open shards \(UpdateShardCount allows at most 16\)/);

    const accepted = await handle.executeUpdate(scaleOverrideUpdate, { args: [{ shards: 12, reason: 'planned event' }] });
    expect(accepted).toMatchObject({ accepted: true, before: { shards: 8 }, target: { shards: 12 } });
    const { status, history } = await waitForScaling(
      e2e.client, handle.workflowId, (s, h) => settledIn(['RUNNING'])(s) && h.some((r) => r.kind === 'verification'), 'verified override',
    );
    expect(kinds(history)).toEqual(['override:ok', 'action:ok', 'verification:ok']);
    expect(history.find((r) => r.kind === 'verification')?.reasons.join('; ')).toMatch(/stream ACTIVE with 12 open shards/);
    expect(status.capacity?.shards).toBe(12);
    expect(status.shardUpdatesLast24h).toBe(1);
    expect(changeCalls(e2e, 'sc-ovr-trips')).toEqual([{ operation: 'UpdateShardCount', outcome: 'ok', target: 12 }]);
    await handle.signal(teardownSignal, { reason: 'test done' });
    await handle.result();
  });

  it('rolls back when the emulator fails the next UpdateApplication, and the history says why', { timeout: 120_000 }, async () => {
    const handle = await startScalingPipeline(e2e, 'sc-fail', { shards: 2, parallelism: 1, scaling: {} });
    const fault = await fetch(`${e2e.cloud.emulator.url}/_emulator/faults`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        kind: 'fail', operation: 'UpdateApplication', count: 1, errorName: 'InvalidApplicationConfigurationException',
        message: 'Injected: the application configuration is invalid.',
      }),
    });
    expect(fault.ok).toBe(true);
    await handle.executeUpdate(scaleOverrideUpdate, { args: [{ parallelism: 2 }] });
    const { status, history } = await waitForScaling(
      e2e.client, handle.workflowId, (s, h) => settledIn(['RUNNING', 'DEGRADED'])(s) && h.some((r) => r.kind === 'rollback'), 'rollback',
    );
    expect(kinds(history)).toEqual(['override:ok', 'action:failed', 'rollback:ok']);
    const rollback = history.find((r) => r.kind === 'rollback');
    expect(rollback?.reasons.join('; ')).toMatch(/InvalidApplicationConfigurationException/);
    expect(rollback?.after).toEqual({ shards: 2, parallelism: 1 });
    expect(status.phase).toBe('RUNNING');
    expect(status.capacity).toMatchObject({ shards: 2, parallelism: 1 });
    expect(changeCalls(e2e, 'sc-fail-hotspots').map((c) => `${c.operation}:${c.outcome}`)).toEqual(['UpdateApplication:error']);
    await handle.signal(teardownSignal, { reason: 'test done' });
    await handle.result();
  });

  it('rolls back an update that leaves the job restarting, restoring the previous parallelism', { timeout: 120_000 }, async () => {
    const handle = await startScalingPipeline(e2e, 'sc-sick', { shards: 2, parallelism: 1, scaling: { verifyTimeoutSeconds: 3 } });
    await flinkFault('sc-sick-hotspots', 'unhealthy-after-update');
    await handle.executeUpdate(scaleOverrideUpdate, { args: [{ parallelism: 2 }] });
    const { status, history } = await waitForScaling(
      e2e.client, handle.workflowId, (s, h) => settledIn(['RUNNING', 'DEGRADED'])(s) && h.some((r) => r.kind === 'rollback'), 'rollback',
    );
    expect(kinds(history)).toEqual(['override:ok', 'action:ok', 'verification:failed', 'rollback:ok']);
    expect(history.find((r) => r.kind === 'verification')?.reasons.join('; ')).toMatch(/downtime is \d+ ms|restarts rose from \d+ before the action to \d+/);
    expect(status.phase).toBe('RUNNING');
    expect(status.capacity).toMatchObject({ shards: 2, parallelism: 1 });
    // One forward update, one rollback update: nothing applied twice.
    expect(changeCalls(e2e, 'sc-sick-hotspots').map((c) => `${c.operation}:${c.outcome}`)).toEqual(['UpdateApplication:ok', 'UpdateApplication:ok']);
    await handle.signal(teardownSignal, { reason: 'test done' });
    await handle.result();
  });

  it('rolls back an update stuck in UPDATING with RollbackApplication', { timeout: 120_000 }, async () => {
    const handle = await startScalingPipeline(e2e, 'sc-stuck', { shards: 2, parallelism: 1, scaling: { settleTimeoutSeconds: 2 } });
    await flinkFault('sc-stuck-hotspots', 'stuck-updating');
    await handle.executeUpdate(scaleOverrideUpdate, { args: [{ parallelism: 2 }] });
    const { status, history } = await waitForScaling(
      e2e.client, handle.workflowId, (s, h) => settledIn(['RUNNING', 'DEGRADED'])(s) && h.some((r) => r.kind === 'rollback'), 'rollback',
    );
    expect(kinds(history)).toEqual(['override:ok', 'action:failed', 'rollback:ok']);
    expect(history.find((r) => r.kind === 'action')?.reasons.join('; ')).toMatch(/not settled in time: .*application UPDATING/);
    expect(history.find((r) => r.kind === 'rollback')?.reasons.join('; ')).toMatch(/RollbackApplication of sc-stuck-hotspots/);
    expect(status.capacity).toMatchObject({ shards: 2, parallelism: 1 });
    expect(e2e.cloud.emulator.admin.calls({ operation: 'RollbackApplication' }).filter((c) => c.outcome === 'ok')).toHaveLength(1);
    await handle.signal(teardownSignal, { reason: 'test done' });
    await handle.result();
  });

  it('goes DEGRADED, stops autoscaling and says what to do when the rollback fails too', { timeout: 120_000 }, async () => {
    const handle = await startScalingPipeline(e2e, 'sc-deg', { shards: 2, parallelism: 1, scaling: { settleTimeoutSeconds: 2 } });
    await flinkFault('sc-deg-hotspots', 'stuck-updating');
    const fault = await fetch(`${e2e.cloud.emulator.url}/_emulator/faults`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'fail', operation: 'RollbackApplication', count: 1, errorName: 'InvalidRequestException', message: 'Injected.' }),
    });
    expect(fault.ok).toBe(true);
    await handle.executeUpdate(scaleOverrideUpdate, { args: [{ parallelism: 2 }] });
    const { status, history } = await waitForScaling(e2e.client, handle.workflowId, settledIn(['DEGRADED']), 'DEGRADED');
    expect(kinds(history)).toEqual(['override:ok', 'action:failed', 'rollback:failed']);
    expect(status.attention).toMatch(/Rollback to 2 shards \/ parallelism 1 failed: .*InvalidRequestException.*restore 2 shards \/ parallelism 1 by hand/);
    expect(status.autoscaling.paused).toBe(true);
    expect(await rejectionOf(handle.executeUpdate(scaleOverrideUpdate, { args: [{ parallelism: 3 }] }))).toMatch(/the pipeline is DEGRADED/);
    await handle.signal(teardownSignal, { reason: 'test done' });
    expect(await handle.result()).toMatchObject({ phase: 'DELETED' });
  });
});

async function flinkFault(application: string, fault: 'stuck-updating' | 'unhealthy-after-update'): Promise<void> {
  const response = await fetch(`${e2e.cloud.emulator.url}/_emulator/flink/faults`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ application, fault }),
  });
  expect(response.ok).toBe(true);
}
