import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { autoscalingUpdate, scaleOverrideUpdate } from '../../../workflows/contract.js';
import { FakeCloud } from './fake-cloud.js';
import { finish, kinds, rejection, startHost, startHostWorker, waitFor, type HostHarness } from './host.js';

const cloud = new FakeCloud();
let h: HostHarness;

beforeAll(async () => {
  h = await startHostWorker(cloud.activities());
});
afterAll(async () => {
  await h?.close();
});

describe('scaling action saga (real Temporal server, fake cloud)', () => {
  it('applies and verifies a manual override to 12 shards on an 8-shard stream, calling UpdateShardCount once', async () => {
    const fake = cloud.add('ovr12-trips', { shards: 8, parallelism: 1 });
    const handle = await startHost(h, 'ovr12');
    const result = await handle.executeUpdate(scaleOverrideUpdate, { args: [{ shards: 12, reason: 'planned event' }] });
    expect(result).toMatchObject({ accepted: true, target: { shards: 12 }, before: { shards: 8, parallelism: 1 } });

    const { status, history } = await waitFor(handle, (_s, hist) => hist.some((r) => r.kind === 'verification'), 'verification');
    expect(kinds(history)).toEqual(expect.arrayContaining(['override:ok', 'action:ok', 'verification:ok']));
    expect(history.find((r) => r.kind === 'action')).toMatchObject({ before: { shards: 8, parallelism: 1 }, after: { shards: 12, parallelism: 1 } });
    expect(fake.stream.openShards).toBe(12);
    expect(fake.calls).toEqual([{ op: 'UpdateShardCount', target: 12 }]);
    await waitFor(handle, (s) => s.phase === 'RUNNING' && s.activeAction === null, 'RUNNING again');
    expect(status.shardUpdatesLast24h).toBe(1);
    await finish(handle);
  });

  it('describes the capacity again on the tick after an action, not reusing what the action saw last', async () => {
    const fake = cloud.add('redesc-trips', { shards: 8, parallelism: 1 });
    const handle = await startHost(h, 'redesc');
    await handle.executeUpdate(scaleOverrideUpdate, { args: [{ parallelism: 2, reason: 'test' }] });
    const { history } = await waitFor(handle, (s, hist) => s.activeAction === null && hist.some((r) => r.kind === 'verification'), 'the action');
    const verifiedAt = Date.parse(history.find((r) => r.kind === 'verification')?.at ?? '');
    // 1 s ticks with 1 s periods read every tick; within the 60 s the snapshot could be reused, the first read after
    // the action must describe again.
    await waitFor(handle, () => fake.reads.filter((r) => r.atMs > verifiedAt).length >= 2, 'two reads after the action');
    expect(fake.reads.find((r) => r.atMs > verifiedAt)).toMatchObject({ described: true });
    await finish(handle);
  });

  it('rejects an override to 20 shards on 8 open shards, saying it is more than 2×, and records nothing', async () => {
    const fake = cloud.add('ovr20-trips', { shards: 8, parallelism: 1 });
    const handle = await startHost(h, 'ovr20');
    expect(await rejection(handle.executeUpdate(scaleOverrideUpdate, { args: [{ shards: 20 }] }))).toMatch(
      /20 shards is more than 2× the 8 open shards \(UpdateShardCount allows at most 16\)/,
    );
    expect(await rejection(handle.executeUpdate(scaleOverrideUpdate, { args: [{ shards: 3 }] }))).toMatch(/less than ½ of the 8 open shards/);
    expect(await rejection(handle.executeUpdate(scaleOverrideUpdate, { args: [{ parallelism: 300 }] }))).toMatch(/parallelism must be a whole number from 1 to 256/);
    const result = await finish(handle);
    expect(result.history.filter((r) => r.kind !== 'decision')).toEqual([]);
    expect(fake.calls).toEqual([]);
  });

  it('rolls back the stream when the following UpdateApplication fails, and says why', async () => {
    const fake = cloud.add('rb-trips', { shards: 8, parallelism: 1 });
    fake.faults.failUpdateApplication = 1;
    const handle = await startHost(h, 'rb');
    await handle.executeUpdate(scaleOverrideUpdate, { args: [{ shards: 10, parallelism: 2 }] });
    const { history } = await waitFor(handle, (_s, hist) => hist.some((r) => r.kind === 'rollback'), 'rollback');
    const rollback = history.find((r) => r.kind === 'rollback');
    expect(rollback).toMatchObject({ outcome: 'ok', before: { shards: 10, parallelism: 2 }, after: { shards: 8, parallelism: 1 } });
    expect(rollback?.reasons.join(' ')).toMatch(/injected fault/);
    // Up: stream first, then Flink; the rollback restores the stream.
    expect(fake.calls).toEqual([
      { op: 'UpdateShardCount', target: 10 }, { op: 'UpdateApplication', target: 2 }, { op: 'UpdateShardCount', target: 8 },
    ]);
    const { status } = await waitFor(handle, (s) => s.phase === 'RUNNING' && s.activeAction === null, 'RUNNING again');
    expect(status.capacity).toMatchObject({ shards: 8, parallelism: 1 });
    expect(status.shardUpdatesLast24h).toBe(2);
    await finish(handle);
  });

  it('past the 10-a-day UpdateShardCount quota, an override and its rollback still reshard (the activity goes by hand when AWS refuses)', async () => {
    const fake = cloud.add('pq-trips', { shards: 8, parallelism: 1 });
    const handle = await startHost(h, 'pq');
    for (let i = 1; i <= 10; i++) {
      const shards = i % 2 === 1 ? 9 : 8;
      await handle.executeUpdate(scaleOverrideUpdate, { args: [{ shards, reason: `reshard ${i} of the day` }] });
      await waitFor(handle, (s) => s.phase === 'RUNNING' && s.activeAction === null && s.capacity?.shards === shards, `reshard ${i}`);
    }
    // The 11th and 12th reshard of the day: refused before PATCHES.reshardPastQuota ("quota is used up").
    fake.faults.failUpdateApplication = 1;
    const result = await handle.executeUpdate(scaleOverrideUpdate, { args: [{ shards: 10, parallelism: 2, reason: 'planned event' }] });
    expect(result).toMatchObject({ accepted: true, target: { shards: 10, parallelism: 2 } });
    const { history } = await waitFor(handle, (_s, hist) => hist.some((r) => r.kind === 'rollback'), 'rollback');
    expect(history.find((r) => r.kind === 'rollback')).toMatchObject({ outcome: 'ok', after: { shards: 8, parallelism: 1 } });
    expect(fake.calls.filter((c) => c.op === 'UpdateShardCount').map((c) => c.target)).toEqual([9, 8, 9, 8, 9, 8, 9, 8, 9, 8, 10, 8]);
    const { status } = await waitFor(handle, (s) => s.phase === 'RUNNING' && s.activeAction === null, 'RUNNING again');
    expect(status.capacity).toMatchObject({ shards: 8, parallelism: 1 });
    expect(status.shardUpdatesLast24h).toBe(12);
    await finish(handle);
  });

  it('goes DEGRADED with instructions when the rollback fails too, and a person can resume', async () => {
    const fake = cloud.add('deg-trips', { shards: 8, parallelism: 2 });
    fake.faults.unhealthyUpdates = 2;
    const handle = await startHost(h, 'deg');
    await handle.executeUpdate(scaleOverrideUpdate, { args: [{ parallelism: 4 }] });
    const { status, history } = await waitFor(handle, (s) => s.phase === 'DEGRADED', 'DEGRADED');
    expect(kinds(history)).toEqual(expect.arrayContaining(['action:ok', 'verification:failed', 'rollback:failed']));
    expect(status.attention).toMatch(/Rollback to 8 shards \/ parallelism 2 failed/);
    expect(status.attention).toMatch(/resume autoscaling/);
    expect(status.autoscaling.paused).toBe(true);
    expect(await rejection(handle.executeUpdate(scaleOverrideUpdate, { args: [{ parallelism: 3 }] }))).toMatch(/DEGRADED/);

    fake.unhealthy = false;
    const settings = await handle.executeUpdate(autoscalingUpdate, { args: [{ paused: false }] });
    expect(settings.paused).toBe(false);
    const after = await waitFor(handle, (s) => s.phase === 'RUNNING', 'RUNNING after resume');
    expect(after.status.attention).toBeNull();
    await finish(handle);
  });

  it('lets the policy scale out under load, stream before Flink, with the policy reasons in the history', async () => {
    // 7,000 records/s on 8 shards is above 80 % (6,400/s) and above one parallelism unit (4,400/s).
    const fake = cloud.add('load-trips', { shards: 8, parallelism: 1, incomingPerSecond: 7000 });
    const handle = await startHost(h, 'load', { scaling: { policy: 'article-step' } });
    const { history } = await waitFor(handle, (_s, hist) => hist.some((r) => r.kind === 'verification'), 'verification');
    const decision = history.find((r) => r.kind === 'decision' && r.outcome === 'ok');
    expect(decision?.target).toEqual({ shards: 9, parallelism: 2 });
    expect(decision?.reasons.join(' ')).toMatch(/IncomingRecords/);
    expect(fake.calls).toEqual([{ op: 'UpdateShardCount', target: 9 }, { op: 'UpdateApplication', target: 2 }]);
    await finish(handle);
  });

  it('never feeds the policy periods observed while an action ran: after it, only newer periods count', async () => {
    // 20,000 records/s while the override runs would be far above 80 % of 3 shards, had the policy been in charge.
    const fake = cloud.add('stale-trips', { shards: 2, parallelism: 1, incomingPerSecond: 0, settleMs: 2500 });
    fake.spikeDuringActions = 20_000;
    const handle = await startHost(h, 'stale', { scaling: { policy: 'article-step', cooldownSeconds: 0 } });
    await handle.executeUpdate(scaleOverrideUpdate, { args: [{ shards: 3 }] });
    const verified = await waitFor(handle, (_s, hist) => hist.some((r) => r.kind === 'verification'), 'the override verified');
    const verifiedAt = Date.parse(verified.history.find((r) => r.kind === 'verification')?.at ?? '');
    // Three ticks (1 s) read the metrics after the action — counted, not slept for: its stale periods never reached the policy.
    const { history } = await waitFor(handle, () => fake.reads.filter((r) => r.atMs > verifiedAt).length >= 3, 'three metric reads after the action');
    expect(history.filter((r) => r.kind === 'decision' && r.outcome === 'ok')).toEqual([]);
    expect(fake.calls).toEqual([{ op: 'UpdateShardCount', target: 3 }]);
    await finish(handle);
  });

  it('validates autoscaling changes and pauses the policy', async () => {
    cloud.add('cfg-trips', { shards: 8, parallelism: 1 });
    const handle = await startHost(h, 'cfg', { scaling: { policy: 'article-step' } });
    expect(await rejection(handle.executeUpdate(autoscalingUpdate, { args: [{ parameters: { bogus: 1 } }] }))).toMatch(/parameters\.bogus unknown parameter/);
    expect(await rejection(handle.executeUpdate(autoscalingUpdate, { args: [{ limits: { minShards: 9, maxShards: 4 } }] }))).toMatch(/minShards must not exceed/);
    const settings = await handle.executeUpdate(autoscalingUpdate, { args: [{ paused: true, cooldownSeconds: 30 }] });
    expect(settings).toMatchObject({ paused: true, cooldownSeconds: 30, policy: 'article-step' });
    const { status, history } = await waitFor(handle, (s) => s.autoscaling.paused, 'paused');
    expect(status.autoscaling.cooldownSeconds).toBe(30);
    expect(history.filter((r) => r.kind === 'settings')).toHaveLength(1);
    await finish(handle);
  });

  it('carries an override accepted as the run ends into the next run, which applies it once', async () => {
    const fake = cloud.add('can-trips', { shards: 8, parallelism: 1 });
    // Every run ends after one step, so the override is accepted by one run and applied by a later one.
    const handle = await startHost(h, 'can', {}, 1);
    await handle.executeUpdate(scaleOverrideUpdate, { args: [{ shards: 10, reason: 'across runs' }] });
    const { status, history } = await waitFor(handle, (s, hist) => s.continuedAsNewCount >= 3 && hist.some((r) => r.kind === 'verification'), 'verification after several runs');
    expect(kinds(history).filter((k) => k !== 'decision:none')).toEqual(['override:ok', 'action:ok', 'verification:ok']);
    expect(fake.calls).toEqual([{ op: 'UpdateShardCount', target: 10 }]);
    expect(status.shardUpdatesLast24h).toBe(1);
    const result = await finish(handle);
    expect(result.continuedAsNewCount).toBeGreaterThanOrEqual(3);
  });
});
