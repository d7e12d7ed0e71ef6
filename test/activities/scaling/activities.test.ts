import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScalingActivities, type ScalingActivities } from '../../../activities/scaling/index.js';
import type { MetricsSample } from '../../../scaling/types.js';
import { createPipeline, putTrips, until, startEmulatedCloud, type EmulatedCloud } from './emulated.js';

let cloud: EmulatedCloud;
let acts: ScalingActivities;
const calls = (operation: string) => cloud.emulator.admin.calls({ operation }).filter((c) => c.outcome === 'ok');

beforeAll(async () => {
  cloud = await startEmulatedCloud({ flink: { updateApplicationMs: 300, jobTickMs: 100 }, kinesis: { updateShardCountMs: 200 } });
  acts = createScalingActivities({ ...cloud, pollIntervalMs: 100 });
});
afterAll(async () => {
  await cloud?.close();
});

describe('readMetrics', () => {
  it('reads every series in one GetMetricData call, one sample per complete period, missing data as null', async () => {
    const names = { streamName: 'rm-trips', applicationName: 'rm-hotspots' };
    await createPipeline(cloud, names, 2, 1);
    const before = calls('GetMetricData').length;
    // Nothing written yet: the stream publishes no IncomingRecords, which must stay null, not 0.
    const quiet = await acts.readMetrics({ ...names, periodSeconds: 1, afterTimestamp: null, maxPeriods: 3 });
    expect(calls('GetMetricData').length - before).toBe(1);
    expect(quiet.samples).toHaveLength(3);
    expect(quiet.samples.map((s) => s.incomingRecords)).toEqual([null, null, null]);
    expect(quiet.capacity).toMatchObject({ streamStatus: 'ACTIVE', openShards: 2, applicationStatus: 'RUNNING', currentParallelism: 1 });

    await putTrips(cloud.kinesis, names.streamName, 800);
    // Keep reading from where the last read stopped, as the control loop does, until the writes are visible.
    const seen: MetricsSample[] = [];
    let after = quiet.samples[2]?.timestamp ?? null;
    await until(async () => {
      const { samples } = await acts.readMetrics({ ...names, periodSeconds: 1, afterTimestamp: after, maxPeriods: 10 });
      if (after !== null && samples[0]) expect(samples[0].timestamp).toBe(after + 1);
      seen.push(...samples);
      after = samples[samples.length - 1]?.timestamp ?? after;
      return seen;
    }, (all) => all.reduce((sum, s) => sum + (s.incomingRecords ?? 0), 0) >= 800 && all.some((s) => s.downtime === 0), 'the writes in the metrics');
    expect(seen.reduce((sum, s) => sum + (s.incomingRecords ?? 0), 0)).toBe(800);
    expect(new Set(seen.map((s) => s.timestamp)).size).toBe(seen.length);
    expect(seen.some((s) => s.kpus === 2)).toBe(true);
    expect(seen.some((s) => s.millisBehindLatest !== null)).toBe(true);
  });
});

