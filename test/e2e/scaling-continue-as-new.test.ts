import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { autoscalingUpdate, metricsQuery, scaleOverrideUpdate, teardownSignal } from '../../workflows/contract.js';
import {
  changeCalls, kinds, settledIn, startScalingE2E, startScalingPipeline, waitForScaling, type ScalingE2E,
} from './scaling-harness.js';

let e2e: ScalingE2E;

beforeAll(async () => {
  e2e = await startScalingE2E();
});
afterAll(async () => {
  await e2e?.close();
});

describe('scaling across continue-as-new', () => {
  it('carries history, quota, settings, metrics window and accepted overrides through many runs', { timeout: 180_000 }, async () => {
    // A short history limit makes the pipeline continue as new every few ticks, so overrides and actions straddle runs.
    const handle = await startScalingPipeline(e2e, 'sc-can', {
      shards: 4, parallelism: 1, scaling: { cooldownSeconds: 5 }, continueAsNewAfterHistoryEvents: 40,
    });
    const client = e2e.client;
    const latest = () => client.workflow.getHandle(handle.workflowId);
    const finished = (n: number) => (s: Parameters<Parameters<typeof waitForScaling>[2]>[0], h: Parameters<Parameters<typeof waitForScaling>[2]>[1]) =>
      settledIn(['RUNNING'])(s) && h.filter((r) => r.kind === 'verification' && r.outcome === 'ok').length >= n;

    await latest().executeUpdate(scaleOverrideUpdate, { args: [{ shards: 6, reason: 'first' }] });
    await waitForScaling(client, handle.workflowId, finished(1), 'first override');
    const settings = await latest().executeUpdate(autoscalingUpdate, { args: [{ cooldownSeconds: 42 }] });
    expect(settings.cooldownSeconds).toBe(42);
    await waitForScaling(client, handle.workflowId, (s) => s.continuedAsNewCount >= 2, 'two continue-as-new cycles');

    await latest().executeUpdate(scaleOverrideUpdate, { args: [{ parallelism: 2, reason: 'second' }] });
    await waitForScaling(client, handle.workflowId, finished(2), 'second override');
    await latest().executeUpdate(scaleOverrideUpdate, { args: [{ shards: 8, parallelism: 3, reason: 'third' }] });
    const { status, history } = await waitForScaling(
      client, handle.workflowId, (s, h) => finished(3)(s, h) && s.continuedAsNewCount >= 4, 'third override and more runs', 90_000,
    );

    expect(status.continuedAsNewCount).toBeGreaterThanOrEqual(4);
    expect(kinds(history)).toEqual([
      'override:ok', 'action:ok', 'verification:ok', 'settings:ok',
      'override:ok', 'action:ok', 'verification:ok',
      'override:ok', 'action:ok', 'verification:ok',
    ]);
    expect(history.filter((r) => r.kind === 'override').map((r) => r.reasons[0])).toEqual(['first', 'second', 'third']);
    expect(status.capacity).toMatchObject({ shards: 8, parallelism: 3 });
    expect(status.shardUpdatesLast24h).toBe(2);
    expect(status.autoscaling.cooldownSeconds).toBe(42);
    expect(changeCalls(e2e, 'sc-can-trips').map((c) => c.target)).toEqual([6, 8]);
    expect(changeCalls(e2e, 'sc-can-hotspots').map((c) => `${c.operation}:${c.outcome}`)).toEqual(['UpdateApplication:ok', 'UpdateApplication:ok']);

    // The metrics window continues across runs: every period since the loop started, once, in order, no gaps.
    const window = await latest().query(metricsQuery);
    const stamps = window.map((s) => s.timestamp);
    expect(stamps.length).toBeGreaterThanOrEqual(3);
    expect(stamps.slice(1).map((t, i) => t - (stamps[i] ?? 0))).toEqual(stamps.slice(1).map(() => 1));

    await latest().signal(teardownSignal, { reason: 'test done' });
    await latest().result();
  });
});
