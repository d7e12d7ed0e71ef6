/**
 * Issue 13's acceptance through the HTTP API: a real pipeline workflow and the
 * calibration workflow on a real Worker, against the embedded emulator whose job has a
 * true rate of 2,600 records/s per subtask (not the default 4,400). Steps are compressed
 * to 5 s at 1 s CloudWatch periods (the emulator's fast profile); each phase holds one task
 * KPU, so the load stays within what this loaded 2-core machine can send.
 */
import { randomBytes } from 'node:crypto';
import { DescribeApplicationCommand, type KinesisAnalyticsV2Client } from '@aws-sdk/client-kinesis-analytics-v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../activities/index.js';
import type { CalibrationStatus, CalibrationStep } from '../../model/calibration.js';
import type { PipelineStatus } from '../../model/status.js';
import { startTestApi, terminateAllOn, type TestApi } from '../api/support/app.js';
import { cloudWatchClient, flinkClient, kinesisClient, startTestEmulator, type TestEmulator } from '../support/emulator.js';
import { runWorker, uniqueTaskQueue } from '../support/temporal.js';

const TRUE_RATE = 2600;

/** A step in one line, for failure messages. */
const brief = (s: CalibrationStep) => [s.parallelismPerKpu, s.offeredRecordsPerSecond, Math.round(s.sentRecordsPerSecond), Math.round(s.processedRecordsPerSecond ?? -1), s.lagSlopeMsPerSecond, s.verdict];

const pipelineId = (name: string) => `calib-${name}-${randomBytes(3).toString('hex')}`;

function spec(id: string, profile: 'cpu-bound' | 'io-bound', replay: boolean): Record<string, unknown> {
  return {
    id,
    stream: { shardCount: 6 },
    application: {
      parallelism: 2,
      properties: { 'shardpilot.emulator': { RecordsPerSecondPerSubtask: String(TRUE_RATE), JobProfile: profile } },
    },
    ...(replay ? { replay: { speedup: 30 } } : {}),
    // Autoscaling on (policy none keeps capacity still), so pausing and resuming it is visible.
    scaling: { policy: 'none', enabled: true, intervalSeconds: 1, periodSeconds: 1, settleTimeoutSeconds: 10, verifyTimeoutSeconds: 4 },
  };
}

