/**
 * Issue 6's end-to-end scenario driven by the taxi replay itself (not a synthetic load):
 * the committed day replayed at the article's 1800× into one shard peaks near 1,200
 * records/s, so the real pipeline workflow must grow the stream and the Flink job, and
 * shrink Flink again once the replay is over.
 */
import { DescribeStreamSummaryCommand } from '@aws-sdk/client-kinesis';
import { DescribeApplicationCommand } from '@aws-sdk/client-kinesis-analytics-v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { teardownSignal } from '../../workflows/contract.js';
import { steadyLoad } from '../activities/scaling/emulated.js';
import { startPipeline, testSpec } from '../workflows/lifecycle-harness.js';
import { changeCalls, scalingSpec, settledIn, startScalingE2E, waitForScaling, type ScalingE2E } from './scaling-harness.js';

/** The emulated job and the policy agree on a heavier job: 600 records/s per parallelism unit. */
const RATE = 600;
const ID = 'sc-replay';

let e2e: ScalingE2E;

beforeAll(async () => {
  // Real per-shard write limits: one shard takes 1,000 records/s, the rest is throttled and retried.
  e2e = await startScalingE2E({ kinesis: { limitsEnabled: true } });
});
afterAll(async () => {
  await e2e?.close();
});

describe('autoscaling driven by the taxi replay (real pipeline workflow, emulator)', () => {
  it('grows shards and parallelism while the sample day replays at 1800×, then shrinks Flink when the replay is over', { timeout: 240_000 }, async () => {
    const spec = testSpec(ID, {
      stream: { shardCount: 1, adopt: false, retentionHours: 24 },
      application: {
        parallelism: 1, parallelismPerKpu: 1, runtime: 'FLINK-1_20', snapshotsEnabled: true, adopt: false,
        serviceExecutionRole: 'arn:aws:iam::000000000000:role/flink',
        properties: { 'shardpilot.emulator': { RecordsPerSecondPerSubtask: String(RATE) } },
      },
      replay: { source: 'sample', speedup: 1800, startPaused: false },
      scaling: scalingSpec({
        policy: 'article-step', cooldownSeconds: 3, parameters: { recordsPerSecondPerParallelism: RATE },
        limits: { minShards: 1, maxShards: 4, minParallelism: 1, maxParallelism: 8, maxKpus: 64 },
      }),
    });
    const handle = await startPipeline(e2e.client, e2e.taskQueue, spec);

    const grown = await waitForScaling(
      e2e.client, handle.workflowId,
      (s) => settledIn(['RUNNING'])(s) && (s.capacity?.shards ?? 0) >= 2 && (s.capacity?.parallelism ?? 0) >= 2,
      'the replay to grow shards and parallelism', 150_000,
    );
    expect(['running', 'completed'], JSON.stringify(grown.status.replay)).toContain(grown.status.replay?.state);
    const shardsUp = grown.history.find((r) => r.kind === 'decision' && r.outcome === 'ok' && r.after !== null && r.before !== null
      && r.after.shards > r.before.shards);
    expect(shardsUp?.reasons.join(' ')).toMatch(/IncomingRecords [\d,]+\/1 s > 800 = 80 % of 1 shard/);
    const stream = await e2e.cloud.kinesis.send(new DescribeStreamSummaryCommand({ StreamName: `${ID}-trips` }));
    expect(stream.StreamDescriptionSummary?.OpenShardCount).toBe(grown.status.capacity?.shards);

    // Quiet, not silent, once the replay is over: a period without any write publishes no IncomingRecords,
    // which article-step does not count as a low period (docs/lifecycle.md), so a trickle keeps the evidence coming.
    const trickle = steadyLoad(e2e.cloud.kinesis, `${ID}-trips`, () => 20);
    const done = await waitForScaling(
      e2e.client, handle.workflowId,
      (s) => s.replay?.state === 'completed' && settledIn(['RUNNING'])(s) && s.capacity?.parallelism === 1,
      'the replay to end and Flink to shrink back to parallelism 1', 150_000,
    ).finally(() => trickle.stop());
    expect(done.status.replay).toMatchObject({ eventsSent: 40_000, malformedLines: 0 });
    expect(done.status.replay!.throttledRetries).toBeGreaterThan(0);
    const app = await e2e.cloud.flink.send(new DescribeApplicationCommand({ ApplicationName: `${ID}-hotspots` }));
    expect(app.ApplicationDetail?.ApplicationConfigurationDescription?.FlinkApplicationConfigurationDescription
      ?.ParallelismConfigurationDescription).toMatchObject({ CurrentParallelism: 1, AutoScalingEnabled: false });
    const flinkDown = done.history.filter((r) => r.kind === 'verification' && r.outcome === 'ok' && r.after !== null && r.before !== null
      && r.after.parallelism < r.before.parallelism);
    expect(flinkDown.length).toBeGreaterThan(0);
    // Every applied change is one call in the emulator's log, and none failed.
    const calls = [...changeCalls(e2e, `${ID}-trips`), ...changeCalls(e2e, `${ID}-hotspots`)];
    expect(calls.length).toBeGreaterThanOrEqual(3);
    expect(calls.every((c) => c.outcome === 'ok')).toBe(true);

    await handle.signal(teardownSignal, { reason: 'test done' });
    await handle.result();
  });
});