describe('applyShardCount and applyParallelism', () => {
  it('call AWS once even when an attempt is retried, and report the change as already made', async () => {
    const names = { streamName: 'ap-trips', applicationName: 'ap-hotspots' };
    await createPipeline(cloud, names, 4, 1);
    const first = await acts.applyShardCount({ streamName: names.streamName, targetShards: 6 });
    const retried = await acts.applyShardCount({ streamName: names.streamName, targetShards: 6 });
    expect(first.called).toBe(true);
    expect(retried).toMatchObject({ called: false });
    const settled = await acts.waitSettled({ ...names, deadlineEpochMs: Date.now() + 10_000 });
    expect(settled).toMatchObject({ settled: true, capacity: { streamStatus: 'ACTIVE', openShards: 6 } });
    expect((await acts.applyShardCount({ streamName: names.streamName, targetShards: 6 })).called).toBe(false);
    expect(calls('UpdateShardCount').filter((c) => JSON.stringify(c.params).includes(names.streamName))).toHaveLength(1);

    const version = settled.capacity.applicationVersionId;
    const update = await acts.applyParallelism({ applicationName: names.applicationName, targetParallelism: 3, expectedVersionId: version });
    const again = await acts.applyParallelism({ applicationName: names.applicationName, targetParallelism: 3, expectedVersionId: version });
    expect([update.called, again.called]).toEqual([true, false]);
    const updated = await acts.waitSettled({ ...names, deadlineEpochMs: Date.now() + 10_000 });
    expect(updated.capacity).toMatchObject({ applicationStatus: 'RUNNING', currentParallelism: 3, autoScalingEnabled: false });
    expect(calls('UpdateApplication').filter((c) => JSON.stringify(c.params).includes(names.applicationName))).toHaveLength(1);
  });

  it('never re-send a change answered 500 after it took effect (the SDK would), but let the SDK retry a throttled one', async () => {
    const names = { streamName: 'ns-trips', applicationName: 'ns-hotspots' };
    await createPipeline(cloud, names, 2, 1);
    const sent = (operation: string, name: string) => cloud.emulator.admin.calls({ operation }).filter((c) => JSON.stringify(c.params).includes(`"${name}"`));
    const fail = (operation: string, resource: string, errorName: string, status: number, afterApplying: boolean, message = 'Injected.') => cloud.emulator.admin.injectFault({
      kind: 'fail', operation, resource, count: 1, errorName, status, afterApplying, message,
    });

    fail('UpdateShardCount', names.streamName, 'InternalFailure', 500, true);
    await expect(acts.applyShardCount({ streamName: names.streamName, targetShards: 4 })).rejects.toMatchObject({ type: 'AwsRetryable', nonRetryable: false });
    // The activity's retry looks first and finds the reshard under way or done.
    expect((await acts.applyShardCount({ streamName: names.streamName, targetShards: 4 })).called).toBe(false);
    expect(sent('UpdateShardCount', names.streamName)).toEqual([expect.objectContaining({ outcome: 'error', appliedThenFailed: true })]);

    const settled = await acts.waitSettled({ ...names, deadlineEpochMs: Date.now() + 10_000 });
    fail('UpdateApplication', names.applicationName, 'InternalFailure', 500, true);
    const version = settled.capacity.applicationVersionId;
    await expect(acts.applyParallelism({ applicationName: names.applicationName, targetParallelism: 2, expectedVersionId: version })).rejects.toMatchObject({ type: 'AwsRetryable' });
    expect((await acts.applyParallelism({ applicationName: names.applicationName, targetParallelism: 2, expectedVersionId: version })).called).toBe(false);
    expect(sent('UpdateApplication', names.applicationName)).toEqual([expect.objectContaining({ outcome: 'error', appliedThenFailed: true })]);

    // A throttle is answered before anything runs: the SDK's quick resend is safe and stays.
    await acts.waitSettled({ ...names, deadlineEpochMs: Date.now() + 10_000 });
    fail('UpdateShardCount', names.streamName, 'LimitExceededException', 400, false, `Rate exceeded for stream ${names.streamName} under account 000000000000.`);
    expect((await acts.applyShardCount({ streamName: names.streamName, targetShards: 2 })).called).toBe(true);
    expect(sent('UpdateShardCount', names.streamName).slice(1).map((c) => c.error ?? c.outcome)).toEqual(['LimitExceededException', 'ok']);
  });
});