async function until<T>(what: string, fn: () => Promise<T>, accept: (value: T) => boolean, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T;
  for (;;) {
    last = await fn();
    if (accept(last)) return last;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(last).slice(0, 3000)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('KPU calibration against a job whose true rate is 2,600 records/s per subtask', () => {
  let api: TestApi;
  let emulator: TestEmulator;
  let flink: KinesisAnalyticsV2Client;
  let activities: ReturnType<typeof createActivities>;
  const taskQueue = uniqueTaskQueue('calibration');

  const pipeline = async (id: string): Promise<PipelineStatus> => (await api.app.inject({ method: 'GET', url: `/pipelines/${id}` })).json();
  const calibration = async (id: string): Promise<CalibrationStatus> => {
    const r = await api.app.inject({ method: 'GET', url: `/pipelines/${id}/calibration` });
    return r.statusCode === 200 ? r.json() : ({ state: `http ${r.statusCode}` } as unknown as CalibrationStatus);
  };
  const finished = (c: CalibrationStatus): boolean => c.finishedAt !== null && c.finishedAt !== undefined;

  async function runningPipeline(id: string, profile: 'cpu-bound' | 'io-bound', replay = false): Promise<void> {
    const created = await api.app.inject({ method: 'POST', url: '/pipelines', payload: spec(id, profile, replay) });
    expect(created.statusCode, created.body).toBe(201);
    await until(`${id} RUNNING`, () => pipeline(id), (s) => s.phase === 'RUNNING' && s.capacity !== null && (!replay || s.replay?.state === 'running'), 60_000);
  }

  async function calibrate(id: string): Promise<CalibrationStatus> {
    const started = await api.app.inject({
      method: 'POST', url: `/pipelines/${id}/calibrate`,
      // One task KPU per phase (parallelism 1, then 2 at ParallelismPerKPU 2): what one KPU processes.
      payload: { rates: [1200, 2400, 3200, 4000], confirmSteps: 1, stepSeconds: 5, targetRecordsPerSecond: 10_000, budget: { maxDurationSeconds: 600 } },
    });
    expect(started.statusCode, started.body).toBe(202);
    expect(started.json()).toMatchObject({ plan: { rates: [1200, 2400, 3200, 4000], parallelism: null, parallelismPerKpu: [1, 2] } });
    const done = await until(`calibration of ${id}`, () => calibration(id), finished, 240_000);
    expect(done.state, JSON.stringify({ error: done.error, steps: done.steps.map((s) => [s.parallelismPerKpu, s.offeredRecordsPerSecond, s.verdict, s.reasons]) })).toBe('completed');
    return done;
  }

  beforeAll(async () => {
    emulator = await startTestEmulator({ kinesis: { createStreamMs: 50 } });
    flink = flinkClient(emulator);
    api = await startTestApi({ taskQueue, callTimeoutMs: 10_000 });
    activities = createActivities({
      kinesis: kinesisClient(emulator), flink, cloudwatch: cloudWatchClient(emulator), dataDir: 'data',
      scalingPollIntervalMs: 100, pollTiming: { minDelayMs: 20, maxDelayMs: 200 }, temporal: api.client,
    });
  });

  afterAll(async () => {
    if (api) await terminateAllOn(api.client, taskQueue).catch(() => undefined);
    await api?.close();
    flink?.destroy();
    await emulator?.stop();
  });

  it('CPU-bound: reports 2,600 ± 10 % per parallelism unit and recommends ParallelismPerKPU 1; applying sets the policy\'s rate', { timeout: 300_000 }, async () => {
    const id = pipelineId('cpu');
    await runWorker({ taskQueue, activities }, async () => {
      await runningPipeline(id, 'cpu-bound');
      const done = await calibrate(id);
      const result = done.result!;
      const evidence = JSON.stringify({ phases: result.phases, steps: done.steps.map(brief) });
      expect(result.recordsPerSecondPerParallelism, evidence).toBeGreaterThanOrEqual(TRUE_RATE * 0.9);
      expect(result.recordsPerSecondPerParallelism, evidence).toBeLessThanOrEqual(TRUE_RATE * 1.1);
      expect(result.workload, evidence).toBe('cpu-bound');
      expect(result.bottleneck).toBe('cpu');
      expect(result.recommendation.parallelismPerKpu).toBe(1);
      // 10,000 records/s with 25 % headroom at ~2,600 per subtask.
      expect(result.recommendation.parallelism).toBe(Math.ceil(12_500 / result.recordsPerSecondPerParallelism));
      expect(result.costPerMillionRecordsUsd).toBeGreaterThan(0);
      expect(done.steps.some((s) => s.verdict === 'saturated' && (s.lagSlopeMsPerSecond ?? 0) > 0)).toBe(true);
      expect(done.restore).toMatchObject({ restored: true, capacity: { parallelism: 2, parallelismPerKpu: 1 }, autoscalingPaused: false });
      const after = await pipeline(id);
      expect(after.capacity).toMatchObject({ parallelism: 2, parallelismPerKpu: 1 });
      expect(after.autoscaling.paused).toBe(false);

      const policy = await api.app.inject({ method: 'PUT', url: `/pipelines/${id}/autoscaling`, payload: { policy: 'article-step', paused: true } });
      expect(policy.statusCode, policy.body).toBe(200);
      const applied = await api.app.inject({ method: 'POST', url: `/pipelines/${id}/calibration/apply`, payload: { parallelismPerKpu: true } });
      expect(applied.statusCode, applied.body).toBe(200);
      expect(applied.json()).toMatchObject({ rateApplied: true, policy: 'article-step', parallelismPerKpu: 1 });
      expect((await pipeline(id)).autoscaling.parameters.recordsPerSecondPerParallelism).toBe(Math.round(result.recordsPerSecondPerParallelism));
    });
  });

  it('I/O-bound: reports 2,600 ± 10 % and recommends ParallelismPerKPU > 1; applying it is a verified UpdateApplication', { timeout: 300_000 }, async () => {
    const id = pipelineId('io');
    await runWorker({ taskQueue, activities }, async () => {
      await runningPipeline(id, 'io-bound');
      const done = await calibrate(id);
      const result = done.result!;
      const evidence = JSON.stringify({ phases: result.phases, steps: done.steps.map(brief) });
      expect(result.recordsPerSecondPerParallelism, evidence).toBeGreaterThanOrEqual(TRUE_RATE * 0.9);
      expect(result.recordsPerSecondPerParallelism, evidence).toBeLessThanOrEqual(TRUE_RATE * 1.1);
      expect(result.workload, evidence).toBe('io-bound');
      expect(result.recommendation.parallelismPerKpu).toBeGreaterThan(1);
      expect(result.phases[1]!.recordsPerSecondPerKpu!, evidence).toBeGreaterThan(1.1 * result.phases[0]!.recordsPerSecondPerKpu!);

      const applied = await api.app.inject({ method: 'POST', url: `/pipelines/${id}/calibration/apply`, payload: { parallelismPerKpu: true } });
      expect(applied.statusCode, applied.body).toBe(200);
      const k = result.recommendation.parallelismPerKpu;
      await until('ParallelismPerKPU applied', () => pipeline(id), (s) => s.phase === 'RUNNING' && s.capacity?.parallelismPerKpu === k, 30_000);
      const app = await flink.send(new DescribeApplicationCommand({ ApplicationName: `${id}-hotspots` }));
      expect(app.ApplicationDetail?.ApplicationConfigurationDescription?.FlinkApplicationConfigurationDescription?.ParallelismConfigurationDescription?.ParallelismPerKPU).toBe(k);
    });
  });

  it('cancelling mid-calibration restores the previous capacity, the replay and autoscaling', { timeout: 180_000 }, async () => {
    const id = pipelineId('cancel');
    await runWorker({ taskQueue, activities }, async () => {
      await runningPipeline(id, 'cpu-bound', true);
      const started = await api.app.inject({
        method: 'POST', url: `/pipelines/${id}/calibrate`,
        // Starting at ParallelismPerKPU 2 moves the pipeline off its capacity first.
        payload: { maxRecordsPerSecond: 6000, steps: 3, stepSeconds: 30, parallelismPerKpu: [2, 1] },
      });
      expect(started.statusCode, started.body).toBe(202);
      const again = await api.app.inject({ method: 'POST', url: `/pipelines/${id}/calibrate`, payload: { maxRecordsPerSecond: 6000 } });
      expect(again.statusCode).toBe(409);
      await until('measuring at ParallelismPerKPU 2', () => calibration(id), (c) => c.state === 'measuring', 60_000);
      const during = await pipeline(id);
      expect(during.capacity).toMatchObject({ parallelism: 2, parallelismPerKpu: 2 });
      expect(during.autoscaling.paused).toBe(true);
      // The replay child reports its state on its own schedule.
      await until('the replay paused', () => pipeline(id), (s) => s.replay?.state === 'paused', 15_000);

      const cancelled = await api.app.inject({ method: 'DELETE', url: `/pipelines/${id}/calibration` });
      expect(cancelled.statusCode, cancelled.body).toBe(202);
      const done = await until('cancelled and restored', () => calibration(id), finished, 60_000);
      expect(done.state).toBe('cancelled');
      expect(done.restore).toMatchObject({ restored: true, problems: [], replayPaused: true });
      const after = await pipeline(id);
      expect(after.capacity).toMatchObject({ shards: 6, parallelism: 2, parallelismPerKpu: 1 });
      expect(after.autoscaling.paused).toBe(false);
      await until('the replay running again', () => pipeline(id), (s) => s.replay?.state === 'running', 15_000);
    });
  });
});
