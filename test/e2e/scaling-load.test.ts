import { DescribeStreamSummaryCommand } from '@aws-sdk/client-kinesis';
import { DescribeApplicationCommand } from '@aws-sdk/client-kinesis-analytics-v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metricsQuery, teardownSignal } from '../../workflows/contract.js';
import { steadyLoad } from '../activities/scaling/emulated.js';
import { changeCalls, settledIn, startScalingE2E, startScalingPipeline, waitForScaling, type ScalingE2E } from './scaling-harness.js';

let e2e: ScalingE2E;

beforeAll(async () => {
  e2e = await startScalingE2E();
});
afterAll(async () => {
  await e2e?.close();
});

describe('autoscaling with the article-step policy on the real pipeline workflow (emulator)', () => {
  it('grows shards and parallelism under a load step-up, then shrinks them within bounds when it is quiet', { timeout: 180_000 }, async () => {
    // Scaled-down article numbers: one parallelism unit is 1,000 records/s (policy and emulated job agree),
    // so 1,800 records/s on 2 shards is above 80 % of the stream (1,600/s) and above one unit.
    const handle = await startScalingPipeline(e2e, 'sc-load', {
      shards: 2, parallelism: 1, recordsPerSecondPerSubtask: 1000,
      scaling: {
        policy: 'article-step', cooldownSeconds: 3, parameters: { recordsPerSecondPerParallelism: 1000 },
        limits: { minShards: 1, maxShards: 4, minParallelism: 1, maxParallelism: 4, maxKpus: 64 },
      },
    });
    let rate = 1800;
    const load = steadyLoad(e2e.cloud.kinesis, 'sc-load-trips', () => rate);
    try {
      const grown = await waitForScaling(
        e2e.client, handle.workflowId,
        (s) => settledIn(['RUNNING'])(s) && (s.capacity?.shards ?? 0) >= 3 && (s.capacity?.parallelism ?? 0) >= 2,
        'shards and parallelism to grow', 90_000,
      );
      const up = grown.history.filter((r) => r.kind === 'decision' && r.outcome === 'ok');
      expect(up.length).toBeGreaterThan(0);
      expect(up[0]?.reasons.join(' ')).toMatch(/IncomingRecords/);
      expect(grown.history.some((r) => r.kind === 'verification' && r.outcome === 'ok')).toBe(true);
      const peakShards = grown.status.capacity?.shards ?? 0;
      const stream = await e2e.cloud.kinesis.send(new DescribeStreamSummaryCommand({ StreamName: 'sc-load-trips' }));
      expect(stream.StreamDescriptionSummary?.OpenShardCount).toBe(peakShards);
      const window = await handle.query(metricsQuery);
      expect(window.some((s) => (s.incomingRecords ?? 0) > 1600)).toBe(true);

      // Quiet, not silent: with no writes at all the stream publishes no IncomingRecords, which is no evidence of low load.
      rate = 100;
      const quiet = await waitForScaling(
        e2e.client, handle.workflowId,
        (s) => settledIn(['RUNNING'])(s) && s.capacity?.parallelism === 1 && (s.capacity?.shards ?? 99) < peakShards,
        'shards and parallelism to shrink', 120_000,
      );
      expect(quiet.status.capacity?.shards).toBeGreaterThanOrEqual(1);
      const app = await e2e.cloud.flink.send(new DescribeApplicationCommand({ ApplicationName: 'sc-load-hotspots' }));
      const parallelism = app.ApplicationDetail?.ApplicationConfigurationDescription?.FlinkApplicationConfigurationDescription?.ParallelismConfigurationDescription;
      expect(parallelism).toMatchObject({ CurrentParallelism: 1, AutoScalingEnabled: false });
      const down = quiet.history.filter((r) => r.kind === 'decision' && r.outcome === 'ok' && r.after !== null && r.before !== null
        && (r.after.shards < r.before.shards || r.after.parallelism < r.before.parallelism));
      expect(down.length).toBeGreaterThan(0);
      expect(quiet.history.every((r) => r.after === null || (r.after.shards >= 1 && r.after.shards <= 4 && r.after.parallelism <= 4))).toBe(true);
      // Every change in the history is a call in the emulator's log, and none failed.
      const calls = [...changeCalls(e2e, 'sc-load-trips'), ...changeCalls(e2e, 'sc-load-hotspots')];
      expect(calls.every((c) => c.outcome === 'ok')).toBe(true);
      expect(calls.filter((c) => c.operation === 'UpdateShardCount').length).toBe(quiet.status.shardUpdatesLast24h);
    } finally {
      await load.stop();
    }
    await handle.signal(teardownSignal, { reason: 'test done' });
    await handle.result();
  });
});