describe('verifyHealth', () => {
  it('confirms a healthy change with reasons, and reports a job that keeps restarting within its bound', async () => {
    const names = { streamName: 'vh-trips', applicationName: 'vh-hotspots' };
    await createPipeline(cloud, names, 2, 1);
    await putTrips(cloud.kinesis, names.streamName, 500);
    const start = Date.now();
    const { capacity } = await acts.waitSettled({ ...names, deadlineEpochMs: Date.now() + 5000 });
    await acts.applyParallelism({ applicationName: names.applicationName, targetParallelism: 2, expectedVersionId: capacity.applicationVersionId });
    await acts.waitSettled({ ...names, deadlineEpochMs: Date.now() + 10_000 });
    const ok = await acts.verifyHealth({
      ...names, shards: 2, parallelism: 2, periodSeconds: 1, actionStartedEpochMs: start, deadlineEpochMs: Date.now() + 10_000,
    });
    expect(ok.healthy).toBe(true);
    expect(ok.reasons.join('; ')).toMatch(/application RUNNING with parallelism 2.*downtime 0 ms/);

    await fetch(`${cloud.emulator.url}/_emulator/flink/faults`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ application: names.applicationName, fault: 'unhealthy-after-update' }),
    });
    const second = Date.now();
    const now = await acts.waitSettled({ ...names, deadlineEpochMs: Date.now() + 5000 });
    await acts.applyParallelism({ applicationName: names.applicationName, targetParallelism: 3, expectedVersionId: now.capacity.applicationVersionId });
    await acts.waitSettled({ ...names, deadlineEpochMs: Date.now() + 10_000 });
    const bad = await acts.verifyHealth({
      ...names, shards: 2, parallelism: 3, periodSeconds: 1, actionStartedEpochMs: second, deadlineEpochMs: Date.now() + 3000,
    });
    expect(bad.healthy).toBe(false);
    expect(bad.reasons.join('; ')).toMatch(/downtime is \d+ ms|restarts rose from \d+ before the action to \d+/);
    expect(Date.now() - second).toBeLessThan(10_000);
  });
});

describe('verifyHealth with CloudWatch publication delay (bounds from period + delay)', () => {
  it('does not roll back a healthy change because its datapoints are not published yet; waits period + delay, then judges', async () => {
    const delayed = await startEmulatedCloud({ flink: { updateApplicationMs: 300, jobTickMs: 100 }, cloudwatch: { publicationDelayMs: 3000 } });
    try {
      const verify = createScalingActivities({ ...delayed, pollIntervalMs: 100, publicationDelaySeconds: 3 });
      const names = { streamName: 'vd-trips', applicationName: 'vd-hotspots' };
      await createPipeline(delayed, names, 2, 1);
      const start = Date.now();
      const { capacity } = await verify.waitSettled({ ...names, deadlineEpochMs: Date.now() + 5000 });
      await verify.applyParallelism({ applicationName: names.applicationName, targetParallelism: 2, expectedVersionId: capacity.applicationVersionId });
      await verify.waitSettled({ ...names, deadlineEpochMs: Date.now() + 10_000 });
      // The workflow's own deadline is already over: nothing after the restart can have been published yet.
      const result = await verify.verifyHealth({ ...names, shards: 2, parallelism: 2, periodSeconds: 1, actionStartedEpochMs: start, deadlineEpochMs: Date.now() });
      expect(result.healthy).toBe(true);
      expect(result.reasons.join('; ')).toMatch(/downtime 0 ms|unknown, not a failure/);
      // It waited for a full period after the change plus the delay before judging.
      expect(Date.now() - start).toBeGreaterThanOrEqual(3000);
    } finally {
      await delayed.close();
    }
  });
});

describe('revertApplication', () => {
  it('rolls a stuck update back once, even when retried, and the application returns to its previous parallelism', async () => {
    const names = { streamName: 'rv-trips', applicationName: 'rv-hotspots' };
    await createPipeline(cloud, names, 2, 1);
    await fetch(`${cloud.emulator.url}/_emulator/flink/faults`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ application: names.applicationName, fault: 'stuck-updating' }),
    });
    const { capacity } = await acts.waitSettled({ ...names, deadlineEpochMs: Date.now() + 5000 });
    await acts.applyParallelism({ applicationName: names.applicationName, targetParallelism: 2, expectedVersionId: capacity.applicationVersionId });
    const stuck = await acts.waitSettled({ ...names, deadlineEpochMs: Date.now() + 1000 });
    expect(stuck).toMatchObject({ settled: false, capacity: { applicationStatus: 'UPDATING' } });

    const input = { applicationName: names.applicationName, expectedVersionId: stuck.capacity.applicationVersionId };
    expect((await acts.revertApplication(input)).called).toBe(true);
    expect((await acts.revertApplication(input)).called).toBe(false);
    const back = await acts.waitSettled({ ...names, deadlineEpochMs: Date.now() + 10_000 });
    expect(back.capacity).toMatchObject({ applicationStatus: 'RUNNING', parallelism: 1, currentParallelism: 1 });
    expect(calls('RollbackApplication')).toHaveLength(1);
  });
});
